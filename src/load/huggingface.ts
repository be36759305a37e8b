import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
// Loaded on the first call of a loaded model, so apps that never load one do not pay for it at start-up.
let hf: typeof import("@huggingface/inference") | undefined;
const inference = async () => (hf ??= await import("@huggingface/inference"));
import type { CallContext } from "../core/context.js";
import { Audio } from "../components/audio.js";
import { Chatbot, type ChatPair } from "../components/chatbot.js";
import { Checkbox } from "../components/checkbox.js";
import { type Component } from "../components/component.js";
import { Dataframe } from "../components/dataframe.js";
import { HighlightedText } from "../components/highlighted-text.js";
import { Image } from "../components/image.js";
import { Label } from "../components/label.js";
import { State } from "../components/state.js";
import { Textbox } from "../components/textbox.js";
import { TradioError, TradioFailure, ValidationError } from "../core/errors.js";
import { causeOf, modelInfo, TOKEN_HINT, type ModelInfo } from "./hub.js";
import { Relay, type FileBytes } from "./relay.js";
import type { Loaded } from "./loaded.js";
import { mimeOf } from "../core/files.js";

/** Where calls go unless `endpointUrl` names a dedicated endpoint: env HF_INFERENCE_ENDPOINT, else the HF router. */
export const DEFAULT_INFERENCE = "https://router.huggingface.co/hf-inference";

/** A model that is still loading (HTTP 503) is retried this many times, waiting its `estimated_time` (capped) between tries. */
export const LOADING_ATTEMPTS = 6;
export const LOADING_MAX_WAIT_MS = 20_000;

/** What a task function gets: the request settings shared by every library call. */
interface Call {
  args: { endpointUrl: string; accessToken?: string };
  options: { retry_on_error: false; signal: AbortSignal };
}

interface Task {
  inputs: (info: ModelInfo) => Component<any, any>[];
  outputs: () => Component<any, any>[];
  /** Wire values of the inputs (files as local paths) → wire values of the outputs (one, or a list). */
  run: (call: Call, values: unknown[], info: ModelInfo) => Promise<unknown>;
  /** Conversational models keep the history in a State input/output pair after the visible ones. */
  stateful?: boolean;
  examples?: (info: ModelInfo) => unknown[][] | undefined;
}

// Converters (never part of an app): the function-shaped values models give → wire values.
const LABEL = new Label();
const HIGHLIGHT = new HighlightedText();

const text = (v: unknown) => (typeof v === "string" ? v : "");
const scores = (items: { label: string; score: number }[]) => LABEL.postprocess(Object.fromEntries(items.map((x) => [x.label, x.score])));

async function blob(file: unknown, what: string): Promise<Blob> {
  if (typeof file !== "string") throw new ValidationError(`${what}: no file given`);
  return new Blob([await readFile(file)], { type: mimeOf(file) });
}

async function bytesOf(b: Blob, stem: string): Promise<FileBytes> {
  const ext = EXTENSIONS[b.type.split(";")[0].trim()] ?? "bin";
  return { name: `${stem}.${ext}`, data: new Uint8Array(await b.arrayBuffer()) };
}

const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/webp": "webp",
  "image/gif": "gif",
  "audio/flac": "flac",
  "audio/x-flac": "flac",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/mpeg": "mp3",
  "audio/ogg": "ogg",
  "audio/webm": "webm",
};

/** A tabular model's columns and example rows, from the `widget` structured data of its model card. */
function structuredData(info: ModelInfo): Record<string, unknown[]> | undefined {
  const widget = (info.cardData as { widget?: unknown } | null | undefined)?.widget;
  const first = Array.isArray(widget) ? (widget[0] as { structuredData?: unknown } | undefined) : undefined;
  const data = first?.structuredData;
  if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined;
  const entries = Object.entries(data as Record<string, unknown>);
  return entries.length > 0 && entries.every(([, v]) => Array.isArray(v)) ? (data as Record<string, unknown[]>) : undefined;
}

