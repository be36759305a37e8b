import { readFileSync } from "node:fs";
import path from "node:path";
import { handle_file } from "@gradio/client";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { LOADING_ATTEMPTS, SUPPORTED_TASKS } from "../../src/load/huggingface.js";
import { connect, start } from "../helpers.js";
import { mediaFiles, standIn } from "./fixtures.js";
import { TASK_MODELS, TOKEN } from "./hub-server.js";

let hub: Awaited<ReturnType<typeof standIn>>;
let png: string;
let wav: string;
let wavBytes: number;
beforeAll(async () => {
  hub = await standIn();
  ({ png, wav, wavBytes } = await mediaFiles());
});
afterAll(() => hub.stop());

const label = (top: string) => expect.objectContaining({ label: top, confidences: expect.any(Array) });
const file = (ext: string) => expect.objectContaining({ path: expect.stringMatching(new RegExp(`\\.${ext}$`)), meta: { _type: "gradio.FileData" } });

type Case = {
  /** Inputs as a caller from code gives them (media as local paths). */
  args: () => unknown[];
  /** What the interface returns (one output unwrapped). */
  expected: () => unknown;
  /** What the last request to the Inference API carried. */
  sent?: (seen: (typeof hub.seen)[number]) => void;
};

const CASES: Record<string, Case> = {
  "text-classification": { args: () => ["a good day"], expected: () => label("POSITIVE"), sent: (s) => expect(s.json).toEqual({ inputs: "a good day" }) },
  "text-generation": {
    args: () => ["It was the best of times"],
    expected: () => "It was the best of times and then 24 more",
    sent: (s) => {
      expect(s.path).toBe("test/text-generation/v1/completions");
      expect(s.json).toMatchObject({ prompt: "It was the best of times" });
    },
  },
  "text2text-generation": { args: () => ["hello"], expected: () => "[hello]" },
  translation: { args: () => ["hello"], expected: () => "de:hello" },
  summarization: { args: () => ["one two three four"], expected: () => "one two" },
  "fill-mask": { args: () => ["Paris is the [MASK] of France."], expected: () => label("capital") },
  "feature-extraction": {
    args: () => ["abcd"],
    expected: () => ({ headers: ["0", "1", "2"], data: [[4, 0.5, -0.5]], metadata: null }),
    sent: (s) => expect(s.path).toBe("test/feature-extraction/pipeline/feature-extraction"),
  },
  "token-classification": {
    args: () => ["I live in Paris now"],
    expected: () => [
      { token: "I live in ", class_or_confidence: null },
      { token: "Paris", class_or_confidence: "LOC" },
      { token: " now", class_or_confidence: null },
    ],
  },
  "zero-shot-classification": {
    args: () => ["I love it", "happy, sad", true],
    expected: () => label("happy"),
    sent: (s) => expect(s.json).toEqual({ inputs: "I love it", parameters: { candidate_labels: ["happy", "sad"], multi_label: true } }),
  },
  "question-answering": {
    args: () => ["tradio is typed", "what is it?"],
    expected: () => ["is", { label: "0.75", confidences: null }],
    sent: (s) => expect(s.json).toEqual({ inputs: { context: "tradio is typed", question: "what is it?" } }),
  },
  "sentence-similarity": {
    args: () => ["a cat", "a cat\na dog"],
    expected: () => ({ label: "a cat", confidences: [{ label: "a cat", confidence: 1 }, { label: "a dog", confidence: 0.25 }] }),
  },
  "image-classification": { args: () => [png], expected: () => label("5x7"), sent: (s) => expect(s.contentType).toBe("image/png") },
  "image-to-text": { args: () => [png], expected: () => "a 5x7 image/png picture" },
  "document-question-answering": { args: () => [png, "total?"], expected: () => label("5x7:total?") },
  "visual-question-answering": { args: () => [png, "colour?"], expected: () => label("5x7:colour?") },
  "text-to-image": { args: () => ["abc"], expected: () => file("png") },
  "automatic-speech-recognition": { args: () => [wav], expected: () => `heard ${wavBytes} bytes of audio/wav` },
  "audio-to-audio": { args: () => [wav], expected: () => file("flac") },
  "text-to-speech": { args: () => ["hi"], expected: () => file("flac") },
  "audio-classification": { args: () => [wav], expected: () => label(`${wavBytes} bytes`) },
  conversational: {
    args: () => ["hello", undefined],
    expected: () => [[["hello", "#1:hello"]], [["hello", "#1:hello"]]],
    sent: (s) => {
      expect(s.path).toBe("test/conversational/v1/chat/completions");
      expect(s.json.messages).toEqual([{ role: "user", content: "hello" }]);
    },
  },
  "tabular-classification": {
    args: () => [{ headers: ["x", "y"], data: [[2, "a"], [0, "b"]] }],
    expected: () => ({ headers: ["Prediction"], data: [[1], [0]], metadata: null }),
    sent: (s) => expect(s.json).toEqual({ inputs: { data: { x: ["2", "0"], y: ["a", "b"] } } }),
  },
  "tabular-regression": {
    args: () => [{ headers: ["x"], data: [[2], [0.5]] }],
    expected: () => ({ headers: ["Prediction"], data: [[4], [1]], metadata: null }),
  },
};

