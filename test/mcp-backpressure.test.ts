// An agent on the MCP SSE transport that stops reading its stream: past MAX_BACKLOG_BYTES of unread
// results the stream is cut and the session ends, instead of the server holding every result.
import { get, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { MAX_BACKLOG_BYTES } from "../src/server/channels.js";
import { post, start } from "./helpers.js";

const MB = 1_000_000;
let app: Awaited<ReturnType<typeof start>>;
beforeAll(async () => {
  const iface = new tr.Interface({ fn: (what: string) => `${what}:${"z".repeat(6 * MB)}`, inputs: new tr.Textbox({ label: "what" }), outputs: "text", concurrencyLimit: null });
  app = await start(iface, { mcpServer: true });
});
afterAll(async () => app?.close());

it("cuts the SSE stream of an agent that does not read its tools' results, and ends its session", { timeout: 60_000 }, async () => {
  // Open the stream and read only its first event, which names where to post messages.
  let res!: IncomingMessage;
  const endpoint = await new Promise<string>((resolve, reject) => {
    get(`${app.base}/gradio_api/mcp/sse`, (r) => {
      res = r;
      let text = "";
      r.setEncoding("utf8");
      const onData = (d: string) => {
        text += d;
        const m = /event: endpoint\ndata: (\S+)/.exec(text);
        if (m) {
          r.off("data", onData);
          r.pause();
          resolve(m[1]);
        }
      };
      r.on("data", onData);
    }).on("error", reject);
  });
  const url = new URL(endpoint, app.base);
  const send = (message: object) => post(app.base, url.pathname + url.search, message);
  expect((await send({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2024-11-05", capabilities: {}, clientInfo: { name: "stalled", version: "1" } } })).status).toBe(202);
  await send({ jsonrpc: "2.0", method: "notifications/initialized" });
  const calls = Math.ceil(MAX_BACKLOG_BYTES / (6 * MB)) + 3;
  for (let i = 1; i <= calls; i++) await send({ jsonrpc: "2.0", id: i, method: "tools/call", params: { name: "predict", arguments: { what: `call ${i}` } } });
  // Cut: the session is gone, so its messages are refused; nothing more is held for it.
  let status = 0;
  for (let i = 0; i < 200 && status !== 404; i++) {
    status = (await send({ jsonrpc: "2.0", method: "notifications/initialized" })).status;
    if (status !== 404) await new Promise((r) => setTimeout(r, 100));
  }
  expect(status).toBe(404);
  res.destroy();
  // The app serves others meanwhile.
  expect((await post(app.base, "/gradio_api/run/predict", { data: ["next"] })).json.data[0]).toMatch(/^next:/);
});
