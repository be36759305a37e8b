import { request } from "node:http";
import { Client } from "@gradio/client";
import type { Launched } from "../src/index.js";
import type { Graph } from "../src/graph/graph.js";
import { buildConfig } from "../src/protocol/config.js";
import { Runtime } from "../src/runtime/runtime.js";

/** Launches an interface on a free loopback port; `close()` in afterAll/finally. */
export async function start(iface: { launch(o: object): Promise<Launched> }, opts: object = {}): Promise<Launched & { base: string }> {
  const launched = await iface.launch({ port: 0, quiet: true, ...opts });
  return Object.assign(launched, { base: launched.url.replace(/\/$/, "") });
}

export function connect(base: string, opts: Parameters<typeof Client.connect>[1] = {}) {
  return Client.connect(base, opts);
}

export async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json: json as any, text };
}

export type RawAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A request whose path goes out byte for byte (fetch would normalise `..` and `%2e%2e` before sending). */
export function raw(
  base: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const prefix = url.pathname.replace(/\/$/, "");
    const req = request({ host: url.hostname, port: url.port, path: prefix + opts.path, method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

export const rawGet = (base: string, path: string) => raw(base, { path });

/** The `/config` an interface's page would get, built without a server (root "http://h" unless given). */
export async function configOf(iface: { graph: Graph }, root = "http://h"): Promise<any> {
  const runtime = new Runtime(iface.graph);
  return buildConfig(iface.graph, { root, showError: false, maxFileSize: null, username: null, authRequired: false, mcpServer: false }, { files: runtime.files, root, runtime });
}

/** A gate the test opens by hand, so ordering never depends on timing. */
export function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

/** An MCP `initialize` over Streamable HTTP from `from` (X-Forwarded-For): its status and the session it opened. */
export async function mcpInitialize(base: string, from: string): Promise<{ status: number; id: string | null }> {
  const r = await fetch(`${base}/gradio_api/mcp/`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "x-forwarded-for": from },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "flood", version: "1" } } }),
  });
  await r.text();
  return { status: r.status, id: r.headers.get("mcp-session-id") };
}