/** The same inputs as @gradio/client sends them: files uploaded. */
function clientArgs(task: string): unknown[] {
  return CASES[task].args().filter((v) => v !== undefined).map((v) => (v === png || v === wav ? handle_file(new File([readFileSync(v)], path.basename(v))) : v));
}

describe("load('models/…') for every task of the table", () => {
  it("covers every task the loader supports", () => {
    expect(Object.keys(CASES).sort()).toEqual(SUPPORTED_TASKS);
    expect(Object.keys(TASK_MODELS).map((m) => m.slice(5)).sort()).toEqual(SUPPORTED_TASKS);
  });

  it.each(Object.keys(CASES))("%s: called from code", async (task) => {
    const c = CASES[task];
    const io = await tr.load(`models/test/${task}`);
    expect(io.graph.meta.title).toBe(`test/${task}`);
    expect(await io(...c.args())).toEqual(c.expected());
    c.sent?.(hub.seen[hub.seen.length - 1]);
  });

  it.each(Object.keys(CASES))("%s: through the launched page's API", async (task) => {
    const io = await tr.load(`huggingface/test/${task}`);
    const app = await start(io);
    try {
      const client = await connect(app.base);
      const { data } = (await client.predict("/predict", clientArgs(task))) as { data: unknown[] };
      const expected = CASES[task].expected();
      const visible = task === "conversational" ? [(expected as unknown[])[0]] : io.outputComponents.length === 1 ? [expected] : expected;
      expect(data).toEqual(visible);
    } finally {
      await app.close();
    }
  });

  it("serves generated media as files of the loaded app (text-to-image, text-to-speech)", async () => {
    const image = await tr.load("models/test/text-to-image");
    const app = await start(image);
    try {
      const client = await connect(app.base);
      const [out] = (await client.predict("/predict", ["abcdef"])).data as [{ url: string }];
      expect(out.url.startsWith(app.base)).toBe(true);
      const res = await fetch(out.url);
      expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(10);
    } finally {
      await app.close();
    }
    const speech = (await (await tr.load("models/test/text-to-speech"))("hello")) as { path: string };
    expect(readFileSync(speech.path, "utf8")).toBe("fLaChello");
  });

  it("keeps a conversation per session", async () => {
    const app = await start(await tr.load("models/test/conversational"));
    try {
      const a = await connect(app.base);
      const b = await connect(app.base);
      await a.predict("/predict", ["hi"]);
      const [chat] = (await a.predict("/predict", ["again"])).data as [string[][]];
      expect(chat).toEqual([["hi", "#1:hi"], ["again", "#3:again"]]);
      expect(hub.seen[hub.seen.length - 1].json.messages).toEqual([
        { role: "user", content: "hi" },
        { role: "assistant", content: "#1:hi" },
        { role: "user", content: "again" },
      ]);
      expect((await b.predict("/predict", ["new"])).data).toEqual([[["new", "#1:new"]]]);
    } finally {
      await app.close();
    }
  });

  it("reads a tabular model's columns and example from its model card", async () => {
    hub.models.set("test/tabular-card", { pipeline_tag: "tabular-regression", cardData: { widget: [{ structuredData: { age: [30, 40], height: [1.7, 1.8] } }] } });
    const io = await tr.load("models/test/tabular-card");
    expect((io.inputComponents[0].props() as { headers: string[] }).headers).toEqual(["age", "height"]);
    expect(io.options.examples).toEqual([[{ headers: ["age", "height"], data: [[30, 1.7], [40, 1.8]] }]]);
  });
});

