// A stand-in for the Hugging Face Hub API and the Inference API, on 127.0.0.1, speaking the request and
// response shapes of the real services (as @huggingface/inference sends and reads them). Answers are
// computed from the request, so tests can tell that the inputs really travelled.
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import sharp from "sharp";

/** One request the inference side received. */
export interface Seen {
  model: string;
  path: string;
  contentType: string | undefined;
  authorization: string | undefined;
  json: any;
  bytes: number;
}

export interface Model {
  pipeline_tag?: string;
  cardData?: Record<string, unknown>;
  /** Needs this bearer token for model info and inference. */
  token?: string;
  /** Inference answers 503 (loading) this many times before it works; Infinity for never. */
  loadingFor?: number;
  /** Inference answers this status with an error. */
  failWith?: number;
}

export const TOKEN = "hf_standin_secret";

/** Every task of the table, with the model id `test/<task>`. */
export const TASK_MODELS: Record<string, Model> = Object.fromEntries(
  [
    "text-classification", "text-generation", "text2text-generation", "translation", "summarization", "fill-mask",
    "feature-extraction", "token-classification", "zero-shot-classification", "question-answering", "sentence-similarity",
    "image-classification", "image-to-text", "document-question-answering", "visual-question-answering", "text-to-image",
    "automatic-speech-recognition", "audio-to-audio", "text-to-speech", "audio-classification", "conversational",
    "tabular-classification", "tabular-regression",
  ].map((t) => [`test/${t}`, { pipeline_tag: t }]),
);

export class HubStandIn {
  readonly seen: Seen[] = [];
  readonly models = new Map<string, Model>(Object.entries(TASK_MODELS));
  /** Space id → the host URL the Hub API gives for it. */
  readonly spaces = new Map<string, string>();
  private attempts = new Map<string, number>();
  private server!: FastifyInstance;
  base = "";

