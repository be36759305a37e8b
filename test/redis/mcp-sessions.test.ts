// One app served as an MCP server by two processes sharing one Redis, behind a round-robin "balancer" (a
// fetch that sends each HTTP request to the next process): a Streamable HTTP session opened on one process
// is served by the other, with its state, progress notifications, cancels and its end.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../redis-server.js";
import { runApp, stopAll, type AppProcess } from "./processes.js";

const APP = "test/fixtures/mcp-redis-app.ts";
let redis: TestRedis;
let marks: string;
let a: AppProcess;
let b: AppProcess;
let first: AppProcess;
let second: AppProcess;

beforeAll(async () => {
  redis = await startRedis();
  marks = mkdtempSync(path.join(tmpdir(), "tradio-mcp-marks-"));
  const env = { TRADIO_TEST_MARKS: marks, TEST_PREFIX: "test:mcp" };
  [a, b] = await Promise.all([runApp(APP, ["--mcp", "--redis", redis.url], env), runApp(APP, ["--mcp", "--redis", redis.url], env)]);
  [first, second] = [a, b];
}, 240_000);
afterAll(async () => {
  await stopAll();
  await redis?.stop();
  rmSync(marks, { recursive: true, force: true });
});

interface Sent {
  to: "a" | "b";
  method: string;
  /** JSON-RPC methods in the body (POST). */
  rpc: string[];
  status: number;
  url: string;
}

/**
 * A client whose HTTP requests go to A and B in turn (or as `route` says), as a balancer without sticky
 * sessions would send them. `sent` records where each went and what it carried.
 */
function balanced(
  route?: (rpc: string[], n: number, method: string) => "a" | "b" | undefined,
  kind: "streamable" | "sse" = "streamable",
  [a, b]: [AppProcess, AppProcess] = [first, second],
  headers: Record<string, string> = {},
) {
  const sent: Sent[] = [];
  let n = 0;
  const fetchVia = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const rpc = typeof init?.body === "string" ? [JSON.parse(init.body)].flat().map((m: { method?: string }) => m.method ?? "response") : [];
    const to = route?.(rpc, n, init?.method ?? "GET") ?? (n % 2 === 0 ? "a" : "b");
    n++;
    const target = new URL(String(url).replace(a.url, to === "a" ? a.url : b.url));
    const res = await fetch(target, init);
    sent.push({ to, method: init?.method ?? "GET", rpc, status: res.status, url: String(target) });
    return res;
  };
  const client = new Client({ name: "balanced", version: "1.0.0" });
  const transport =
    kind === "streamable"
      ? new StreamableHTTPClientTransport(new URL(`${a.url}/gradio_api/mcp/`), { fetch: fetchVia, requestInit: { headers } })
      : new SSEClientTransport(new URL(`${a.url}/gradio_api/mcp/sse`), { fetch: fetchVia, requestInit: { headers } });
  return { client, transport, sent };
}

const text = (r: any) => (r.content as { type: string; text?: string }[]).filter((c) => c.type === "text").map((c) => c.text).join("\n");
const calls = (sent: Sent[], to: "a" | "b") => sent.filter((s) => s.to === to && s.rpc.includes("tools/call"));