describe("load options", () => {
  it("lets Interface options override what was loaded (the guide's custom Textbox)", async () => {
    const io = await tr.Interface.load("huggingface/test/text-generation", {
      inputs: new tr.Textbox({ lines: 5, label: "Input Text" }),
      title: "My generator",
      alias: "generate",
    });
    expect(io.graph.meta.title).toBe("My generator");
    expect(io.inputComponents[0].props()).toMatchObject({ label: "Input Text", lines: 5 });
    const app = await start(io);
    try {
      const client = await connect(app.base);
      expect((await client.predict("/generate", ["Once"])).data).toEqual(["Once and then 4 more"]);
    } finally {
      await app.close();
    }
  });

  it("validates overriding inputs locally before any request", async () => {
    const io = await tr.load("models/test/text-generation", { inputs: new tr.Textbox({ maxLength: 3, label: "Short" }) });
    const before = hub.seen.length;
    await expect(io("too long")).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /Textbox "Short"/);
    expect(hub.seen.length).toBe(before);
  });

  it("refuses overrides that do not fit", async () => {
    await expect(tr.load("models/test/text-generation", { inputs: ["text", "text"] })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /"inputs"/);
    await expect(tr.load("models/test/text-generation", { inputs: "image" })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /inputs\[0\]/);
    await expect(tr.load("models/test/image-classification", { inputs: "text" })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /inputs\[0\].*file/);
    await expect(tr.load("models/test/text-generation", { fn: () => "x" } as never)).rejects.toThrowCode("TR_ERR_OPTION_CONFLICT", /"fn"/);
    await expect(tr.load("models/test/text-generation", { titel: "x" } as never)).rejects.toThrowCode("TR_ERR_OPTION_UNKNOWN", /"titel"/);
    await expect(tr.load("models/test/text-generation", { endpointUrl: "ftp://x" })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /"endpointUrl"/);
  });

  it("accepts Gradio's src with a bare name, and a webcam override for image models", async () => {
    const io = await tr.load("test/image-classification", { src: "models", inputs: "webcam" });
    expect(io.inputComponents[0].props()).toMatchObject({ sources: ["webcam"], label: "Input Image" });
    expect(await io(png)).toEqual(label("5x7"));
  });

  it("sends calls to a dedicated endpoint given as endpointUrl", async () => {
    hub.models.set("test/dedicated", { pipeline_tag: "summarization" });
    const io = await tr.load("models/test/summarization", { endpointUrl: `${hub.base}/models/test/dedicated` });
    expect(await io("a b c")).toBe("a b");
    expect(hub.seen[hub.seen.length - 1].model).toBe("test/dedicated");
  });

  it("names what cannot be loaded", async () => {
    await expect(tr.load("gpt2")).rejects.toThrowCode("TR_ERR_LOAD_NAME", /"gpt2"/);
    await expect(tr.load("models/a/b/c")).rejects.toThrowCode("TR_ERR_LOAD_NAME", /"a\/b\/c"/);
    await expect(tr.load("spaces/onlyname")).rejects.toThrowCode("TR_ERR_LOAD_NAME", /"onlyname"/);
    await expect(tr.load("")).rejects.toThrowCode("TR_ERR_LOAD_NAME");
  });
});

