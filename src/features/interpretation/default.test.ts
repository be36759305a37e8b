import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import * as tr from "../../index.js";
import { decodeWav, encodeWav } from "../../components/audio.js";
import { slic } from "../../components/slic.js";

const dir = mkdtempSync(path.join(tmpdir(), "tradio-interp-"));
type Pairs = [string | number, number | null][];

describe("default interpretation of token inputs", () => {
  it("Textbox: drops one token at a time and returns [token, score] pairs that cover the text", async () => {
    const seen: string[] = [];
    const f = (text: string) => {
      seen.push(text);
      return text.split(" ").filter(Boolean).length + (text.includes("x") ? 10 : 0);
    };
    const iface = new tr.Interface({ fn: f, inputs: "text", outputs: "number", interpretation: "default" });
    const [pairs] = (await iface.interpret(["a x  b "])) as [Pairs];
    expect(pairs).toEqual([
      ["a", 1],
      [" ", 0],
      ["x", 11],
      ["  ", 0],
      ["b", 1],
      [" ", 0],
    ]);
    expect(pairs.map((p) => p[0]).join("")).toBe("a x  b ");
    expect(seen.slice(1).sort()).toEqual(["a  b ", "a x  ", "x  b "].sort());
  });

  it("Textbox: swaps in `replacement` and splits on `separator`", async () => {
    const seen: string[] = [];
    const f = (text: string) => (seen.push(text), text.length);
    const iface = new tr.Interface({
      fn: f,
      inputs: new tr.Textbox({ separator: ",", replacement: "?" }),
      outputs: "number",
      interpretation: "default",
    });
    const [pairs] = (await iface.interpret(["ab,c,def"])) as [Pairs];
    expect(pairs).toEqual([
      ["ab", 1],
      [",", 0],
      ["c", 0],
      [",", 0],
      ["def", 2],
    ]);
    expect(seen.slice(1).sort()).toEqual(["?,c,def", "ab,?,def", "ab,c,?"].sort());
    expect(() => new tr.Textbox({ separator: "" })).toThrowCode("TR_ERR_OPTION_INVALID", /"separator"/);
  });

  it("scores a Label by the confidence of the original top class, and gives full credit to each part of an interaction", async () => {
    const f = (text: string) => {
      const words = text.split(" ");
      const yes = words.includes("alpha") && words.includes("gamma") ? 0.9 : 0.3;
      return { yes, no: 1 - yes };
    };
    const iface = new tr.Interface({ fn: f, inputs: "text", outputs: "label", interpretation: "default" });
    const [pairs] = (await iface.interpret(["alpha beta gamma delta"])) as [Pairs];
    const scores = pairs.filter((p) => p[0] !== " ").map((p) => p[1] as number);
    [0.6, 0, 0.6, 0].forEach((s, i) => expect(scores[i]).toBeCloseTo(s, 12));
  });

  it("scores a plain label as changed (1) or kept (0), and a numeric label by its difference", async () => {
    const animal = new tr.Interface({ fn: (t: string) => (t.includes("meow") ? "cat" : "dog"), inputs: "text", outputs: "label", interpretation: "default" });
    const [a] = (await animal.interpret(["meow meow purr"])) as [Pairs];
    expect(a.filter((p) => p[0] !== " ").map((p) => p[1])).toEqual([0, 0, 0]);
    const [b] = (await animal.interpret(["one meow purr"])) as [Pairs];
    expect(b.filter((p) => p[0] !== " ").map((p) => p[1])).toEqual([0, 1, 0]);
    // A numeric label: "3" for three words.
    const count = new tr.Interface({ fn: (t: string) => String(t.split(" ").length), inputs: "text", outputs: "label", interpretation: "default" });
    const [c] = (await count.interpret(["a b c"])) as [Pairs];
    expect(c.filter((p) => p[0] !== " ").map((p) => p[1])).toEqual([1, 1, 1]);
  });

  it("Image: fills each SLIC superpixel with the mean colour and returns one score per pixel", async () => {
    const { png, raw } = await testImage(48, 32);
    const file = path.join(dir, "img.png");
    writeFileSync(file, png);
    // f = mean red, which is additive over superpixels, so every score is known exactly.
    const meanRed = (px: tr.Pixels) => {
      let s = 0;
      for (let p = 0; p < px.data.length; p += px.channels) s += px.data[p];
      return s / (px.width * px.height);
    };
    const { labels } = slic(raw, { segments: 6 });
    let total = 0;
    for (let p = 0; p < raw.data.length; p += 3) total += raw.data[p];
    const fill = Math.round(total / (48 * 32));
    const expected = (label: number) => {
      let s = 0;
      let n = 0;
      labels.forEach((l, p) => {
        if (l === label) {
          s += raw.data[p * 3];
          n++;
        }
      });
      return (s - n * fill) / (48 * 32);
    };
    const maps: number[][][] = [];
    for (const type of ["pixels", "buffer", "filepath"] as const) {
      const decode = async (v: unknown) => {
        if (type === "pixels") return v as tr.Pixels;
        const { data, info } = await sharp(v as Buffer | string).raw().toBuffer({ resolveWithObject: true });
        return { width: info.width, height: info.height, channels: info.channels, data } as tr.Pixels;
      };
      const iface = new tr.Interface({
        fn: async (v: unknown) => meanRed(await decode(v)),
        inputs: new tr.Image({ type, segments: 6 }),
        outputs: "number",
        interpretation: "default",
      } as any);
      const [map] = (await iface.interpret([file])) as [number[][]];
      expect(map).toHaveLength(32);
      expect(map.every((row) => row.length === 48)).toBe(true);
      maps.push(map);
    }
    for (let y = 0; y < 32; y++) for (let x = 0; x < 48; x++) expect(maps[0][y][x]).toBeCloseTo(expected(labels[y * 48 + x]), 10);
    expect(maps[1]).toEqual(maps[0]);
    expect(maps[2]).toEqual(maps[0]);
    expect(new Set(maps[0].flat()).size).toBeGreaterThan(3);
    expect(maps[0].flat().some((s) => s < 0)).toBe(true); // unlike Gradio, blue parts stay blue
  });

  it("Audio: silences each of `segments` equal stretches in turn", async () => {
    const frames = 800;
    const data = new Float32Array(frames * 2);
    for (let i = 0; i < frames; i++) data[2 * i] = data[2 * i + 1] = (Math.floor(i / 100) + 1) / 10;
    const file = path.join(dir, "tone.wav");
    writeFileSync(file, encodeWav({ sampleRate: 8000, data, channels: 2 }));
    const loudness = (a: tr.DecodedAudio | null) => a!.data.reduce((s, x) => s + Math.abs(x), 0) / a!.channels;
    const samples = new tr.Interface({ fn: loudness, inputs: "audio", outputs: "number", interpretation: "default" });
    const [scores] = (await samples.interpret([file])) as [number[]];
    expect(scores).toHaveLength(8);
    scores.forEach((s, i) => expect(s).toBeCloseTo(10 * (i + 1), 1));
    const paths = new tr.Interface({
      fn: (p: string | null) => loudness(decodeWav(readFileSync(p!))),
      inputs: new tr.Audio({ type: "filepath", segments: 4 }),
      outputs: "number",
      interpretation: "default",
    });
    const [four] = (await paths.interpret([file])) as [number[]];
    [30, 70, 110, 150].forEach((s, i) => expect(four[i]).toBeCloseTo(s, 1));
  });
});