function tabular(run: (call: Call, columns: Record<string, string[]>) => Promise<number[]>): Task {
  return {
    inputs: (info) => {
      const headers = Object.keys(structuredData(info) ?? {});
      return [new Dataframe({ label: "Input Rows", type: "object", ...(headers.length > 0 ? { headers } : {}) })];
    },
    outputs: () => [new Dataframe({ label: "Predictions", headers: ["Prediction"] })],
    run: async (call, [table]) => {
      const { headers, data } = (table ?? { headers: [], data: [] }) as { headers: string[]; data: unknown[][] };
      const columns = Object.fromEntries(headers.map((h, i) => [h, data.map((row) => String(row[i] ?? ""))]));
      const predictions = await run(call, columns);
      return { headers: ["Prediction"], data: predictions.map((p) => [p]), metadata: null };
    },
    examples: (info) => {
      const sd = structuredData(info);
      if (!sd) return undefined;
      const headers = Object.keys(sd);
      const rows = Array.from({ length: Math.max(...headers.map((h) => sd[h].length)) }, (_, r) => headers.map((h) => sd[h][r] ?? null));
      return [[{ headers, data: rows }]];
    },
  };
}

/** Gradio's pipeline_tag table (section 6 of the features spec): components and the call for each task. */
export const TASKS: Record<string, Task> = {
  "text-classification": {
    inputs: () => [new Textbox({ label: "Input", lines: 3 })],
    outputs: () => [new Label({ label: "Classification" })],
    run: async (c, [t]) => scores(await (await inference()).textClassification({ ...c.args, inputs: text(t) }, c.options)),
  },
  "text-generation": {
    inputs: () => [new Textbox({ label: "Input", lines: 3 })],
    outputs: () => [new Textbox({ label: "Output", lines: 5 })],
    // The completions endpoint answers with the continuation only; Gradio showed the prompt continued.
    run: async (c, [t]) => text(t) + (await (await inference()).textGeneration({ ...c.args, inputs: text(t) }, c.options)).generated_text,
  },
  "text2text-generation": {
    inputs: () => [new Textbox({ label: "Input", lines: 3 })],
    outputs: () => [new Textbox({ label: "Output", lines: 5 })],
    run: async (c, [t]) => (await (await inference()).textGeneration({ ...c.args, inputs: text(t) }, c.options)).generated_text,
  },
  translation: {
    inputs: () => [new Textbox({ label: "Input", lines: 3 })],
    outputs: () => [new Textbox({ label: "Translation", lines: 3 })],
    run: async (c, [t]) => {
      const out = (await (await inference()).translation({ ...c.args, inputs: text(t) }, c.options)) as unknown;
      return (Array.isArray(out) ? out[0] : out)?.translation_text ?? "";
    },
  },
  summarization: {
    inputs: () => [new Textbox({ label: "Input", lines: 7 })],
    outputs: () => [new Textbox({ label: "Summary", lines: 3 })],
    run: async (c, [t]) => (await (await inference()).summarization({ ...c.args, inputs: text(t) }, c.options)).summary_text,
  },
  "fill-mask": {
    inputs: () => [new Textbox({ label: "Input", lines: 3 })],
    outputs: () => [new Label({ label: "Classification" })],
    run: async (c, [t]) => {
      const out = await (await inference()).fillMask({ ...c.args, inputs: text(t) }, c.options);
      return scores(out.map((x) => ({ label: x.token_str ?? String(x.token), score: x.score })));
    },
  },
  "feature-extraction": {
    inputs: () => [new Textbox({ label: "Input", lines: 3 })],
    outputs: () => [new Dataframe({ label: "Features" })],
    run: async (c, [t]) => {
      let rows = (await (await inference()).featureExtraction({ ...c.args, inputs: text(t) }, c.options)) as unknown[];
      while (Array.isArray(rows[0]) && Array.isArray((rows[0] as unknown[])[0])) rows = rows[0] as unknown[];
      const table = (rows.every((r) => typeof r === "number") ? [rows] : rows) as number[][];
      return { headers: (table[0] ?? []).map((_, i) => String(i)), data: table, metadata: null };
    },
  },
  "token-classification": {
    inputs: () => [new Textbox({ label: "Input", lines: 3 })],
    outputs: () => [new HighlightedText({ label: "Output" })],
    run: async (c, [t]) => {
      const entities = await (await inference()).tokenClassification({ ...c.args, inputs: text(t) }, c.options);
      return HIGHLIGHT.postprocess({ text: text(t), entities: entities.map((e) => ({ entity: e.entity_group ?? "", start: e.start, end: e.end })) });
    },
  },
  "zero-shot-classification": {
    inputs: () => [
      new Textbox({ label: "Input", lines: 3 }),
      new Textbox({ label: "Possible class names (comma-separated)" }),
      new Checkbox({ label: "Allow multiple true classes" }),
    ],
    outputs: () => [new Label({ label: "Classification" })],
    run: async (c, [t, names, multi]) => {
      const candidate_labels = text(names).split(",").map((s) => s.trim()).filter(Boolean);
      if (candidate_labels.length === 0) throw new ValidationError('Textbox "Possible class names (comma-separated)": give at least one class name');
      const out = await (await inference()).zeroShotClassification(
        { ...c.args, inputs: text(t), parameters: { candidate_labels, multi_label: multi === true } },
        c.options,
      );
      return scores(out);
    },
  },
  "question-answering": {
    inputs: () => [new Textbox({ label: "Context", lines: 7 }), new Textbox({ label: "Question" })],
    outputs: () => [new Textbox({ label: "Answer" }), new Label({ label: "Score" })],
    run: async (c, [context, question]) => {
      const out = await (await inference()).questionAnswering({ ...c.args, inputs: { context: text(context), question: text(question) } }, c.options);
      return [out.answer, LABEL.postprocess(Math.round(out.score * 1000) / 1000)];
    },
  },
  "sentence-similarity": {
    inputs: () => [new Textbox({ label: "Source Sentence" }), new Textbox({ label: "Sentences to compare to (one per line)", lines: 7 })],
    outputs: () => [new Label({ label: "Similarity" })],
    run: async (c, [source, others]) => {
      const sentences = text(others).split("\n").map((s) => s.trim()).filter(Boolean);
      if (sentences.length === 0) throw new ValidationError('Textbox "Sentences to compare to (one per line)": give at least one sentence');
      const out = await (await inference()).sentenceSimilarity({ ...c.args, inputs: { source_sentence: text(source), sentences } }, c.options);
      return scores(sentences.map((s, i) => ({ label: s, score: out[i] ?? 0 })));
    },
  },
  "image-classification": {
    inputs: () => [new Image({ label: "Input Image" })],
    outputs: () => [new Label({ label: "Classification" })],
    run: async (c, [img]) => scores(await (await inference()).imageClassification({ ...c.args, inputs: await blob(img, 'Image "Input Image"') }, c.options)),
  },
  "image-to-text": {
    inputs: () => [new Image({ label: "Input Image" })],
    outputs: () => [new Textbox({ label: "Caption" })],
    run: async (c, [img]) => (await (await inference()).imageToText({ ...c.args, inputs: await blob(img, 'Image "Input Image"') }, c.options)).generated_text,
  },
  "document-question-answering": {
    inputs: () => [new Image({ label: "Input Document" }), new Textbox({ label: "Question" })],
    outputs: () => [new Label({ label: "Answer" })],
    run: async (c, [img, q]) => {
      const image = await blob(img, 'Image "Input Document"');
      const out = await (await inference()).documentQuestionAnswering({ ...c.args, inputs: { image, question: text(q) } }, c.options);
      return scores([{ label: out.answer, score: out.score ?? 1 }]);
    },
  },
  "visual-question-answering": {
    inputs: () => [new Image({ label: "Input Image" }), new Textbox({ label: "Question" })],
    outputs: () => [new Label({ label: "Answer" })],
    run: async (c, [img, q]) => {
      const image = await blob(img, 'Image "Input Image"');
      const out = await (await inference()).visualQuestionAnswering({ ...c.args, inputs: { image, question: text(q) } }, c.options);
      return scores([{ label: out.answer ?? "", score: out.score }]);
    },
  },
  "text-to-image": {
    inputs: () => [new Textbox({ label: "Input", lines: 3 })],
    outputs: () => [new Image({ label: "Output" })],
    run: async (c, [t]) => bytesOf(await (await inference()).textToImage({ ...c.args, inputs: text(t) }, { ...c.options, outputType: "blob" }), "image"),
  },
  "automatic-speech-recognition": {
    inputs: () => [new Audio({ label: "Input" })],
    outputs: () => [new Textbox({ label: "Output" })],
    run: async (c, [a]) => (await (await inference()).automaticSpeechRecognition({ ...c.args, inputs: await blob(a, 'Audio "Input"') }, c.options)).text,
  },
  "audio-to-audio": {
    inputs: () => [new Audio({ label: "Input" })],
    outputs: () => [new Audio({ label: "Output" })],
    run: async (c, [a]) => {
      const out = await (await inference()).audioToAudio({ ...c.args, inputs: await blob(a, 'Audio "Input"') }, c.options);
      const first = out[0];
      if (!first) throw new TradioError("the model returned no audio");
      return bytesOf(new Blob([Buffer.from(first.blob, "base64")], { type: first["content-type"] }), "audio");
    },
  },
  "text-to-speech": {
    inputs: () => [new Textbox({ label: "Input", lines: 3 })],
    outputs: () => [new Audio({ label: "Audio" })],
    run: async (c, [t]) => bytesOf(await (await inference()).textToSpeech({ ...c.args, inputs: text(t) }, c.options), "speech"),
  },
  "audio-classification": {
    inputs: () => [new Audio({ label: "Input" })],
    outputs: () => [new Label({ label: "Class" })],
    run: async (c, [a]) => scores(await (await inference()).audioClassification({ ...c.args, inputs: await blob(a, 'Audio "Input"') }, c.options)),
  },
  conversational: {
    inputs: () => [new Textbox({ label: "Input" })],
    outputs: () => [new Chatbot({ label: "Chatbot" })],
    stateful: true,
    run: async (c, [message, history]) => {
      const past = (Array.isArray(history) ? history : []) as ChatPair[];
      const messages = past.flatMap(([user, bot]) => [
        ...(user === null ? [] : [{ role: "user", content: user }]),
        ...(bot === null ? [] : [{ role: "assistant", content: bot }]),
      ]);
      messages.push({ role: "user", content: text(message) });
      const out = await (await inference()).chatCompletion({ ...c.args, messages }, c.options);
      const next: ChatPair[] = [...past, [text(message), out.choices[0]?.message?.content ?? ""]];
      return [next, next];
    },
  },
  "tabular-classification": tabular(async (c, data) => (await inference()).tabularClassification({ ...c.args, inputs: { data } }, c.options)),
  "tabular-regression": tabular(async (c, data) => (await inference()).tabularRegression({ ...c.args, inputs: { data } }, c.options)),
};

