import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import * as tr from "../../index.js";
import { encodeWav } from "../../components/audio.js";

type Pairs = [string, number][];
const words = (pairs: unknown) => (pairs as Pairs).filter((p) => p[0].trim() !== "");
const dir = mkdtempSync(path.join(tmpdir(), "tradio-interp-"));

describe("SHAP interpretation", () => {
  it("splits an interaction's credit equally where leave-one-out gives each part full credit", async () => {
    const f = (text: string) => {
      const w = text.split(" ");
      const yes = w.includes("alpha") && w.includes("gamma") ? 1 : 0;
      return { yes, no: 1 - yes };
    };
    const make = (interpretation: "shap" | "default") => new tr.Interface({ fn: f, inputs: "text", outputs: "label", interpretation, numShap: 4 });
    const [shap] = await make("shap").interpret(["alpha beta gamma delta"]);
    const [loo] = await make("default").interpret(["alpha beta gamma delta"]);
    const expectScores = (pairs: unknown, want: number[]) => words(pairs).forEach(([, s], i) => expect(s).toBeCloseTo(want[i], 12));
    expectScores(shap, [0.5, 0, 0.5, 0]);
    expectScores(loo, [1, 0, 1, 0]);
  });

  it("adds up to f(x) - f(no words) and is the same on every call", async () => {
    const weights = new Map(Array.from({ length: 20 }, (_, i) => [`w${i}`, Math.sin(i + 1)]));
    const f = (text: string) => {
      const w = text.split(" ").filter(Boolean);
      const s = w.reduce((a, x) => a + (weights.get(x) ?? 0), 0) + (w.includes("w1") && w.includes("w2") ? 1.5 : 0);
      const pos = 1 / (1 + Math.exp(-s));
      return { pos, neg: 1 - pos };
    };
    const text = [...weights.keys()].join(" ");
    const iface = new tr.Interface({ fn: f, inputs: "text", outputs: "label", interpretation: "shap" });
    const [a] = await iface.interpret([text]);
    const [b] = await iface.interpret([text]);
    expect(a).toEqual(b);
    const total = words(a).reduce((s, [, x]) => s + x, 0);
    const top = f(text).pos > 0.5 ? "pos" : "neg";
    expect(total).toBeCloseTo(f(text)[top] - f("")[top], 12);
  });

  it("on an additive Image or Audio model gives exactly the leave-one-out scores (absent = mean colour / silence)", async () => {
    const data = new Uint8Array(40 * 30 * 3).map((_, i) => (i % 3 === 0 ? (i * 7) % 256 : (i * 13) % 256));
    const png = path.join(dir, "a.png");
    writeFileSync(png, await sharp(Buffer.from(data), { raw: { width: 40, height: 30, channels: 3 } }).png().toBuffer());
    const red = (px: tr.Pixels) => px.data.reduce((s, v, i) => (i % 3 === 0 ? s + v : s), 0) / 1200;
    const image = (interpretation: "shap" | "default") =>
      new tr.Interface({ fn: red, inputs: new tr.Image({ segments: 6 }), outputs: "label" as const, interpretation } as any);
    // A Label over a number: confidence of class "red" = the mean red / 255.
    const [shapMap] = (await image("shap").interpret([png])) as number[][][];
    const [looMap] = (await image("default").interpret([png])) as number[][][];
    expect(shapMap).toHaveLength(30);
    for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++) expect(shapMap[y][x]).toBeCloseTo(looMap[y][x], 9);

    const samples = new Float32Array(400).map((_, i) => Math.sin(i) * ((i % 7) / 7));
    const wav = path.join(dir, "a.wav");
    writeFileSync(wav, encodeWav({ sampleRate: 8000, data: samples }));
    const loud = (a: tr.DecodedAudio | null) => ({ loud: a!.data.reduce((s, v) => s + Math.abs(v), 0) / 400, quiet: 0 });
    const audio = (interpretation: "shap" | "default") => new tr.Interface({ fn: loud, inputs: "audio", outputs: "label", interpretation });
    const [s] = (await audio("shap").interpret([wav])) as number[][];
    const [l] = (await audio("default").interpret([wav])) as number[][];
    s.forEach((v, i) => expect(v).toBeCloseTo(l[i], 9));
  });
});

describe("SHAP's budget", () => {
  it("makes ceil(numShap × tokens) coalition calls, plus the original and the empty input", async () => {
    for (const [tokens, numShap, calls] of [
      [12, 2, 26],
      [7, 0.5, 6],
      [3, 10, 8], // 2^3 - 2 = 6 coalitions cover everything: exact, no more calls
    ]) {
      let n = 0;
      const f = (t: string) => (n++, { a: t.length / 100, b: 0 });
      const iface = new tr.Interface({ fn: f, inputs: "text", outputs: "label", interpretation: "shap", numShap });
      await iface.interpret([Array.from({ length: tokens }, (_, i) => `w${i}`).join(" ")]);
      expect(n).toBe(calls);
    }
  });
});