  async start(): Promise<this> {
    const f = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
    f.removeAllContentTypeParsers();
    f.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
    f.get("/api/models/*", async (req, reply) => {
      const id = (req.params as { "*": string })["*"];
      const m = this.models.get(id);
      if (!m) return reply.code(404).send({ error: "Repository not found" });
      if (m.token && req.headers.authorization !== `Bearer ${m.token}`) return reply.code(401).send({ error: "Invalid credentials in Authorization header" });
      if (m.failWith === 429) return reply.code(429).send({ error: "Rate limit reached" });
      return { _id: "x", id, modelId: id, pipeline_tag: m.pipeline_tag, cardData: m.cardData, tags: [], downloads: 1 };
    });
    f.get("/api/spaces/:owner/:name/host", async (req, reply) => {
      const { owner, name } = req.params as { owner: string; name: string };
      const host = this.spaces.get(`${owner}/${name}`);
      if (!host) return reply.code(404).send({ error: "Repository not found" });
      return { subdomain: `${owner}-${name}`, host };
    });
    f.post("/models/*", async (req, reply) => this.infer(req, reply));
    await f.listen({ port: 0, host: "127.0.0.1" });
    const addr = f.server.address();
    this.base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    this.server = f;
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** Routes the library uses: /models/<id>, /models/<id>/pipeline/<task>, /models/<id>/v1/(chat/)completions. */
  private async infer(req: FastifyRequest, reply: import("fastify").FastifyReply) {
    const rest = (req.params as { "*": string })["*"];
    const m = /^(.+?)(?:\/pipeline\/[\w-]+|\/v1\/completions|\/v1\/chat\/completions)?$/.exec(rest)!;
    const id = m[1];
    const model = this.models.get(id);
    const body = req.body as Buffer | undefined;
    const contentType = req.headers["content-type"];
    let json: any = undefined;
    if (contentType?.startsWith("application/json") && body) json = JSON.parse(body.toString("utf8"));
    this.seen.push({ model: id, path: rest, contentType, authorization: req.headers.authorization, json, bytes: body?.length ?? 0 });
    if (!model) return reply.code(404).send({ error: `Model ${id} does not exist` });
    if (model.token && req.headers.authorization !== `Bearer ${model.token}`) return reply.code(401).send({ error: "Invalid username or password." });
    if (model.failWith) return reply.code(model.failWith).send({ error: model.failWith === 429 ? "Rate limit reached. You reached free usage limit" : "Server error" });
    const tries = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, tries);
    if (model.loadingFor !== undefined && tries <= model.loadingFor) {
      return reply.code(503).send({ error: `Model ${id} is currently loading`, estimated_time: 0.01 });
    }
    const task = model.pipeline_tag!;
    const text = typeof json?.inputs === "string" ? json.inputs : "";
    switch (task) {
      case "text-classification":
        return [[{ label: text.includes("good") ? "POSITIVE" : "NEGATIVE", score: 0.9 }, { label: text.includes("good") ? "NEGATIVE" : "POSITIVE", score: 0.1 }]];
      case "text-generation":
      case "text2text-generation": {
        if (!rest.endsWith("/v1/completions")) return reply.code(404).send({ error: "use /v1/completions" });
        const out = task === "text-generation" ? ` and then ${json.prompt.length} more` : `[${json.prompt}]`;
        return { id: "cmpl-1", object: "text_completion", created: 1, model: json.model, choices: [{ index: 0, text: out, finish_reason: "length" }] };
      }
      case "translation":
        return [{ translation_text: `de:${text}` }];
      case "summarization":
        return [{ summary_text: text.split(" ").slice(0, 2).join(" ") }];
      case "fill-mask":
        return [
          { score: 0.7, token: 1, token_str: "capital", sequence: text.replace("[MASK]", "capital") },
          { score: 0.2, token: 2, token_str: "heart", sequence: text.replace("[MASK]", "heart") },
        ];
      case "feature-extraction":
        if (!rest.endsWith("/pipeline/feature-extraction")) return reply.code(404).send({ error: "use the pipeline path" });
        return [text.length, 0.5, -0.5];
      case "token-classification": {
        const start = text.indexOf("Paris");
        return start < 0 ? [] : [{ entity_group: "LOC", score: 0.99, word: "Paris", start, end: start + 5 }];
      }
      case "zero-shot-classification": {
        const labels: string[] = json.parameters.candidate_labels;
        return { sequence: text, labels, scores: labels.map((_, i) => (i === 0 ? 0.8 : 0.2 / (labels.length - 1))) };
      }
      case "question-answering": {
        const { context, question } = json.inputs;
        const answer = context.split(" ").find((w: string) => question.includes(w)) ?? context.split(" ")[0];
        return { answer, score: 0.75, start: 0, end: answer.length };
      }
      case "sentence-similarity": {
        if (!rest.endsWith("/pipeline/sentence-similarity")) return reply.code(404).send({ error: "use the pipeline path" });
        const { source_sentence, sentences } = json.inputs;
        return sentences.map((s: string) => (s === source_sentence ? 1 : 0.25));
      }
      case "image-classification":
      case "image-to-text":
      case "audio-classification":
      case "automatic-speech-recognition":
      case "audio-to-audio":
        return this.binaryTask(task, body ?? Buffer.alloc(0), contentType);
      case "document-question-answering":
      case "visual-question-answering": {
        const meta = await sharp(Buffer.from(json.inputs.image, "base64")).metadata();
        return [{ answer: `${meta.width}x${meta.height}:${json.inputs.question}`, score: 0.6, start: 0, end: 1 }];
      }
      case "text-to-image": {
        const png = await sharp({ create: { width: 4 + text.length, height: 3, channels: 3, background: "#ff0000" } }).png().toBuffer();
        return reply.type("image/png").send(png);
      }
      case "text-to-speech":
        return reply.type("audio/flac").send(Buffer.from(`fLaC${text}`));
      case "conversational": {
        const msgs: { role: string; content: string }[] = json.messages;
        return { id: "c", object: "chat.completion", created: 1, model: json.model, choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: `#${msgs.length}:${msgs[msgs.length - 1].content}` } }] };
      }
      case "tabular-classification":
      case "tabular-regression": {
        const cols: Record<string, string[]> = json.inputs.data;
        const first = Object.values(cols)[0] ?? [];
        return first.map((v) => (task === "tabular-regression" ? Number(v) * 2 : Number(v) > 1 ? 1 : 0));
      }
      default:
        return reply.code(400).send({ error: `task ${task} is not served here` });
    }
  }

  private async binaryTask(task: string, body: Buffer, contentType: string | undefined) {
    if (task === "image-classification" || task === "image-to-text") {
      const meta = await sharp(body).metadata();
      if (task === "image-to-text") return { generated_text: `a ${meta.width}x${meta.height} ${contentType} picture` };
      return [{ label: `${meta.width}x${meta.height}`, score: 0.8 }, { label: "other", score: 0.2 }];
    }
    if (task === "automatic-speech-recognition") return { text: `heard ${body.length} bytes of ${contentType}` };
    if (task === "audio-classification") return [{ label: `${body.length} bytes`, score: 0.95 }, { label: "silence", score: 0.05 }];
    return [{ label: "speech", "content-type": "audio/flac", blob: Buffer.concat([Buffer.from("fLaC"), body]).toString("base64") }];
  }
}
