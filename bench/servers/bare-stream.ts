// The streaming benchmark's bare baseline, measured in the same run (as the run benchmark's bare Fastify
// route is): node:http and the same generators, speaking only what the lean clients (bench/clients/sse.ts)
// need of sse_v3 (join, the session's event stream, the first value whole and then append/replace diffs,
// the completion), with tradio's update budget (at most one update per stream per 50 ms, spread wider past
// 10 000 updates a second in the process). No queue, no checks but the body's shape, no files, no state,
// no limits. Sends { port } to the parent.
import { randomUUID } from "node:crypto";
import http from "node:http";
// tradio's update budget itself (a pure function of how many streams are generating), so both servers pace alike.
import { updateInterval } from "../../dist/runtime/job-runner.js";
import { tokens } from "./tokens.js";

let generating = 0;

interface Session {
  res: http.ServerResponse | null;
  pending: string[];
  open: number;
}
const sessions = new Map<string, Session>();
const sessionFor = (hash: string) => sessions.get(hash) ?? sessions.set(hash, { res: null, pending: [], open: 0 }).get(hash)!;
const send = (s: Session, message: unknown) => {
  const frame = `data: ${JSON.stringify(message)}\n\n`;
  if (s.res) s.res.write(frame);
  else s.pending.push(frame);
};

async function run(hash: string, s: Session, eventId: string, input: string) {
  send(s, { msg: "estimation", rank: 0, queue_size: 1, rank_eta: null, event_id: eventId });
  send(s, { msg: "process_starts", eta: null, event_id: eventId });
  generating++;
  const started = performance.now();
  let latest = "";
  let shown: string | null = null;
  let lastSent = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const data = shown === null ? latest : latest.startsWith(shown) ? [["append", [], latest.slice(shown.length)]] : [["replace", [], latest]];
    shown = latest;
    lastSent = performance.now();
    send(s, { msg: "process_generating", output: { data: [data], is_generating: true }, success: true, event_id: eventId });
  };
  for await (const text of tokens(input)) {
    latest = text;
    if (timer) continue;
    const wait = lastSent + updateInterval(generating) - performance.now();
    if (wait <= 0) flush();
    else timer = setTimeout(flush, wait);
  }
  if (timer) clearTimeout(timer);
  generating--;
  const duration = (performance.now() - started) / 1000;
  send(s, { msg: "process_completed", output: { data: [latest], is_generating: false, duration, average_duration: duration }, success: true, event_id: eventId });
  if (--s.open === 0) {
    send(s, { msg: "close_stream", event_id: null });
    s.res?.end();
    sessions.delete(hash);
  }
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (req.method === "POST" && url.pathname === "/gradio_api/queue/join") {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      let parsed: { data?: unknown; fn_index?: unknown; session_hash?: unknown };
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = {};
      }
      if (!Array.isArray(parsed.data) || parsed.fn_index !== 0 || typeof parsed.session_hash !== "string" || typeof parsed.data[0] !== "string") {
        res.writeHead(422, { "content-type": "application/json" }).end('{"detail":"bad request"}');
        return;
      }
      const eventId = randomUUID().replace(/-/g, "");
      const s = sessionFor(parsed.session_hash);
      s.open++;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ event_id: eventId }));
      void run(parsed.session_hash, s, eventId, parsed.data[0]);
    });
  } else if (req.method === "GET" && url.pathname === "/gradio_api/queue/data") {
    const hash = url.searchParams.get("session_hash");
    if (!hash) return void res.writeHead(422).end();
    const s = sessionFor(hash);
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    s.res = res;
    for (const frame of s.pending.splice(0)) res.write(frame);
    res.on("close", () => {
      if (s.res === res) s.res = null;
    });
  } else res.writeHead(404).end();
});
server.keepAliveTimeout = 75_000;
server.listen({ port: 0, host: "127.0.0.1", backlog: 2048 }, () => process.send!({ port: (server.address() as { port: number }).port }));