export const SUPPORTED_TASKS = Object.keys(TASKS).sort();

export interface ModelLoadOptions {
  token: string | undefined;
  /** A dedicated endpoint for this model (an Inference Endpoint, or a stand-in in tests). */
  endpointUrl?: string;
}

function endpointFor(repo: string, task: string, override: string | undefined): string {
  if (override) return override;
  const base = (process.env.HF_INFERENCE_ENDPOINT || DEFAULT_INFERENCE).replace(/\/+$/, "");
  const url = `${base}/models/${repo}`;
  // The router serves these two through their pipeline path, as the library itself does.
  return task === "feature-extraction" || task === "sentence-similarity" ? `${url}/pipeline/${task}` : url;
}

/** Looks the model's task up on the Hub and builds the interface parts for it. */
export async function loadModel(repo: string, opts: ModelLoadOptions): Promise<Loaded> {
  const info = await modelInfo(repo, opts.token);
  const tag = info.pipeline_tag;
  if (typeof tag !== "string" || tag === "") {
    throw new TradioFailure("TR_ERR_LOAD_UNSUPPORTED", `load: the model "${repo}" has no pipeline_tag on the Hub, so its task is unknown (supported tasks: ${SUPPORTED_TASKS.join(", ")})`);
  }
  const task = TASKS[tag];
  if (!task) throw new TradioFailure("TR_ERR_LOAD_UNSUPPORTED", `load: the model "${repo}" does "${tag}", which is not supported (supported tasks: ${SUPPORTED_TASKS.join(", ")})`);
  const endpointUrl = endpointFor(repo, tag, opts.endpointUrl);
  const inputs: Component<any, any>[] = task.inputs(info).map((c) => new Relay(c, { validate: true }));
  const outputs: Component<any, any>[] = task.outputs().map((c) => new Relay(c));
  if (task.stateful) {
    const state = new State();
    inputs.push(state);
    outputs.push(state);
  }
  const fn = async (...args: unknown[]) => {
    const ctx = args.pop() as CallContext;
    const call: Call = {
      args: { endpointUrl, ...(opts.token ? { accessToken: opts.token } : {}) },
      options: { retry_on_error: false, signal: ctx.signal },
    };
    return withRetry(repo, Boolean(opts.token), ctx.signal, () => task.run(call, args, info));
  };
  return { title: repo, inputs, outputs, fn, examples: task.examples?.(info) };
}

