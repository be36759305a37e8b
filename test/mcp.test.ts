// The app as an MCP server, tried with the official SDK's own Client over both transports.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import hello from "../demo/hello/app.js";
import { MAX_SESSIONS_PER_CLIENT } from "../src/server/routes/mcp.js";
import imageClassifier from "../demo/image_classifier/app.js";
import { gate, mcpInitialize, post, start } from "./helpers.js";

type App = Awaited<ReturnType<typeof start>>;
type Kind = "streamable" | "sse";

async function connect(base: string, kind: Kind, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "tradio-test", version: "1.0.0" });
  const transport =
    kind === "streamable"
      ? new StreamableHTTPClientTransport(new URL(`${base}/gradio_api/mcp/`), { requestInit: { headers } })
      : new SSEClientTransport(new URL(`${base}/gradio_api/mcp/sse`), { requestInit: { headers }, eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) } });
  await client.connect(transport);
  return client;
}

const text = (r: any) => (r.content as { type: string; text?: string }[]).filter((c) => c.type === "text").map((c) => c.text).join("\n");

let helloApp: App;
beforeAll(async () => {
  helloApp = await start(hello, { mcpServer: true });
});
afterAll(() => helloApp.close());

for (const kind of ["streamable", "sse"] as const) {
  describe(`MCP over ${kind === "sse" ? "the SSE transport" : "Streamable HTTP"}`, () => {
    it("lists one tool per endpoint, described by the function's JSDoc, with a schema from the components", async () => {
      const client = await connect(helloApp.base, kind);
      try {
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toEqual(["predict"]);
        const [predict] = tools;
        expect(predict.description).toBe("Greets someone by name, as warmly as asked.");
        expect(predict.inputSchema).toMatchObject({
          type: "object",
          required: ["name", "intensity"],
          properties: {
            name: { type: "string", description: "name: who to greet" },
            intensity: { type: "number", minimum: 1, maximum: 10, multipleOf: 1, description: "intensity: how many exclamation marks to add" },
          },
        });
      } finally {
        await client.close();
      }
    });

    it("calls a tool through the app's queue, and names the parameter of a bad argument", async () => {
      const client = await connect(helloApp.base, kind);
      try {
        const result = await client.callTool({ name: "predict", arguments: { name: "Ada", intensity: 3 } });
        expect(result.isError).toBeFalsy();
        expect(text(result)).toBe("Hello, Ada!!!");
        for (const [args, pattern] of [
          [{ name: "Ada", intensity: "three" }, /parameter "intensity" must be number/],
          [{ name: "Ada", intensity: 11 }, /parameter "intensity" must be <= 10/],
          [{ name: "Ada" }, /parameter "intensity" is required/],
          [{ name: "Ada", intensity: 1, extra: 1 }, /parameter "extra" is not a parameter of predict/],
        ] as const) {
          const err = await client.callTool({ name: "predict", arguments: args }).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(McpError);
          expect((err as McpError).code).toBe(ErrorCode.InvalidParams);
          expect((err as McpError).message).toMatch(pattern);
        }
        const unknown = await client.callTool({ name: "nope", arguments: {} }).catch((e: unknown) => e);
        expect((unknown as McpError).code).toBe(ErrorCode.InvalidParams);
        expect((unknown as McpError).message).toMatch(/unknown tool "nope" \(tools: predict\)/);
      } finally {
        await client.close();
      }
    });
  });
}

