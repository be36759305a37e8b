// What an agent meets in an app's MCP tools: the schema of every kind of input, the content of every kind of
// output, names and descriptions, the queue's limits and batching, showError, Parallel and loaded apps, and
// the tools of the demos. test/mcp.test.ts has the protocol, transports, progress, cancel and auth.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { Ajv } from "ajv";
import Fastify from "fastify";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { encodeWav } from "../src/components/audio.js";
import { GraphBuilder } from "../src/graph/builder.js";
import { readDocs } from "../src/mcp/jsdoc.js";
import { buildTools } from "../src/mcp/tools.js";
import { gate, start } from "./helpers.js";

type App = Awaited<ReturnType<typeof start>>;
type Kind = "streamable" | "sse";

async function connect(base: string, kind: Kind = "streamable"): Promise<Client> {
  const client = new Client({ name: "tradio-test", version: "1.0.0" });
  await client.connect(kind === "streamable" ? new StreamableHTTPClientTransport(new URL(`${base}/gradio_api/mcp/`)) : new SSEClientTransport(new URL(`${base}/gradio_api/mcp/sse`)));
  return client;
}

const text = (r: any) => (r.content as { type: string; text?: string }[]).filter((c) => c.type === "text").map((c) => c.text).join("\n");
const dataUri = (mime: string, bytes: Uint8Array) => `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;

const opened: App[] = [];
async function serve(iface: Parameters<typeof start>[0], opts: object = {}): Promise<App> {
  const app = await start(iface, { mcpServer: true, ...opts });
  opened.push(app);
  return app;
}
afterAll(async () => {
  for (const app of opened.splice(0)) await app.close();
});

describe("input schemas", () => {
  const everyInput = () =>
    new tr.Interface({
      fn: (...args: unknown[]) => {
        const [t, n, s, step2, c, r, d, multi, group, df, json, img, audio, file, st] = args as [string, number, number, number, boolean, string, string, string[], string[], unknown[][], unknown, tr.Pixels, { sampleRate: number }, string, unknown];
        return [JSON.stringify({ t, n, s, step2, c, r, d, multi, group, df, json, img: `${img.width}x${img.height}`, rate: audio.sampleRate, file: typeof file, state: st ?? null }), "kept"];
      },
      inputs: [
        new tr.Textbox({ label: "Text", maxLength: 5 }),
        new tr.Number({ label: "Count", minimum: 0, maximum: 10 }),
        new tr.Slider({ label: "Ratio", minimum: 0, maximum: 1 }),
        new tr.Slider({ label: "Odd", minimum: 1, maximum: 9, step: 2 }),
        new tr.Checkbox({ label: "Flag" }),
        new tr.Radio({ label: "Colour", choices: ["red", "green"] }),
        new tr.Dropdown({ label: "Size", choices: ["s", "m", "l"] }),
        new tr.Dropdown({ label: "Toppings", choices: ["ham", "egg"], multiselect: true }),
        new tr.CheckboxGroup({ label: "Days", choices: ["mon", "tue"] }),
        new tr.Dataframe({ label: "Table", headers: ["a", "b"], datatype: "number" }),
        new tr.JSON({ label: "Blob" }),
        new tr.Image({ label: "Photo" }),
        new tr.Audio({ label: "Voice", type: "samples" }),
        new tr.File({ label: "Doc" }),
        "state",
      ],
      outputs: ["text", "state"],
      allowFlagging: "never",
    });

  it("follows each component the issue lists; State is hidden", async () => {
    const app = await serve(everyInput());
    const client = await connect(app.base);
    try {
      const [tool] = (await client.listTools()).tools;
      const props = tool.inputSchema.properties as Record<string, Record<string, unknown>>;
      expect(Object.keys(props)).toEqual(["text", "count", "ratio", "odd", "flag", "colour", "size", "toppings", "days", "table", "blob", "photo", "voice", "doc"]);
      expect(tool.inputSchema.required).toEqual(Object.keys(props));
      expect(props.text).toMatchObject({ type: "string", maxLength: 5 });
      expect(props.count).toMatchObject({ type: "number", minimum: 0, maximum: 10 });
      // A slider's step is multipleOf only where that is exact (a whole step from a minimum on it).
      expect(props.ratio).toMatchObject({ type: "number", minimum: 0, maximum: 1, description: expect.stringContaining("steps of 0.01 from 0") });
      expect(props.odd).toMatchObject({ type: "number", minimum: 1, maximum: 9, description: expect.stringContaining("steps of 2 from 1") });
      expect(props.ratio.multipleOf).toBeUndefined();
      expect(props.flag).toMatchObject({ type: "boolean" });
      expect(props.colour).toMatchObject({ type: "string", enum: ["red", "green"] });
      expect(props.size).toMatchObject({ type: "string", enum: ["s", "m", "l"] });
      expect(props.toppings).toMatchObject({ type: "array", items: { type: "string", enum: ["ham", "egg"] } });
      expect(props.days).toMatchObject({ type: "array", items: { type: "string", enum: ["mon", "tue"] } });
      expect(props.table).toMatchObject({ type: "array", items: { type: "array" } });
      expect(props.blob.type).toBeUndefined();
      for (const media of ["photo", "voice", "doc"]) expect(props[media]).toMatchObject({ type: "string", description: expect.stringMatching(/http\(s\) URL, or a data: URI/) });
      // Every schema is one a validator takes as it is.
      expect(() => new Ajv({ strict: false }).compile(tool.inputSchema)).not.toThrow();
    } finally {
      await client.close();
    }
  });

  it("takes values on a slider's grid that multipleOf would refuse (0.07 with step 0.01, 3 with step 2 from 1), and refuses what the component refuses", async () => {
    const app = await serve(everyInput());
    const client = await connect(app.base, "sse");
    const png = await sharp({ create: { width: 2, height: 3, channels: 3, background: "#00ff00" } }).png().toBuffer();
    const wav = encodeWav({ sampleRate: 8000, data: new Float32Array(80).fill(0.25) });
    try {
      const args = {
        text: "hi",
        count: 2.5,
        ratio: 0.07,
        odd: 3,
        flag: true,
        colour: "green",
        size: "m",
        toppings: ["egg"],
        days: ["mon", "tue"],
        table: [[1, 2]],
        blob: { any: ["thing"] },
        photo: dataUri("image/png", png),
        voice: dataUri("audio/wav", wav),
        doc: dataUri("text/plain", new TextEncoder().encode("hello")),
      };
      const result = await client.callTool({ name: "predict", arguments: args });
      expect(result.isError).toBeFalsy();
      expect(JSON.parse(text(result))).toEqual({
        t: "hi",
        n: 2.5,
        s: 0.07,
        step2: 3,
        c: true,
        r: "green",
        d: "m",
        multi: ["egg"],
        group: ["mon", "tue"],
        df: [[1, 2]],
        json: { any: ["thing"] },
        img: "2x3",
        rate: 8000,
        file: "string",
        state: null,
      });
      // Out of the component's range or choices: refused, naming the parameter.
      for (const [bad, pattern] of [
        [{ text: "toolong" }, /parameter "text" must NOT have more than 5 characters/],
        [{ count: -1 }, /parameter "count" must be >= 0/],
        [{ colour: "blue" }, /parameter "colour" must be equal to one of the allowed values/],
        [{ toppings: ["ham", "jam"] }, /parameter "toppings" at 1 must be equal to one of the allowed values/],
        [{ flag: "yes" }, /parameter "flag" must be boolean/],
        [{ table: "a,b" }, /parameter "table" must be array/],
      ] as const) {
        const err = await client.callTool({ name: "predict", arguments: { ...args, ...bad } }).catch((e: unknown) => e);
        expect(err, JSON.stringify(bad)).toBeInstanceOf(McpError);
        expect((err as McpError).code).toBe(ErrorCode.InvalidParams);
        expect((err as McpError).message).toMatch(pattern);
      }
    } finally {
      await client.close();
    }
  });
});

describe("results", () => {
  it("answer Audio as audio content, a File as a resource link, and JSON, Dataframe and HighlightedText as structured content", async () => {
    const wav = encodeWav({ sampleRate: 8000, data: new Float32Array(80).fill(0.5) });
    const dir = mkdtempSync(path.join(tmpdir(), "tradio-mcp-out-"));
    const notes = path.join(dir, "notes.txt");
    writeFileSync(notes, "a file for the agent");
    const iface = new tr.Interface({
      fn: () => [wav, notes, { ok: true, n: [1, 2] }, [[1, "x"]], [["tradio", "name"], [" is ", null], ["fast", "adj"]]],
      inputs: [],
      outputs: [
        new tr.Audio({ label: "Sound" }),
        new tr.File({ label: "Notes" }),
        new tr.JSON({ label: "Facts" }),
        new tr.Dataframe({ label: "Rows", headers: ["n", "s"] }),
        new tr.HighlightedText({ label: "Marked" }),
      ],
      allowFlagging: "never",
    });
    const app = await serve(iface, { allowedPaths: [dir] });
    for (const kind of ["streamable", "sse"] as const) {
      const client = await connect(app.base, kind);
      try {
        const result = await client.callTool({ name: "predict", arguments: {} });
        expect(result.isError).toBeFalsy();
        const content = result.content as any[];
        const audio = content.find((c) => c.type === "audio");
        expect(audio.mimeType).toBe("audio/wav");
        expect(Buffer.from(audio.data, "base64").subarray(0, 4).toString()).toBe("RIFF");
        const links = content.filter((c) => c.type === "resource_link");
        expect(links.map((l) => l.name)).toEqual([expect.stringMatching(/\.wav$/), "notes.txt"]);
        expect(await (await fetch(links[1].uri)).text()).toBe("a file for the agent");
        const structured = result.structuredContent as Record<string, any>;
        expect(Object.keys(structured)).toEqual(["facts", "rows", "marked"]);
        expect(structured.facts).toEqual({ ok: true, n: [1, 2] });
        expect(structured.rows).toMatchObject({ headers: ["n", "s"], data: [[1, "x"]] });
        expect(JSON.stringify(structured.marked)).toContain("tradio");
        // Each structured value has its text rendering beside it.
        for (const v of Object.values(structured)) expect(content).toContainEqual({ type: "text", text: JSON.stringify(v) });
      } finally {
        await client.close();
      }
    }
  });
});

describe("names and descriptions", () => {
  it("makes endpoint names valid and unique tool names", async () => {
    const builder = new GraphBuilder({ title: null, description: null } as never);
    const box = () => builder.add(new tr.Textbox({ label: "s" }));
    for (const apiName of ["say hello", "say_hello", "x".repeat(80), "ünï.code"]) builder.addEvent({ apiName, inputs: [box()], outputs: [box()], targets: [], fn: async () => [] });
    const names = (await buildTools(builder.build())).map((t) => t.name);
    expect(names).toEqual(["say_hello", "say_hello_2", "x".repeat(60), "_n_.code".replace(".", "_")]);
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it("describes a tool by toolDescription, else the function's JSDoc, else the app's description; a parameter by its label and info", async () => {
    /** What the JSDoc says. */
    const documented = (s: string) => s;
    const undocumentedAndInline = new tr.Interface({ fn: (s: string) => s, inputs: new tr.Textbox({ label: "Words", info: "what to echo" }), outputs: "text", description: "The app's own words.", allowFlagging: "never" });
    const told = new tr.Interface({ fn: documented, inputs: "text", outputs: "text", toolDescription: "Said for agents.", allowFlagging: "never" });
    const docs = new tr.Interface({ fn: documented, inputs: "text", outputs: "text", description: "not this", allowFlagging: "never" });
    const [a, b, c] = await Promise.all([buildTools(undocumentedAndInline.graph), buildTools(told.graph), buildTools(docs.graph)]);
    expect(a[0].description).toBe("The app's own words.");
    expect((a[0].inputSchema.properties as Record<string, { description?: string }>).words.description).toBe("Words: what to echo");
    expect(b[0].description).toBe("Said for agents.");
    expect(c[0].description).toBe("What the JSDoc says.");
  });

  it("reads JSDoc with the app's own TypeScript only: an app where none is installed gets no JSDoc, and tradio does not depend on it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tradio-no-ts-"));
    const file = path.join(dir, "app.ts");
    writeFileSync(file, "/** Never read. */\nexport function greet(name: string) { return name; }\n");
    expect(await readDocs({ file, line: 2, name: "greet" })).toBeNull();
    // The same file inside this project (which has TypeScript installed) is read.
    const here = path.join(import.meta.dirname, `.jsdoc-probe-${process.pid}.ts`);
    writeFileSync(here, "/** Read.\n * @param name - who */\nexport function greet(name: string) { return name; }\n");
    try {
      expect(await readDocs({ file: here, line: 3, name: "greet" })).toEqual({ summary: "Read.", params: ["who"] });
    } finally {
      (await import("node:fs")).rmSync(here);
    }
    const pkg = JSON.parse((await import("node:fs")).readFileSync(path.join(import.meta.dirname, "..", "package.json"), "utf8"));
    expect(Object.keys(pkg.dependencies ?? {})).not.toContain("typescript");
  });
});

describe("calls through the queue", () => {
  it("hold the endpoint's concurrency limit", async () => {
    let running = 0;
    let most = 0;
    const release = gate();
    const iface = new tr.Interface({
      fn: async (s: string) => {
        most = Math.max(most, ++running);
        await release.opened;
        running--;
        return s;
      },
      inputs: "text",
      outputs: "text",
      concurrencyLimit: 1,
      allowFlagging: "never",
    });
    const app = await serve(iface);
    const clients = await Promise.all([connect(app.base), connect(app.base, "sse"), connect(app.base)]);
    try {
      const calls = clients.map((c, i) => c.callTool({ name: "predict", arguments: { s: `c${i}` } }));
      await expect.poll(() => running).toBe(1);
      release.open();
      expect((await Promise.all(calls)).map(text)).toEqual(["c0", "c1", "c2"]);
      expect(most).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it("are batched with other callers' calls when the endpoint batches", async () => {
    const batches: string[][] = [];
    const first = gate();
    const iface = new tr.Interface({
      fn: async (words: string[]) => {
        batches.push(words);
        if (batches.length === 1) await first.opened;
        return [words.map((w) => w.toUpperCase())];
      },
      batch: true,
      maxBatchSize: 4,
      inputs: "text",
      outputs: "text",
      allowFlagging: "never",
    });
    // Mounted by hand, so the test can see its queue.
    const server = Fastify();
    let served!: Awaited<ReturnType<typeof tr.mountApp>>;
    await server.register(async (f) => void (served = await tr.mountApp(f, iface, { mcpServer: true })));
    const base = (await server.listen({ port: 0, host: "127.0.0.1" })).replace(/\/$/, "");
    const clients = await Promise.all([connect(base), connect(base), connect(base, "sse")]);
    try {
      const one = clients[0].callTool({ name: "predict", arguments: { words: "a" } });
      await expect.poll(() => batches.length).toBe(1);
      const rest = [clients[1].callTool({ name: "predict", arguments: { words: "b" } }), clients[2].callTool({ name: "predict", arguments: { words: "c" } })];
      // Both wait behind the first batch, then run together.
      await expect.poll(() => served.transport.scheduler.waiting).toBe(2);
      first.open();
      expect((await Promise.all([one, ...rest])).map(text)).toEqual(["A", "B", "C"]);
      expect(batches.map((b) => [...b].sort())).toEqual([["a"], ["b", "c"]]);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
    }
  });

  it("are refused with the queue's own message when it is full", async () => {
    const release = gate();
    let started = 0;
    const iface = new tr.Interface({
      fn: async (s: string) => {
        started++;
        await release.opened;
        return s;
      },
      inputs: "text",
      outputs: "text",
      allowFlagging: "never",
    });
    const server = Fastify();
    let served!: Awaited<ReturnType<typeof tr.mountApp>>;
    await server.register(async (f) => void (served = await tr.mountApp(f, iface, { mcpServer: true, queue: { maxSize: 1 } })));
    const base = (await server.listen({ port: 0, host: "127.0.0.1" })).replace(/\/$/, "");
    const client = await connect(base);
    try {
      const running = client.callTool({ name: "predict", arguments: { s: "a" } });
      await expect.poll(() => started).toBe(1);
      const waiting = client.callTool({ name: "predict", arguments: { s: "b" } });
      await expect.poll(() => served.transport.scheduler.waiting).toBe(1);
      const refused = await client.callTool({ name: "predict", arguments: { s: "c" } }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(McpError);
      expect((refused as McpError).message).toMatch(/Queue is full/);
      expect((refused as McpError).data).toMatchObject({ code: "TR_ERR_QUEUE_FULL", status: 503 });
      release.open();
      expect((await Promise.all([running, waiting])).map(text)).toEqual(["a", "b"]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("hide a failure of the server itself (not the function's) behind a coded error", async () => {
    const memory = tr.schedulers.get("memory");
    const broken = (settings: tr.QueueSettings): tr.Scheduler => {
      const inner = memory(settings);
      return Object.assign(Object.create(inner) as tr.Scheduler, { push: async () => Promise.reject(new Error("redis password in this message")) });
    };
    const server = Fastify();
    await server.register(async (f) => void (await tr.mountApp(f, new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", allowFlagging: "never" }), { mcpServer: true, scheduler: broken({ defaultConcurrencyLimit: 1, maxSize: null, statusUpdateRate: "auto" }) })));
    const base = (await server.listen({ port: 0, host: "127.0.0.1" })).replace(/\/$/, "");
    const client = await connect(base);
    try {
      const err = await client.callTool({ name: "predict", arguments: { s: "x" } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(McpError);
      expect((err as McpError).data).toMatchObject({ code: "TR_ERR_INTERNAL" });
      expect((err as McpError).message).not.toMatch(/password/);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("show an internal error's message with showError only", async () => {
    const crash = () => new tr.Interface({ fn: () => { throw new Error("disk on fire"); }, inputs: [], outputs: "text", allowFlagging: "never" });
    for (const [showError, shown] of [[true, true], [false, false]] as const) {
      const app = await serve(crash(), { showError });
      const client = await connect(app.base);
      try {
        const result = await client.callTool({ name: "predict", arguments: {} });
        expect(result.isError).toBe(true);
        expect(text(result).includes("disk on fire")).toBe(shown);
      } finally {
        await client.close();
      }
    }
  });
});

describe("Parallel and loaded apps", () => {
  it("serve a Parallel as one tool whose result holds each member's output", async () => {
    const upper = new tr.Interface({ fn: (s: string) => s.toUpperCase(), inputs: "text", outputs: new tr.Textbox({ label: "Upper" }), title: "Upper" });
    const count = new tr.Interface({ fn: (s: string) => s.length, inputs: "text", outputs: new tr.Number({ label: "Length" }), title: "Count" });
    const app = await serve(new tr.Parallel(upper, count, { allowFlagging: "never" }));
    const client = await connect(app.base, "sse");
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(["predict"]);
      const result = await client.callTool({ name: "predict", arguments: { s: "abc" } });
      expect(text(result)).toBe("ABC\n3");
    } finally {
      await client.close();
    }
  });

  it("give a Series' first member's table the agent's bare rows, with its headers added", async () => {
    const sum = new tr.Interface({ fn: (rows: number[][]) => String(rows.flat().reduce((a, b) => a + Number(b), 0)), inputs: new tr.Dataframe({ label: "Rows", headers: ["a", "b"], type: "numpy", columnCount: [2, "fixed"] }), outputs: "text" });
    const shout = new tr.Interface({ fn: (s: string) => `${s}!`, inputs: "text", outputs: "text" });
    const app = await serve(new tr.Series(sum, shout, { allowFlagging: "never" }));
    const client = await connect(app.base);
    try {
      const [tool] = (await client.listTools()).tools;
      expect(tool.inputSchema.properties).toMatchObject({ rows: { type: "array", items: { type: "array", minItems: 2, maxItems: 2, items: { type: ["number", "null"] } } } });
      expect(text(await client.callTool({ name: tool.name, arguments: { rows: [[1, 2], [3, 4]] } }))).toBe("10!");
    } finally {
      await client.close();
    }
  });

  it("serve a loaded tradio app with its parameters, and forward the call to it", async () => {
    const remote = await start(
      new tr.Interface({ fn: (words: string, times: number) => `${words.toUpperCase()}${"!".repeat(times)}`, inputs: [new tr.Textbox({ label: "Words" }), new tr.Slider({ label: "Times", minimum: 1, maximum: 5, step: 1 })], outputs: "text", description: "Makes text loud." }),
    );
    opened.push(remote);
    const loaded = await tr.load(remote.url);
    const app = await serve(loaded);
    const client = await connect(app.base);
    try {
      const [tool] = (await client.listTools()).tools;
      expect(tool.description).toBe("Makes text loud.");
      expect(tool.inputSchema.properties).toMatchObject({ words: { type: "string" }, times: { type: "number", minimum: 1, maximum: 5 } });
      expect(text(await client.callTool({ name: tool.name, arguments: { words: "hey", times: 2 } }))).toBe("HEY!!");
    } finally {
      await client.close();
    }
  });
});

describe("the demos' tools", () => {
  // Demos that need no network (parallel and series load models from the Hub).
  const DEMOS = ["hello", "auth", "chatbot", "code_color_date", "custom_component", "flagging", "gender_sentence", "image_classifier", "image_gallery", "long_job", "mix_local", "model3d", "plots", "score_tracker", "sentiment", "stream_audio", "streaming", "video"];

  it("are one per named endpoint of /info, with schemas a validator compiles, over both transports", { timeout: 120_000 }, async () => {
    for (const name of DEMOS) {
      const { default: demo } = await import(`../demo/${name}/app.ts`);
      const app = await serve(demo);
      const info = await (await fetch(`${app.base}/gradio_api/info`)).json();
      const endpoints = Object.keys(info.named_endpoints).map((e) => e.slice(1));
      for (const kind of ["streamable", "sse"] as const) {
        const client = await connect(app.base, kind);
        try {
          const { tools } = await client.listTools();
          expect(tools.map((t) => t.name), name).toEqual(endpoints);
          for (const tool of tools) {
            expect(tool.description, `${name} ${tool.name}`).toBeTruthy();
            const params = info.named_endpoints[`/${tool.name}`].parameters.map((p: { parameter_name: string }) => p.parameter_name);
            expect(Object.keys(tool.inputSchema.properties ?? {}), `${name} ${tool.name}`).toEqual(params);
            expect(() => new Ajv({ strict: false }).compile(tool.inputSchema), `${name} ${tool.name}`).not.toThrow();
          }
        } finally {
          await client.close();
        }
      }
      await app.close();
      opened.splice(opened.indexOf(app), 1);
    }
  });
});
