import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import * as tr from "../src/index.js";
import { connect, post, start } from "./helpers.js";

describe("a text app through @gradio/client", () => {
  let app: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    app = await start(
      new tr.Interface({
        fn: (name: string, times: number | null) => `Hello ${name}${"!".repeat(times ?? 0)}`,
        inputs: ["text", new tr.Number({ label: "times" })],
        outputs: "text",
        title: "Greeter",
      }),
    );
  });
  afterAll(() => app.close());

  it("predicts by name and by fn_index", async () => {
    const client = await connect(app.base);
    expect((await client.predict("/predict", ["World", 2])).data).toEqual(["Hello World!!"]);
    expect((await client.predict(0, ["you", 0])).data).toEqual(["Hello you"]);
  });

  it("predicts with keyword arguments named after the function's parameters", async () => {
    const client = await connect(app.base);
    expect((await client.predict("/predict", { name: "Ada", times: 1 })).data).toEqual(["Hello Ada!"]);
  });

  it("streams status events and data on submit", async () => {
    const client = await connect(app.base, { events: ["data", "status"] });
    const stages: string[] = [];
    let data: unknown;
    for await (const msg of client.submit("/predict", ["queue", 1])) {
      if (msg.type === "status") stages.push(msg.stage);
      if (msg.type === "data") data = msg.data;
    }
    expect(data).toEqual(["Hello queue!"]);
    expect(stages).toContain("pending");
    expect(stages.at(-1)).toBe("complete");
  });

  it("describes its API through view_api", async () => {
    const client = await connect(app.base);
    const api = (await client.view_api()) as any;
    const ep = api.named_endpoints["/predict"];
    expect(ep.parameters.map((p: any) => [p.parameter_name, p.component, p.type])).toEqual([
      ["name", "Textbox", "string"],
      ["times", "Number", "number"],
    ]);
    expect(ep.returns[0].component).toBe("Textbox");
  });

  it("answers one-shot calls on /gradio_api/run/predict like curl would send them", async () => {
    const r = await post(app.base, "/gradio_api/run/predict", { data: ["curl", 3] });
    expect(r.status).toBe(200);
    expect(r.json.data).toEqual(["Hello curl!!!"]);
  });

  it("serves a Gradio-shaped config", async () => {
    const config = await (await fetch(app.base + "/config")).json();
    expect(config.protocol).toBe("sse_v3");
    expect(config.api_prefix).toBe("/gradio_api");
    expect(config.title).toBe("Greeter");
    const types = config.components.map((c: any) => c.type);
    expect(types).toEqual(expect.arrayContaining(["textbox", "number", "button"]));
    const predict = config.dependencies.find((d: any) => d.api_name === "predict");
    expect(predict.inputs).toHaveLength(2);
    expect(predict.outputs).toHaveLength(1);
  });
});

describe("errors", () => {
  const fn = (mode: string) => {
    if (mode === "user") throw new tr.Error("Bad input!");
    if (mode === "crash") throw new TypeError("secret internal detail");
    return "ok";
  };
  it("shows tr.Error messages and hides other exceptions unless showError", async () => {
    const quiet = await start(new tr.Interface({ fn, inputs: "text", outputs: "text" }));
    const loud = await start(new tr.Interface({ fn, inputs: "text", outputs: "text" }), { showError: true });
    try {
      const c1 = await connect(quiet.base);
      await expect(c1.predict("/predict", ["user"])).rejects.toMatchObject({ message: "Bad input!" });
      const hidden = await c1.predict("/predict", ["crash"]).catch((e) => e);
      expect(String(hidden.message)).not.toContain("secret");
      expect((await c1.predict("/predict", ["fine"])).data).toEqual(["ok"]);
      const c2 = await connect(loud.base);
      await expect(c2.predict("/predict", ["crash"])).rejects.toMatchObject({ message: "secret internal detail" });
      const run = await post(quiet.base, "/gradio_api/run/predict", { data: ["user"] });
      expect(run.status).toBe(500);
      expect(run.json.error).toBe("Bad input!");
    } finally {
      await quiet.close();
      await loud.close();
    }
  });

  it("reports a function that returns the wrong number of values", async () => {
    const app = await start(new tr.Interface({ fn: () => ["a"] as any, inputs: [], outputs: ["text", "text"] }), { showError: true });
    try {
      const c = await connect(app.base);
      await expect(c.predict("/predict", [])).rejects.toMatchObject({ message: expect.stringContaining("returned 1 values") });
    } finally {
      await app.close();
    }
  });
});