describe("MCP tools of other apps", () => {
  for (const kind of ["streamable", "sse"] as const) {
  const other: Kind = kind === "sse" ? "streamable" : "sse";
  it(`sends progress notifications from progress() and from generators, and keeps state per MCP session (${kind})`, async () => {
    // The first call streams its first value, then waits until the client has heard it: a result read in
    // the same chunk as the notifications before it would drop them (the SDK's client removes a call's
    // progress handler on its result before it runs queued notification handlers).
    const heard = gate();
    async function* count(n: number | null, history: number[] = [], ctx?: tr.CallContext) {
      const total = n ?? 0;
      ctx?.progress(0.5, "half");
      const seen = [...history, total];
      for (let i = 1; i <= total; i++) {
        yield [`${i} of ${total}; calls so far: ${seen.join(",")}`, seen];
        await heard.opened;
      }
    }
    const app = await start(new tr.Interface({ fn: count, inputs: ["number", "state"], outputs: ["text", "state"], allowFlagging: "never" }), { mcpServer: true });
    try {
      const client = await connect(app.base, kind);
      const notes: { progress: number; total?: number; message?: string }[] = [];
      const first = client.callTool({ name: "predict", arguments: { n: 5 } }, undefined, { onprogress: (p) => notes.push(p) });
      // The generator's values arrive as they are made, before the result.
      await expect.poll(() => notes.some((n) => n.message === "1 of 5; calls so far: 5")).toBe(true);
      expect(notes).toContainEqual(expect.objectContaining({ progress: 0.5, total: 1, message: "half" }));
      heard.open();
      expect(text(await first)).toBe("5 of 5; calls so far: 5");
      // State lives in the MCP session: the same session remembers, another starts afresh.
      expect(text(await client.callTool({ name: "predict", arguments: { n: 2 } }))).toBe("2 of 2; calls so far: 5,2");
      const fresh = await connect(app.base, other);
      expect(text(await fresh.callTool({ name: "predict", arguments: { n: 1 } }))).toBe("1 of 1; calls so far: 1");
      await client.close();
      await fresh.close();
    } finally {
      await app.close();
    }
  });

  it(`takes an image as a data: URI and answers a Label as structured content (${kind})`, async () => {
    const app = await start(imageClassifier, { mcpServer: true });
    try {
      const client = await connect(app.base, kind);
      const { tools } = await client.listTools();
      const predict = tools.find((t) => t.name === "predict")!;
      expect(predict.inputSchema.properties).toMatchObject({ image: { type: "string", description: expect.stringMatching(/^image\. Image: an http\(s\) URL, or a data: URI/) } });
      const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 120, b: 40 } } }).png().toBuffer();
      const result = await client.callTool({ name: "predict", arguments: { image: `data:image/png;base64,${png.toString("base64")}` } });
      expect(result.isError).toBeFalsy();
      const structured = result.structuredContent as Record<string, { label: string; confidences: { label: string; confidence: number }[] }>;
      const label = Object.values(structured)[0];
      expect(["Drawing", "Hentai", "Neutral", "Porn", "Sexy"]).toContain(label.label);
      expect(JSON.parse(text(result))).toEqual(label);
      const badUri = await client.callTool({ name: "predict", arguments: { image: "ftp://example.com/x.png" } }).catch((e: unknown) => e);
      expect((badUri as McpError).code).toBe(ErrorCode.InvalidParams);
      expect((badUri as McpError).message).toMatch(/parameter "image" must be an http\(s\) URL or a base64 data: URI/);
      // A URL is fetched under the app's SSRF rules: this machine's own addresses are refused.
      const local = await client.callTool({ name: "predict", arguments: { image: "http://127.0.0.1:9/x.png" } }).catch((e: unknown) => e);
      expect((local as McpError).code).toBe(ErrorCode.InvalidParams);
      expect((local as McpError).data).toMatchObject({ code: "TR_ERR_FETCH_REFUSED" });
      await client.close();
    } finally {
      await app.close();
    }
  });

  it(`returns an image as image content plus its file URL, shows a tr.Error as an error result and hides other errors (${kind})`, async () => {
    const iface = new tr.Interface({
      fn: (kind: string) => {
        if (kind === "user") throw new tr.Error("Please pick a colour");
        if (kind === "crash") throw new Error("secret internal detail");
        return { width: 2, height: 2, channels: 3, data: new Uint8Array(12).fill(200) };
      },
      inputs: "text",
      outputs: "image",
      allowFlagging: "never",
    });
    const app = await start(iface, { mcpServer: true });
    try {
      const client = await connect(app.base, kind);
      const ok = await client.callTool({ name: "predict", arguments: { kind: "x" } });
      const image = (ok.content as any[]).find((c) => c.type === "image");
      expect(image.mimeType).toBe("image/png");
      expect((await sharp(Buffer.from(image.data, "base64")).metadata()).width).toBe(2);
      const link = (ok.content as any[]).find((c) => c.type === "resource_link");
      expect((await fetch(link.uri)).status).toBe(200);
      const user = await client.callTool({ name: "predict", arguments: { kind: "user" } });
      expect(user.isError).toBe(true);
      expect(text(user)).toBe("Please pick a colour");
      const crash = await client.callTool({ name: "predict", arguments: { kind: "crash" } });
      expect(crash.isError).toBe(true);
      expect(text(crash)).not.toMatch(/secret/);
      await client.close();
    } finally {
      await app.close();
    }
  });

  it(`cancels the running job when the client cancels the call (${kind})`, async () => {
    let aborted = false;
    let begin!: () => void;
    const started = { promise: new Promise<void>((r) => (begin = r)), resolve: () => begin() };
    const iface = new tr.Interface({
      fn: (s: string, ctx: tr.CallContext) =>
        new Promise<string>((resolve) => {
          started.resolve();
          ctx.signal.addEventListener("abort", () => ((aborted = true), resolve(s)));
        }),
      inputs: "text",
      outputs: "text",
      allowFlagging: "never",
    });
    const app = await start(iface, { mcpServer: true });
    try {
      const client = await connect(app.base, kind);
      const controller = new AbortController();
      const call = client.callTool({ name: "predict", arguments: { s: "x" } }, undefined, { signal: controller.signal }).catch((e: unknown) => e);
      await started.promise;
      controller.abort();
      await call;
      await expect.poll(() => aborted).toBe(true);
      await client.close();
    } finally {
      await app.close();
    }
  });
  }

  it("lists the endpoints of Parallel and Series mixes too", async () => {
    const upper = new tr.Interface({ fn: (s: string) => s.toUpperCase(), inputs: "text", outputs: "text", title: "Upper" });
    const exclaim = new tr.Interface({ fn: (s: string) => `${s}!`, inputs: "text", outputs: "text", title: "Exclaim" });
    const app = await start(new tr.Series(upper, exclaim, { allowFlagging: "never" }), { mcpServer: true });
    try {
      const client = await connect(app.base, "streamable");
      const result = await client.callTool({ name: "predict", arguments: { s: "hi" } });
      expect(text(result)).toBe("HI!");
      await client.close();
    } finally {
      await app.close();
    }
  });

  it("answers 404 to a session id it never gave, whatever its shape", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "../../etc", "x".repeat(2000)]) {
      const res = await fetch(`${helloApp.base}/gradio_api/mcp/`, {
        method: "POST",
        headers: { "mcp-session-id": id, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(res.status).toBe(404);
      expect((await res.json()).code).toBe("TR_ERR_NOT_FOUND");
      const sse = await fetch(`${helloApp.base}/gradio_api/mcp/messages?sessionId=${encodeURIComponent(id)}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(sse.status).toBe(404);
    }
  });

  it("is off unless asked for", async () => {
    const r = await post(helloApp.base.replace(/\/$/, ""), "/gradio_api/run/predict", { data: ["x", 1] });
    expect(r.status).toBe(200);
    const plain = await start(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text" }));
    try {
      expect((await fetch(`${plain.base}/gradio_api/mcp/`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe("MCP sessions per client address", () => {
  it("refuses a new session past MAX_SESSIONS_PER_CLIENT from one address (429), so it cannot push out others' sessions; closing one gives its place back", async () => {
    const app = await start(new tr.Interface({ fn: (s: string) => `hi ${s}`, inputs: "text", outputs: "text", allowFlagging: "never" }), { mcpServer: true, trustProxy: true });
    const initialize = (from: string) => mcpInitialize(app.base, from);
    try {
      const opened: string[] = [];
      for (let i = 0; i < MAX_SESSIONS_PER_CLIENT; i++) {
        const r = await initialize("203.0.113.5");
        expect(r.status).toBe(200);
        opened.push(r.id!);
      }
      const refused = await initialize("203.0.113.5");
      expect(refused.status).toBe(429);
      // The SSE transport counts too.
      expect((await fetch(`${app.base}/gradio_api/mcp/sse`, { headers: { "x-forwarded-for": "203.0.113.5" } })).status).toBe(429);
      // Another address opens sessions and calls tools as usual.
      const other = await connect(app.base, "streamable", { "x-forwarded-for": "198.51.100.5" });
      expect(text(await other.callTool({ name: "predict", arguments: { s: "Ada" } }))).toBe("hi Ada");
      await other.close();
      // Ending a session gives its place back.
      const ended = await fetch(`${app.base}/gradio_api/mcp/`, { method: "DELETE", headers: { "mcp-session-id": opened[0], "x-forwarded-for": "203.0.113.5" } });
      expect(ended.status).toBe(200);
      expect((await initialize("203.0.113.5")).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe("MCP with a login", () => {
  let app: App;
  beforeAll(async () => {
    app = await start(new tr.Interface({ fn: (s: string) => `hi ${s}`, inputs: "text", outputs: "text", allowFlagging: "never" }), { mcpServer: true, auth: ["ada", "lovelace1"] });
  });
  afterAll(() => app.close());

  async function login(): Promise<string> {
    const res = await fetch(`${app.base}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "username=ada&password=lovelace1" });
    return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  }

  it("refuses an agent without a token, and takes a token a logged-in person made until it is revoked", async () => {
    await expect(connect(app.base, "streamable")).rejects.toThrow();
    await expect(connect(app.base, "streamable", { authorization: "Bearer trmcp_forged" })).rejects.toThrow();
    const cookie = await login();
    // Without a login, no token can be made.
    expect((await fetch(`${app.base}/gradio_api/mcp/tokens`, { method: "POST" })).status).toBe(401);
    const made = await (await fetch(`${app.base}/gradio_api/mcp/tokens`, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: JSON.stringify({ label: "my agent" }) })).json();
    expect(made.token).toMatch(/^trmcp_/);
    const listed = await (await fetch(`${app.base}/gradio_api/mcp/tokens`, { headers: { cookie } })).json();
    expect(listed.tokens).toEqual([expect.objectContaining({ id: made.id, label: "my agent" })]);
    expect(JSON.stringify(listed)).not.toContain(made.token);

    for (const kind of ["streamable", "sse"] as const) {
      const client = await connect(app.base, kind, { authorization: `Bearer ${made.token}` });
      expect(text(await client.callTool({ name: "predict", arguments: { s: "Ada" } }))).toBe("hi Ada");
      await client.close();
    }
    // A bearer token cannot make more tokens.
    expect((await fetch(`${app.base}/gradio_api/mcp/tokens`, { method: "POST", headers: { authorization: `Bearer ${made.token}` } })).status).toBe(401);
    expect((await fetch(`${app.base}/gradio_api/mcp/tokens/${made.id}`, { method: "DELETE", headers: { cookie } })).status).toBe(200);
    await expect(connect(app.base, "streamable", { authorization: `Bearer ${made.token}` })).rejects.toThrow();
  });

  it("refuses the SSE transport without a token, and one login's session to another login", async () => {
    await expect(connect(app.base, "sse")).rejects.toThrow();
    expect((await fetch(`${app.base}/gradio_api/mcp/messages?sessionId=x`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(401);
    const two = await start(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", allowFlagging: "never" }), { mcpServer: true, auth: [["ada", "lovelace1"], ["bob", "builder12"]] });
    try {
      const tokenOf = async (username: string, password: string) => {
        const res = await fetch(`${two.base}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `username=${username}&password=${password}` });
        const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
        return (await (await fetch(`${two.base}/gradio_api/mcp/tokens`, { method: "POST", headers: { cookie } })).json()).token as string;
      };
      const [ada, bob] = [await tokenOf("ada", "lovelace1"), await tokenOf("bob", "builder12")];
      // Ada's Streamable HTTP session, tried with Bob's token.
      const init = await fetch(`${two.base}/gradio_api/mcp/`, {
        method: "POST",
        headers: { authorization: `Bearer ${ada}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
      });
      const sid = init.headers.get("mcp-session-id")!;
      await init.body?.cancel();
      const list = (token: string) =>
        fetch(`${two.base}/gradio_api/mcp/`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18", "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
        });
      const theirs = await list(bob);
      expect(theirs.status).toBe(404);
      const mine = await list(ada);
      expect(mine.status).toBe(200);
      expect(await mine.text()).toContain('"name":"predict"');
      // Ada's SSE session, tried with Bob's token.
      const controller = new AbortController();
      const stream = await fetch(`${two.base}/gradio_api/mcp/sse`, { headers: { authorization: `Bearer ${ada}`, accept: "text/event-stream" }, signal: controller.signal });
      const reader = stream.body!.getReader();
      let seen = "";
      while (!/sessionId=([\w-]+)/.test(seen)) seen += new TextDecoder().decode((await reader.read()).value);
      const sseId = /sessionId=([\w-]+)/.exec(seen)![1];
      const post = (token: string) =>
        fetch(`${two.base}/gradio_api/mcp/messages?sessionId=${sseId}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }) });
      expect((await post(bob)).status).toBe(404);
      expect((await post(ada)).status).toBe(202);
      controller.abort();
    } finally {
      await two.close();
    }
  });

  it("refuses a cross-site request to the MCP endpoint like any state-changing request", async () => {
    for (const path of ["/gradio_api/mcp/", "/gradio_api/mcp", "/gradio_api/mcp/messages?sessionId=x", "/gradio_api/mcp/tokens"]) {
      const res = await fetch(`${app.base}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: "https://evil.example" }, body: "{}" });
      expect(res.status, path).toBe(403);
      expect((await res.json()).code).toBe("TR_ERR_FORBIDDEN");
    }
  });
});

describe("an agent chaining tools", () => {
  it("calls one app's tool with another's result", async () => {
    const translate = new tr.Interface({ fn: (s: string) => s.split("").reverse().join(""), inputs: "text", outputs: "text", apiName: "reverse", allowFlagging: "never" });
    const count = new tr.Interface({ fn: (s: string) => s.length, inputs: "text", outputs: "number", apiName: "count", allowFlagging: "never" });
    const a = await start(translate, { mcpServer: true });
    const b = await start(count, { mcpServer: true });
    try {
      const agentA = await connect(a.base, "streamable");
      const agentB = await connect(b.base, "sse");
      // A scripted agent: find a tool by what it does, call it, feed its answer to the next tool.
      const reversed = text(await agentA.callTool({ name: (await agentA.listTools()).tools[0].name, arguments: { s: "tradio" } }));
      expect(reversed).toBe("oidart");
      const counted = text(await agentB.callTool({ name: "count", arguments: { s: reversed } }));
      expect(counted).toBe("6");
      await agentA.close();
      await agentB.close();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
