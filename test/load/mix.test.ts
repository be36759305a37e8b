import { readFileSync } from "node:fs";
import path from "node:path";
import { handle_file } from "@gradio/client";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { connect, post } from "../helpers.js";
import { launcher, mediaFiles, standIn } from "./fixtures.js";

const { serve, closeAll } = launcher();
let hub: Awaited<ReturnType<typeof standIn>>;
let png: string;
beforeAll(async () => {
  hub = await standIn();
  ({ png } = await mediaFiles());
});
afterAll(async () => {
  await closeAll();
  await hub.stop();
});

const upper = () => new tr.Interface({ fn: (s: string) => s.toUpperCase(), inputs: "text", outputs: new tr.Textbox({ label: "Upper" }), title: "Upper" });
const reverse = () =>
  new tr.Interface({ fn: (s: string) => [...s].reverse().join(""), inputs: "text", outputs: new tr.Textbox({ label: "Reversed" }), title: "Reverse" });
const count = () => new tr.Interface({ fn: (s: string) => s.length, inputs: "text", outputs: new tr.Number({ label: "Length" }) });

describe("Parallel", () => {
  it("concatenates the outputs, labels each with its interface's title, and is callable", async () => {
    const p = new tr.Parallel(upper(), reverse(), count());
    expect(p.inputComponents.map((c) => c.type)).toEqual(["textbox"]);
    expect(p.outputComponents.map((c) => c.label)).toEqual(["Upper: Upper", "Reverse: Reversed", "interface 3: Length"]);
    expect(await p("abc")).toEqual(["ABC", "cba", 3]);
  });

  it("runs its interfaces concurrently", { timeout: 10_000 }, async () => {
    let started = 0;
    let release!: () => void;
    const bothStarted = new Promise<void>((r) => (release = r));
    const waiter = (tag: string) =>
      new tr.Interface({
        fn: async (s: string) => {
          if (++started === 2) release();
          await bothStarted; // resolves only if the other interface started while this one waits
          return `${tag}:${s}`;
        },
        inputs: "text",
        outputs: "text",
        title: tag,
      });
    expect(await new tr.Parallel(waiter("a"), waiter("b"))("x")).toEqual(["a:x", "b:x"]);
  });

  it("works through @gradio/client and shows each result under its source's title on the page", async () => {
    const app = await serve(new tr.Parallel(upper(), reverse(), { title: "Both", description: "Two at once" }));
    const client = await connect(app.base);
    expect((await client.predict("/predict", ["tradio"])).data).toEqual(["TRADIO", "oidart"]);
    const config = (await (await fetch(`${app.base}/config`)).json()) as { title: string; components: { type: string; props: { label: string | null } }[] };
    expect(config.title).toBe("Both");
    const labels = config.components.filter((c) => c.type === "textbox").map((c) => c.props.label);
    expect(labels).toEqual(expect.arrayContaining(["Upper: Upper", "Reverse: Reversed"]));
  });

  it("refuses interfaces whose inputs differ, naming the offending one", () => {
    const image = new tr.Interface({ fn: () => "x", inputs: "image", outputs: "text", title: "Pic" });
    expect(() => new tr.Parallel(upper(), image)).toThrowCode("TR_ERR_OPTION_CONFLICT", /interface 1 \("Pic"\).*interface 0 \("Upper"\)/);
    const two = new tr.Interface({ fn: (a: string, b: string) => a + b, inputs: ["text", "text"], outputs: "text" });
    expect(() => new tr.Parallel(upper(), two)).toThrowCode("TR_ERR_OPTION_CONFLICT", /interface 1 \("interface 2"\)/);
  });

  it("refuses what is not an Interface, no interfaces, and options that belong to the interfaces", () => {
    expect(() => new tr.Parallel(upper(), "text" as never)).toThrowCode("TR_ERR_OPTION_INVALID", /argument 1/);
    expect(() => new tr.Parallel()).toThrowCode("TR_ERR_OPTION_MISSING");
    expect(() => new tr.Parallel(upper(), { fn: () => 1 } as never)).toThrowCode("TR_ERR_OPTION_CONFLICT", /"fn"/);
    expect(() => new tr.Series(upper(), { outputs: "text" } as never)).toThrowCode("TR_ERR_OPTION_CONFLICT", /"outputs"/);
    expect(() => new tr.Parallel(upper(), { titel: "x" } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"titel"/);
  });

  it("reports bad input as the caller's (HTTP 422) and a source's tr.Error as is", async () => {
    const picky = new tr.Interface({
      fn: (s: string) => {
        if (s === "no") throw new tr.Error("picky says no");
        return s;
      },
      inputs: new tr.Textbox({ maxLength: 4, label: "Short" }),
      outputs: "text",
    });
    const app = await serve(new tr.Parallel(upper(), picky));
    const res = await post(app.base, "/gradio_api/run/predict", { data: ["too long"] });
    expect(res.status).toBe(422);
    expect(res.json.code).toBe("TR_ERR_INVALID_VALUE");
    expect(res.json.error).toMatch(/Textbox "Short"/);
    const client = await connect(app.base);
    await expect(client.predict("/predict", ["no"])).rejects.toThrow(/picky says no/);
  });
});

describe("Series", () => {
  it("pipes each interface's postprocessed outputs into the next one's preprocessing", async () => {
    const rounded = new tr.Interface({ fn: (x: number | null) => x! / 2, inputs: "number", outputs: new tr.Number({ precision: 0 }), title: "Half" });
    const tenfold = new tr.Interface({ fn: (x: number | null) => x! * 10, inputs: "number", outputs: "number", title: "Ten" });
    // 5 / 2 = 2.5 → postprocessed (precision 0) to 3 → 30: the rounding between the steps is visible.
    expect(await new tr.Series(rounded, tenfold)(5)).toBe(30);
  });

  it("carries files between steps: pixels out of one, resized pixels into the next", async () => {
    const grow = new tr.Interface({
      fn: (img: tr.Pixels | null) => ({ width: img!.width * 2, height: img!.height * 2, channels: 3, data: new Uint8Array(img!.width * img!.height * 12) }),
      inputs: "image",
      outputs: "image",
      title: "Grow",
    });
    const measure = new tr.Interface({ fn: (img: tr.Pixels | null) => `${img!.width}x${img!.height}`, inputs: new tr.Image({ shape: [4, 3] }), outputs: "text" });
    const s = new tr.Series(grow, measure);
    expect(await s(png)).toBe("4x3");
    const app = await serve(s);
    const client = await connect(app.base);
    const file = handle_file(new File([readFileSync(png)], path.basename(png)));
    expect((await client.predict("/predict", [file])).data).toEqual(["4x3"]);
  });

  it("ends with the last interface's outputs (files served by the Series' own app)", async () => {
    const flip = new tr.Interface({ fn: (img: Buffer | null) => img, inputs: new tr.Image({ type: "buffer" }), outputs: new tr.Image({ label: "Same" }) });
    const app = await serve(new tr.Series(upper(), count(), new tr.Interface({ fn: (n: number | null) => n, inputs: "number", outputs: "number" })));
    expect((await (await connect(app.base)).predict("/predict", ["four"])).data).toEqual([4]);
    const images = await serve(new tr.Series(flip, flip));
    const [out] = (await (await connect(images.base)).predict("/predict", [handle_file(new File([readFileSync(png)], "p.png"))])).data as [{ url: string }];
    expect(out.url.startsWith(images.base)).toBe(true);
    expect((await sharp(Buffer.from(await (await fetch(out.url)).arrayBuffer())).metadata()).width).toBe(5);
  });

  it("refuses counts that do not line up, naming both interfaces", () => {
    const two = new tr.Interface({ fn: (a: string, b: string) => a + b, inputs: ["text", "text"], outputs: "text", title: "Join" });
    expect(() => new tr.Series(upper(), two)).toThrowCode("TR_ERR_OPTION_CONFLICT", /interface 0 \("Upper"\).*interface 1 \("Join"\)/);
  });

  it("says which step could not take what the step before returned", async () => {
    const label = new tr.Interface({ fn: () => ({ a: 1 }), inputs: "text", outputs: "label", title: "Labeler" });
    const s = new tr.Series(label, new tr.Interface({ fn: (n: number | null) => n, inputs: "number", outputs: "number", title: "Num" }));
    await expect(s("x")).rejects.toThrowCode("TR_ERR_RETURN", /step 1 \("Num"\)/);
  });

  it("keeps a stateful step's state per session", async () => {
    function tally(word: string, seen: string[] = []) {
      seen.push(word);
      return [seen.join(","), seen];
    }
    const counter = new tr.Interface({ fn: tally, inputs: ["text", "state"], outputs: ["text", "state"], title: "Tally" });
    const app = await serve(new tr.Series(counter, upper()));
    const a = await connect(app.base);
    const b = await connect(app.base);
    await a.predict("/predict", ["x"]);
    expect((await a.predict("/predict", ["y"])).data).toEqual(["X,Y"]);
    expect((await b.predict("/predict", ["z"])).data).toEqual(["Z"]);
  });
});

describe("nesting and loaded interfaces", () => {
  it("nests: a Parallel of Series, launched and called through @gradio/client", async () => {
    const nested = new tr.Parallel(new tr.Series(upper(), reverse()), count());
    expect(nested.outputComponents.map((c) => c.label)).toEqual(["Upper → Reverse: Reversed", "interface 2: Length"]);
    expect(await nested("abc")).toEqual(["CBA", 3]);
    const app = await serve(new tr.Series(nested, new tr.Interface({ fn: (s: string, n: number | null) => `${s}/${n}`, inputs: ["text", "number"], outputs: "text" })));
    expect((await (await connect(app.base)).predict("/predict", ["hey"])).data).toEqual(["YEH/3"]);
  });

  it("runs the guide's examples with loaded models (Parallel of generators, Series of generator and translator)", async () => {
    const [g1, g2, g3] = await Promise.all(["huggingface/test/text-generation", "models/test/text2text-generation", "huggingface/test/summarization"].map((n) => tr.load(n)));
    const parallel = new tr.Parallel(g1, g2, g3);
    expect(parallel.outputComponents.map((c) => c.label)).toEqual([
      "test/text-generation: Output",
      "test/text2text-generation: Output",
      "test/summarization: Summary",
    ]);
    const p = await serve(parallel);
    expect((await (await connect(p.base)).predict("/predict", ["It was the best of times"])).data).toEqual([
      "It was the best of times and then 24 more",
      "[It was the best of times]",
      "It was",
    ]);

    const generator = await tr.load("huggingface/test/text-generation");
    const translator = await tr.load("huggingface/test/translation");
    const series = await serve(new tr.Series(generator, translator));
    expect((await (await connect(series.base)).predict("/predict", ["Hi"])).data).toEqual(["de:Hi and then 2 more"]);
  });

  it("mixes a loaded app, a loaded model and a local function, files included", async () => {
    const remote = await serve(
      new tr.Interface({ fn: (img: tr.Pixels | null) => ({ ...img!, data: img!.data.map((v) => 255 - v) }), inputs: "image", outputs: new tr.Image({ label: "Negative" }), title: "Negate" }),
    );
    const negate = await tr.load(remote.url);
    const classify = await tr.load("models/test/image-classification");
    const s = new tr.Series(negate, classify);
    expect(await s(png)).toEqual(expect.objectContaining({ label: "5x7" }));
    const both = new tr.Parallel(negate, classify, new tr.Interface({ fn: (img: tr.Pixels | null) => img!.channels, inputs: "image", outputs: "number" }));
    const app = await serve(both);
    const { data } = (await (await connect(app.base)).predict("/predict", [handle_file(new File([readFileSync(png)], "p.png"))])) as {
      data: [{ url: string }, { label: string }, number];
    };
    expect(data[0].url.startsWith(app.base)).toBe(true);
    const negative = await sharp(Buffer.from(await (await fetch(data[0].url)).arrayBuffer())).raw().toBuffer();
    expect([...negative.subarray(0, 3)]).toEqual([255, 0, 255]);
    expect(data[1].label).toBe("5x7");
    expect(data[2]).toBe(3);
  });
});