describe("default interpretation of neighbour inputs (score = f(neighbour) - f(x))", () => {
  const square = (x: number | null) => x! * x!;

  it("Number: `steps` values each side, `delta` percent apart, [x, null] in the middle", async () => {
    const iface = new tr.Interface({ fn: square, inputs: "number", outputs: "number", interpretation: "default" });
    const [pairs] = (await iface.interpret([10])) as [[number, number | null][]];
    const xs = [9.7, 9.8, 9.9, 10, 10.1, 10.2, 10.3];
    expect(pairs).toHaveLength(7);
    pairs.forEach(([x, s], i) => {
      expect(x).toBeCloseTo(xs[i], 12);
      if (i === 3) expect(s).toBeNull();
      else expect(s).toBeCloseTo(xs[i] ** 2 - 100, 9);
    });
  });

  it("Number: absolute delta, range limits and integer precision", async () => {
    const abs = new tr.Interface({
      fn: square,
      inputs: new tr.Number({ steps: 2, delta: 2, deltaType: "absolute", minimum: 7 }),
      outputs: "number",
      interpretation: "default",
    });
    expect(await abs.interpret([10])).toEqual([
      [
        [8, -36],
        [10, null],
        [12, 44],
        [14, 96],
      ],
    ]);
    const int = new tr.Interface({ fn: square, inputs: new tr.Number({ precision: 0 }), outputs: "number", interpretation: "default" });
    const [pairs] = (await int.interpret([10])) as [[number, number | null][]];
    expect(pairs.map((p) => p[0])).toEqual([7, 8, 9, 10, 11, 12, 13]); // 1% of 10 rounds to 0: one unit instead
    expect(() => new tr.Number({ deltaType: "relative" as any })).toThrowCode("TR_ERR_OPTION_INVALID", /"deltaType"/);
    expect(() => new tr.Number({ steps: 0 })).toThrowCode("TR_ERR_OPTION_INVALID", /"steps"/);
  });

  it("Slider: 8 values from minimum to maximum", async () => {
    const iface = new tr.Interface({ fn: (x: number) => x, inputs: new tr.Slider({ minimum: 0, maximum: 70 }), outputs: "number", interpretation: "default" });
    expect(await iface.interpret([20])).toEqual([[-20, -10, 0, 10, 20, 30, 40, 50]]);
  });

  it("Checkbox: [scoreIfFalse, scoreIfTrue] with null at the current value", async () => {
    const f = (on: boolean) => ({ on: on ? 0.8 : 0.3, off: on ? 0.2 : 0.7 });
    const iface = new tr.Interface({ fn: f, inputs: "checkbox", outputs: "label", interpretation: "default" });
    const [[a, b]] = (await iface.interpret([true])) as [number, null][];
    expect(a).toBeCloseTo(-0.5, 12);
    expect(b).toBeNull();
    const [[c, d]] = (await iface.interpret([false])) as [null, number][];
    expect(c).toBeNull();
    expect(d).toBeCloseTo(-0.5, 12);
  });

  it("CheckboxGroup: each choice toggled, [unchecked, checked] per choice, by value or by index", async () => {
    const value = new tr.Interface({
      fn: (xs: string[]) => (xs.includes("a") ? 1 : 0) + (xs.includes("c") ? 2 : 0),
      inputs: new tr.CheckboxGroup({ choices: ["a", "b", "c"] }),
      outputs: "number",
      interpretation: "default",
    });
    const expected = [
      [
        [-1, null],
        [null, 0],
        [null, 2],
      ],
    ];
    expect(await value.interpret([["a"]])).toEqual(expected);
    const index = new tr.Interface({
      fn: (xs: number[]) => (xs.includes(0) ? 1 : 0) + (xs.includes(2) ? 2 : 0),
      inputs: new tr.CheckboxGroup({ choices: ["a", "b", "c"], type: "index" }),
      outputs: "number",
      interpretation: "default",
    });
    expect(await index.interpret([["a"]])).toEqual(expected);
  });

  it("Radio and Dropdown: every other choice, null at the selected one", async () => {
    const worth: Record<string, number> = { x: 1, y: 5, z: 2 };
    const radio = new tr.Interface({ fn: (c: string | null) => worth[c!], inputs: new tr.Radio({ choices: ["x", "y", "z"] }), outputs: "number", interpretation: "default" });
    expect(await radio.interpret(["y"])).toEqual([[-4, null, -3]]);
    const byIndex = new tr.Interface({
      fn: (i: number | null) => [1, 5, 2][i!],
      inputs: new tr.Radio({ choices: ["x", "y", "z"], type: "index" }),
      outputs: "number",
      interpretation: "default",
    });
    expect(await byIndex.interpret(["y"])).toEqual([[-4, null, -3]]);
    const dropdown = new tr.Interface({ fn: (c: string | null) => worth[c!] ?? 0, inputs: new tr.Dropdown({ choices: ["x", "y", "z"], allowCustomValue: true }), outputs: "number", interpretation: "default" });
    expect(await dropdown.interpret(["y"])).toEqual([[-4, null, -3]]);
    expect(await dropdown.interpret(["w"])).toEqual([[1, 5, 2]]); // a custom value has no slot
    const multi = new tr.Interface({
      fn: (cs: string[]) => cs.reduce((s, c) => s + worth[c], 0),
      inputs: new tr.Dropdown({ choices: ["x", "y", "z"], multiselect: true }),
      outputs: "number",
      interpretation: "default",
    });
    expect(await multi.interpret([["x", "z"]])).toEqual([
      [
        [-1, null],
        [null, 5],
        [-2, null],
      ],
    ]);
  });

  it("interprets several inputs at once, each against the same original prediction, and skips null methods", async () => {
    const f = (text: string, n: number | null, on: boolean) => text.length * n! + (on ? 100 : 0);
    const iface = new tr.Interface({
      fn: f,
      inputs: ["text", new tr.Number({ steps: 1, delta: 1, deltaType: "absolute" }), "checkbox"],
      outputs: "number",
      interpretation: ["default", "default", null],
    });
    const [text, n, on] = await iface.interpret(["ab c", 2, true]);
    expect(text).toEqual([
      ["ab", 6], // "c": 1 character
      [" ", 0],
      ["c", 4], // "ab": 2 characters
    ]);
    expect(n).toEqual([
      [1, -4],
      [2, null],
      [3, 4],
    ]);
    expect(on).toBeNull();
  });
});

async function testImage(w: number, h: number) {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 3;
      data[p] = x < w / 3 ? 230 : x < (2 * w) / 3 ? 40 : 120;
      data[p + 1] = y < h / 2 ? 200 : 30;
      data[p + 2] = (x * 5 + y * 3) % 256;
    }
  }
  const png = await sharp(Buffer.from(data), { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
  return { png, raw: { width: w, height: h, channels: 3, data } };
}