describe("custom interpretation", () => {
  it("passes the preprocessed inputs and returns the function's structures", async () => {
    const seen: unknown[][] = [];
    const explain = (text: string, n: number) => {
      seen.push([text, n]);
      return [[[text, 1]], [[n, null]]];
    };
    const iface = new tr.Interface({
      fn: (t: string, n: number | null) => t.repeat(n!),
      inputs: ["text", new tr.Number({ precision: 0 })],
      outputs: "text",
      interpretation: explain,
    });
    expect(await iface.interpret(["hi", 2.4])).toEqual([[["hi", 1]], [[2, null]]]);
    expect(seen).toEqual([["hi", 2]]);
  });

  it("takes the structure alone for one input, and a function per input in a list", async () => {
    const one = new tr.Interface({ fn: (t: string) => t, inputs: "text", outputs: "text", interpretation: (t: string) => [[t, -1]] });
    expect(await one.interpret(["x"])).toEqual([[["x", -1]]]);
    const mixed = new tr.Interface({
      fn: (t: string, on: boolean) => (on ? t.length : 0),
      inputs: ["text", "checkbox"],
      outputs: "number",
      interpretation: ["default", (_t: string, on: boolean) => (on ? [0.5, null] : [null, 0.5])],
    });
    expect(await mixed.interpret(["ab", true])).toEqual([[["ab", 2]], [0.5, null]]);
  });

  it("refuses structures that do not fit the input's view, naming the input", async () => {
    const make = (explain: (...a: any[]) => unknown) =>
      new tr.Interface({ fn: (t: string, c: string | null) => t + c, inputs: ["text", new tr.Radio({ choices: ["a", "b"] })], outputs: "text", interpretation: explain });
    await expect(make(() => [[["x", 1]]]).interpret(["x", "a"])).rejects.toThrowCode("TR_ERR_RETURN", /one entry per input \(2\)/);
    await expect(make(() => [[["x", Number.NaN]], null]).interpret(["x", "a"])).rejects.toThrowCode("TR_ERR_RETURN", /input 0 \(Textbox\)/);
    await expect(make(() => [null, [1, 2, 3]]).interpret(["x", "a"])).rejects.toThrowCode("TR_ERR_RETURN", /input 1 \(Radio\)/);
    expect(await make(() => [null, [null, 2]]).interpret(["x", "a"])).toEqual([null, [null, 2]]);
  });
});

describe("evaluation", () => {
  it("keeps interpretationConcurrency perturbed calls of an async function in flight, never more, beside the original", async () => {
    const original = "a b c d e f g h";
    let inFlight = 0;
    let perturbedInFlight = 0;
    let most = 0;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let calls = 0;
    const f = async (text: string) => {
      calls++;
      inFlight++;
      if (text !== original) most = Math.max(most, ++perturbedInFlight);
      await gate;
      inFlight--;
      if (text !== original) perturbedInFlight--;
      return text.length;
    };
    const iface = new tr.Interface({ fn: f, inputs: "text", outputs: "number", interpretation: "default", interpretationConcurrency: 3 });
    const done = iface.interpret([original]);
    // Three perturbations and the original prediction, which is not a perturbed input.
    await expect.poll(() => inFlight).toBe(4);
    open();
    await done;
    expect(most).toBe(3);
    expect(calls).toBe(9);
  });

  it("sends perturbations to a batch function in batches of maxBatchSize, results in order", async () => {
    const sizes: number[] = [];
    const f = (texts: string[]) => {
      sizes.push(texts.length);
      return [texts.map((t) => t.length)];
    };
    const iface = new tr.Interface({ fn: f, batch: true, maxBatchSize: 4, inputs: "text", outputs: "number", interpretation: "default" });
    const [pairs] = await iface.interpret(["a bb ccc dddd eeeee f g h i j"]);
    expect(words(pairs).map(([, s]) => s)).toEqual([2, 3, 4, 5, 6, 2, 2, 2, 2, 2]);
    // The original and the ten perturbations, four at a time.
    expect(sizes.sort()).toEqual([3, 4, 4]);
  });

  it("uses the first output, the last value of a generator, and reports the function's errors", async () => {
    const two = new tr.Interface({ fn: (t: string) => [t.length, "ignored"], inputs: "text", outputs: ["number", "text"], interpretation: "default" });
    expect(words((await two.interpret(["ab c"]))[0])).toEqual([["ab", 3], ["c", 2]]);
    const gen = new tr.Interface({
      fn: function* (t: string) {
        yield 0;
        yield t.length;
      },
      inputs: "text",
      outputs: "number",
      interpretation: "default",
    });
    expect(words((await gen.interpret(["ab c"]))[0])).toEqual([["ab", 3], ["c", 2]]);
    const failing = new tr.Interface({
      fn: (t: string) => {
        if (t.length < 4) throw new tr.Error("too short");
        return t.length;
      },
      inputs: "text",
      outputs: "number",
      interpretation: "default",
    });
    await expect(failing.interpret(["ab cd"])).rejects.toThrowCode("TR_ERR_APP", /too short/);
  });

  it("gives each call its own copy of the other inputs", async () => {
    const f = (px: tr.Pixels | null, text: string) => {
      const first = px!.data[0]!;
      px!.data.fill(0); // a careless function that changes its argument in place
      return first + text.length;
    };
    const data = new Uint8Array(12 * 12 * 3).fill(200);
    const png = path.join(dir, "grey.png");
    writeFileSync(png, await sharp(Buffer.from(data), { raw: { width: 12, height: 12, channels: 3 } }).png().toBuffer());
    const iface = new tr.Interface({ fn: f, inputs: ["image", "text"], outputs: "number", interpretation: [null, "default"] });
    expect(words((await iface.interpret([png, "ab c"]))[1])).toEqual([["ab", 3], ["c", 2]]); // 200 + length each time
  });
});