/** Runs one inference call; waits for a loading model (503) a bounded number of times; explains failures. */
async function withRetry<T>(repo: string, hasToken: boolean, signal: AbortSignal, attempt: () => Promise<T>): Promise<T> {
  let waited = 0;
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      const response = (err as { httpResponse?: { status?: number; body?: unknown } }).httpResponse;
      if (response?.status === 503 && i < LOADING_ATTEMPTS && !signal.aborted) {
        const estimate = (response.body as { estimated_time?: unknown } | null)?.estimated_time;
        const ms = Math.min(LOADING_MAX_WAIT_MS, Math.max(0, typeof estimate === "number" && Number.isFinite(estimate) ? estimate * 1000 : 2000));
        waited += ms;
        await sleep(ms, undefined, { signal });
        continue;
      }
      throw explain(err, repo, hasToken, response?.status === 503 ? `tried ${i} times over ${Math.round(waited / 1000)} s` : "");
    }
  }
}

function explain(err: unknown, repo: string, hasToken: boolean, tries: string): Error {
  if (err instanceof ValidationError || err instanceof TradioError) return err;
  const status = (err as { httpResponse?: { status?: number } }).httpResponse?.status;
  const detail = err instanceof Error ? err.message.replace(/^Failed to perform inference: /, "") : String(err);
  switch (status) {
    case undefined:
      if (hf && err instanceof hf.InferenceClientProviderOutputError) return new TradioFailure("TR_ERR_RETURN", `${repo}: ${detail}`);
      return new TradioError(`${repo}: could not reach the Inference API (${causeOf(err)})`, { code: "TR_ERR_LOAD_UNAVAILABLE" });
    case 401:
    case 403:
      return new TradioError(
        `${repo}: the Inference API refused the request (HTTP ${status}); ${hasToken ? "the token given cannot use this model" : TOKEN_HINT}`,
        { code: "TR_ERR_LOAD_UNAUTHORIZED" },
      );
    case 404:
      return new TradioError(`${repo}: the Inference API does not serve this model (HTTP 404: ${detail})`, { code: "TR_ERR_LOAD_NOT_FOUND" });
    case 429:
      return new TradioError(`${repo}: the Inference API is rate-limiting requests (HTTP 429); wait a moment and try again${hasToken ? "" : ", or use a token"}`, { code: "TR_ERR_LOAD_RATE_LIMITED" });
    case 503:
      return new TradioError(`${repo}: the model is still loading (HTTP 503; ${tries}); try again in a minute`, { code: "TR_ERR_LOAD_UNAVAILABLE" });
    default:
      return new TradioError(`${repo}: the Inference API answered HTTP ${status}: ${detail}`, { code: "TR_ERR_LOAD_UNAVAILABLE" });
  }
}