describe("MCP sessions across processes", () => {
  it("serve one session's calls on both processes, with its state, and progress from either", { timeout: 120_000 }, async () => {
    const { client, transport, sent } = balanced();
    await client.connect(transport);
    try {
      const answers: string[] = [];
      for (const note of ["x", "y", "z", "w"]) answers.push(text(await client.callTool({ name: "predict", arguments: { command: `note:${note}` } })));
      // Each call saw the notes before it, wherever it was served.
      expect(answers.map((s) => s.split("@")[0])).toEqual(["x", "x,y", "x,y,z", "x,y,z,w"]);
      expect(calls(sent, "a").length).toBeGreaterThan(0);
      expect(calls(sent, "b").length).toBeGreaterThan(0);
      expect(sent.filter((s) => s.method === "POST").every((s) => s.status < 300)).toBe(true);
      // Progress notifications come back on whichever process served the call.
      for (let i = 0; i < 2; i++) {
        const notes: { message?: string }[] = [];
        await client.callTool({ name: "predict", arguments: { command: `sleep:300:p${i}` } }, undefined, { onprogress: (p) => notes.push(p) });
        expect(notes).toContainEqual(expect.objectContaining({ message: "half way" }));
      }
      expect(new Set(sent.filter((s) => s.rpc.includes("tools/call") && s.status === 200).slice(-2).map((s) => s.to)).size).toBe(2);
      // Another session starts with no notes.
      const other = balanced();
      await other.client.connect(other.transport);
      expect(text(await other.client.callTool({ name: "predict", arguments: { command: "note:q" } })).split("@")[0]).toBe("q");
      await other.client.close();
    } finally {
      await client.close();
    }
  });

  it("cancel a call from the other process than the one running it", { timeout: 120_000 }, async () => {
    // The call goes to B, everything else (its cancel included) to A.
    const { client, transport, sent } = balanced((rpc) => (rpc.includes("tools/call") ? "b" : "a"));
    await client.connect(transport);
    try {
      const controller = new AbortController();
      const call = client.callTool({ name: "predict", arguments: { command: "sleep:60000:c1" } }, undefined, { signal: controller.signal }).catch((e: unknown) => e);
      const started = () => readdirSync(marks).some((f) => f.startsWith("c1.") && f.endsWith(".started"));
      await expect.poll(started, { timeout: 30_000 }).toBe(true);
      controller.abort();
      await call;
      await expect.poll(() => readdirSync(marks).some((f) => f.startsWith("c1.") && f.endsWith(".aborted")), { timeout: 30_000 }).toBe(true);
      expect(sent.find((s) => s.rpc.includes("notifications/cancelled"))?.to).toBe("a");
    } finally {
      await client.close();
    }
  });

  it("end a session on every process when it is ended on one; an unknown session is refused on both", { timeout: 120_000 }, async () => {
    const { client, transport: t } = balanced();
    const transport = t as StreamableHTTPClientTransport;
    await client.connect(transport);
    const id = transport.sessionId!;
    await client.callTool({ name: "predict", arguments: { command: "note:1" } });
    await transport.terminateSession();
    await client.close();
    for (const app of [a, b]) {
      const res = await fetch(`${app.url}/gradio_api/mcp/`, {
        method: "POST",
        headers: { "mcp-session-id": id, "mcp-protocol-version": "2025-06-18", "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
      });
      expect(res.status).toBe(404);
      const forged = await fetch(`${app.url}/gradio_api/mcp/`, {
        method: "POST",
        headers: { "mcp-session-id": "00000000-0000-4000-8000-000000000000", "mcp-protocol-version": "2025-06-18", "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
      });
      expect(forged.status).toBe(404);
    }
    expect(existsSync(marks)).toBe(true);
  });

  it("pass an SSE session's messages posted to another process to the one holding its stream", { timeout: 120_000 }, async () => {
    // The stream is opened on A; every message is posted to B.
    const { client, transport, sent } = balanced((_rpc, _n, method) => (method === "GET" ? "a" : "b"), "sse");
    await client.connect(transport);
    try {
      const answers: string[] = [];
      for (const note of ["s1", "s2"]) answers.push(text(await client.callTool({ name: "predict", arguments: { command: `note:${note}` } })));
      expect(answers.map((s) => s.split("@")[0])).toEqual(["s1", "s1,s2"]);
      const notes: { message?: string }[] = [];
      await client.callTool({ name: "predict", arguments: { command: "sleep:300:sp" } }, undefined, { onprogress: (p) => notes.push(p) });
      expect(notes).toContainEqual(expect.objectContaining({ message: "half way" }));
      const controller = new AbortController();
      const call = client.callTool({ name: "predict", arguments: { command: "sleep:60000:sc" } }, undefined, { signal: controller.signal }).catch((e: unknown) => e);
      await expect.poll(() => readdirSync(marks).some((f) => f.startsWith("sc.") && f.endsWith(".started")), { timeout: 30_000 }).toBe(true);
      controller.abort();
      await call;
      await expect.poll(() => readdirSync(marks).some((f) => f.startsWith("sc.") && f.endsWith(".aborted")), { timeout: 30_000 }).toBe(true);
      const posts = sent.filter((x) => x.method === "POST");
      expect(posts.length).toBeGreaterThan(4);
      expect(posts.every((x) => x.to === "b" && x.status === 202)).toBe(true);
    } finally {
      await client.close();
    }
    // Its stream closed, the session is gone on every process.
    const endpoint = sent.filter((x) => x.method === "POST").at(-1)!.url;
    expect(endpoint).toMatch(/messages\?sessionId=[\w-]+$/);
    await expect
      .poll(async () => (await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }) })).status)
      .toBe(404);
  });

  it("with a login: a session is served on both processes to its own login only", { timeout: 240_000 }, async () => {
    const env = { TRADIO_TEST_MARKS: marks, TEST_PREFIX: "test:mcp-auth", TEST_AUTH: "1" };
    const pair = (await Promise.all([runApp(APP, ["--mcp", "--redis", redis.url], env), runApp(APP, ["--mcp", "--redis", redis.url], env)])) as [AppProcess, AppProcess];
    // A token made on each process, by a different login.
    const tokenOf = async (app: AppProcess, username: string, password: string) => {
      const res = await fetch(`${app.url}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `username=${username}&password=${password}` });
      const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      return (await (await fetch(`${app.url}/gradio_api/mcp/tokens`, { method: "POST", headers: { cookie } })).json()).token as string;
    };
    const [ada, bob] = [await tokenOf(pair[0], "ada", "lovelace1"), await tokenOf(pair[1], "bob", "builder12")];
    const { client, transport: t, sent } = balanced(undefined, "streamable", pair, { authorization: `Bearer ${ada}` });
    const transport = t as StreamableHTTPClientTransport;
    await client.connect(transport);
    try {
      for (const note of ["1", "2", "3"]) await client.callTool({ name: "predict", arguments: { command: `note:${note}` } });
      expect(new Set(sent.filter((x) => x.rpc.includes("tools/call")).map((x) => x.to)).size).toBe(2);
      const list = (app: AppProcess, headers: Record<string, string>) =>
        fetch(`${app.url}/gradio_api/mcp/`, {
          method: "POST",
          headers: { ...headers, "mcp-session-id": transport.sessionId!, "mcp-protocol-version": "2025-06-18", "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
        });
      for (const app of pair) {
        expect((await list(app, { authorization: `Bearer ${bob}` })).status).toBe(404);
        expect((await list(app, {})).status).toBe(401);
        const own = await list(app, { authorization: `Bearer ${ada}` });
        expect(own.status).toBe(200);
        await own.body?.cancel();
      }
    } finally {
      await client.close();
    }
  });
});