describe("validation at construction", () => {
  const make = (opts: Record<string, unknown>) => () =>
    new tr.Interface({ fn: (x: unknown) => x, inputs: "text", outputs: "label", interpretation: "default", ...opts } as any);

  it("needs a Label or Number first output for the built-in methods, and a Label for SHAP", () => {
    expect(make({ outputs: "text" })).toThrowCode("TR_ERR_INTERPRETATION", /first output must be a Label or a Number.*got Textbox/);
    expect(make({ outputs: [] })).toThrowCode("TR_ERR_INTERPRETATION", /got no output/);
    expect(make({ outputs: "number", interpretation: "shap" })).toThrowCode("TR_ERR_INTERPRETATION", /"shap" needs a Label/);
    expect(make({ outputs: "number" })).not.toThrow();
    expect(make({ outputs: "text", interpretation: () => null })).not.toThrow();
  });

  it("allows SHAP on token inputs only, and default on interpretable inputs only", () => {
    expect(make({ inputs: "number", interpretation: "shap" })).toThrowCode("TR_ERR_INTERPRETATION", /input 0 \(Number.*"shap" needs a token input \(Textbox, Image or Audio\)/);
    expect(make({ inputs: "number", interpretation: "shapley" })).toThrowCode("TR_ERR_INTERPRETATION", /"shap" needs a token input/);
    expect(make({ inputs: "file" })).toThrowCode("TR_ERR_INTERPRETATION", /input 0 \(File "x"\) has no "default" interpretation/);
    expect(make({ inputs: ["file", "text"], interpretation: [null, "shap"] })).not.toThrow();
  });

  it("wants one method per input in a list, no state, and at least one input", () => {
    expect(make({ inputs: ["text", "text"], interpretation: ["default"] })).toThrowCode("TR_ERR_INTERPRETATION", /lists 1 method\(s\), but the interface has 2 input\(s\)/);
    expect(make({ inputs: ["text", "state"], outputs: ["label", "state"] })).toThrowCode("TR_ERR_INTERPRETATION", /state/);
    expect(make({ inputs: [] })).toThrowCode("TR_ERR_INTERPRETATION", /at least one input/);
    expect(make({ interpretationConcurrency: 0 })).toThrowCode("TR_ERR_OPTION_INVALID", /interpretationConcurrency/);
  });

  it("says so when interpret() is called without interpretation", async () => {
    const plain = new tr.Interface({ fn: (x: string) => x, inputs: "text", outputs: "text" });
    await expect(plain.interpret(["x"])).rejects.toThrowCode("TR_ERR_INTERPRETATION");
    await expect((make({})() as any).interpret("not a list")).rejects.toThrowCode("TR_ERR_CALL");
  });
});

describe("limits", () => {
  it("refuses SHAP on more tokens than its regression can take, with a message for the user", async () => {
    const iface = new tr.Interface({ fn: (t: string) => ({ a: t.length }), inputs: "text", outputs: "label", interpretation: "shap" });
    const long = Array.from({ length: 1001 }, (_, i) => `w${i}`).join(" ");
    await expect(iface.interpret([long])).rejects.toThrowCode("TR_ERR_TOO_COMPLEX", /at most 1000 tokens; this Textbox has 1001/);
    // Over HTTP it is the caller's request that went past the limit: a 4xx with the message and code.
    const app = await iface.launch({ port: 0, quiet: true });
    try {
      const res = await fetch(`${app.url}gradio_api/run/interpret`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: [long] }) });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ code: "TR_ERR_TOO_COMPLEX", error: expect.stringMatching(/at most 1000 tokens/) });
    } finally {
      await app.close();
    }
  });
});