describe("errors a user can act on", () => {
  it("names an unknown model", async () => {
    await expect(tr.load("models/test/no-such-model")).rejects.toThrowCode("TR_ERR_LOAD_NOT_FOUND", /"test\/no-such-model"/);
  });

  it("lists the supported tasks for an unsupported one", async () => {
    hub.models.set("test/segmenter", { pipeline_tag: "image-segmentation" });
    const err = await tr.load("models/test/segmenter").catch((e: Error) => e);
    expect(err).toThrowCode("TR_ERR_LOAD_UNSUPPORTED", /"image-segmentation"/);
    for (const task of SUPPORTED_TASKS) expect(String(err)).toContain(task);
    hub.models.set("test/untagged", {});
    await expect(tr.load("models/test/untagged")).rejects.toThrowCode("TR_ERR_LOAD_UNSUPPORTED", /pipeline_tag/);
  });

  it("hints at the token on 401, and works with hfToken or HF_TOKEN", async () => {
    hub.models.set("test/private", { pipeline_tag: "translation", token: TOKEN });
    await expect(tr.load("models/test/private")).rejects.toThrowCode("TR_ERR_LOAD_UNAUTHORIZED", /HTTP 401.*hfToken.*HF_TOKEN/);
    const io = await tr.load("models/test/private", { hfToken: TOKEN });
    expect(await io("x")).toBe("de:x");
    expect(hub.seen[hub.seen.length - 1].authorization).toBe(`Bearer ${TOKEN}`);
    process.env.HF_TOKEN = TOKEN;
    try {
      expect(await (await tr.load("models/test/private"))("y")).toBe("de:y");
    } finally {
      delete process.env.HF_TOKEN;
    }
    // A token that stops working after the load: the call says so.
    const stale = await tr.load("models/test/private", { hfToken: TOKEN });
    hub.models.set("test/private", { pipeline_tag: "translation", token: "hf_other" });
    await expect(stale("z")).rejects.toThrowCode("TR_ERR_LOAD_UNAUTHORIZED", /refused the request \(HTTP 401\); the token given cannot use this model/);
  });

  it("waits for a loading model (503) and retries a bounded number of times", async () => {
    hub.models.set("test/warming", { pipeline_tag: "translation", loadingFor: 2 });
    const io = await tr.load("models/test/warming");
    const before = hub.seen.length;
    expect(await io("x")).toBe("de:x");
    expect(hub.seen.length - before).toBe(3);

    hub.models.set("test/cold", { pipeline_tag: "translation", loadingFor: Infinity });
    const cold = await tr.load("models/test/cold");
    const start = hub.seen.length;
    await expect(cold("x")).rejects.toThrowCode("TR_ERR_LOAD_UNAVAILABLE", new RegExp(`still loading \\(HTTP 503; tried ${LOADING_ATTEMPTS} times`));
    expect(hub.seen.length - start).toBe(LOADING_ATTEMPTS);
  });

  it("says so on 429, from the Inference API and from the Hub", async () => {
    hub.models.set("test/busy", { pipeline_tag: "translation" });
    const io = await tr.load("models/test/busy");
    hub.models.set("test/busy", { pipeline_tag: "translation", failWith: 429 });
    await expect(io("x")).rejects.toThrowCode("TR_ERR_LOAD_RATE_LIMITED", /rate-limiting requests \(HTTP 429\)/);
    await expect(tr.load("models/test/busy")).rejects.toThrowCode("TR_ERR_LOAD_RATE_LIMITED");
  });

  it("shows call failures to the page user with their reason", async () => {
    hub.models.set("test/flaky", { pipeline_tag: "translation" });
    const app = await start(await tr.load("models/test/flaky"));
    try {
      const client = await connect(app.base);
      hub.models.set("test/flaky", { pipeline_tag: "translation", failWith: 500 });
      await expect(client.predict("/predict", ["x"])).rejects.toThrow(/test\/flaky: the Inference API answered HTTP 500: Server error/);
    } finally {
      await app.close();
    }
  });

  it("says when the Hub cannot be reached", async () => {
    const saved = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = "http://127.0.0.1:1";
    try {
      await expect(tr.load("models/test/translation")).rejects.toThrowCode("TR_ERR_LOAD_UNAVAILABLE", /http:\/\/127\.0\.0\.1:1/);
    } finally {
      process.env.HF_ENDPOINT = saved;
    }
  });
});