describe("images", () => {
  it("round-trips an uploaded PNG through preprocess, fn and postprocess", async () => {
    const invert = (img: tr.Pixels) => ({ ...img, data: img.data.map((v) => 255 - v) });
    // required: the function's parameter is never null
    const app = await start(new tr.Interface({ fn: invert, inputs: new tr.Image({ shape: [4, 4], required: true }), outputs: "image" }));
    try {
      const png = await sharp({ create: { width: 8, height: 4, channels: 3, background: { r: 200, g: 10, b: 50 } } }).png().toBuffer();
      const client = await connect(app.base);
      const { handle_file } = await import("@gradio/client");
      const result = (await client.predict("/predict", [handle_file(new Blob([png], { type: "image/png" }))])).data as any[];
      const out = result[0];
      expect(out.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gradio_api\/file=/);
      const bytes = Buffer.from(await (await fetch(out.url)).arrayBuffer());
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([4, 4]);
      expect([...data.subarray(0, 3)]).toEqual([55, 245, 205]);
    } finally {
      await app.close();
    }
  });
});

describe("calling an interface from code", () => {
  it("runs preprocess, fn and postprocess and unwraps one output", async () => {
    const iface = new tr.Interface({ fn: (x: number | null) => x! * 2, inputs: "number", outputs: "number" });
    expect(await iface(21)).toBe(42);
    expect(await iface.predict(1.5)).toBe(3);
    await expect(iface("nope" as unknown as number)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /Number/);
  });

  it("returns several outputs as an array and threads state explicitly", async () => {
    const chat = (msg: string, history: [string, string][] = []) => {
      history.push([msg, msg.toUpperCase()]);
      return [history, history] as const;
    };
    const iface = new tr.Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"] });
    const [shown, state] = (await iface("hi", undefined)) as [unknown, [string, string][]];
    expect(shown).toEqual([["hi", "HI"]]);
    const [again] = await iface("yo", state);
    expect(again).toEqual([
      ["hi", "HI"],
      ["yo", "YO"],
    ]);
  });

  it("formats a Label output as Gradio does", async () => {
    const iface = new tr.Interface({
      fn: () => ({ cat: 0.2, dog: 0.7, bird: 0.1 }),
      inputs: [],
      outputs: new tr.Label({ numTopClasses: 2 }),
    });
    expect(await iface()).toEqual({
      label: "dog",
      confidences: [
        { label: "dog", confidence: 0.7 },
        { label: "cat", confidence: 0.2 },
      ],
    });
  });
});

it("answers each of many one-shot calls sent at once with its own result (replies batched per turn of the loop)", async () => {
  const app = await start(
    new tr.Interface({
      fn: (s: string, n: number | null) => {
        if (n === null || n < 0) throw new tr.Error(`negative ${n}`);
        return `${s}:${n * 2}`;
      },
      inputs: ["text", "number"],
      outputs: "text",
      concurrencyLimit: null,
      allowFlagging: "never",
    }),
  );
  try {
    // 400 at once over keep-alive connections: a third fail in the function, a third are refused for a bad value.
    const answers = await Promise.all(
      Array.from({ length: 400 }, (_, i) => post(app.base, "/gradio_api/run/predict", { data: [`c${i}`, i % 3 === 1 ? -i : i % 3 === 2 ? "x" : i] })),
    );
    answers.forEach((a, i) => {
      if (i % 3 === 0) expect([a.status, (a.json as { data: string[] }).data]).toEqual([200, [`c${i}:${i * 2}`]]);
      else if (i % 3 === 1) expect([a.status, (a.json as { error: string }).error]).toEqual([500, `negative ${-i}`]);
      else expect(a.status).toBe(422);
    });
  } finally {
    await app.close();
  }
});
