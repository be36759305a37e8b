// A lean load generator for the streaming benchmarks: the sse_v3 protocol spoken over node:http (one
// join and one event stream per session, every message parsed and its diffs applied), for runs where
// @gradio/client's own cost (fetch and web streams: about 100 µs per message) would make its process,
// not the server, what is measured. Same messages to and from the parent as `load.ts stream`.
import http from "node:http";

const [, base, countArg] = process.argv.slice(2);
const count = Number(countArg);
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function join(session: string): Promise<string> {
  const body = JSON.stringify({ data: ["go"], fn_index: 0, session_hash: session });
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: `${url.pathname.replace(/\/$/, "")}/gradio_api/queue/join`, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text).event_id) : reject(new Error(`join: ${res.statusCode} ${text}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

type Diff = [op: string, path: unknown[], value: unknown][];

/** The text output's diffs (this benchmark's app has one text output, so only whole-value edits occur). */
function apply(value: string, diff: Diff): string {
  for (const [op, where, v] of diff) {
    if (where.length > 0) throw new Error(`unexpected nested diff ${JSON.stringify(diff)}`);
    if (op === "replace") value = v as string;
    else if (op === "append") value += v as string;
    else throw new Error(`unexpected diff op ${op}`);
  }
  return value;
}

/** Streams one call to its end; resolves with its final text, or null when it failed or its updates did not lead to it. */
async function call(i: number): Promise<string | null> {
  const session = `sse${i}${Math.random().toString(36).slice(2)}`;
  const eventId = await join(session);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: url.hostname, port: url.port, path: `${url.pathname.replace(/\/$/, "")}/gradio_api/queue/data?session_hash=${session}`, agent }, (res) => {
      let buffered = "";
      let value: string | null = null;
      let updates = 0;
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffered += chunk;
        for (let end = buffered.indexOf("\n\n"); end >= 0; end = buffered.indexOf("\n\n")) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          if (!frame.startsWith("data: ")) continue;
          const m = JSON.parse(frame.slice(6));
          if (m.event_id !== eventId) continue;
          if (m.msg === "process_generating") {
            const d = m.output.data[0];
            value = value === null ? d : apply(value, d);
            updates++;
          } else if (m.msg === "process_completed") {
            req.destroy();
            const final: string = m.output?.data?.[0];
            resolve(m.success && updates > 1 && value !== null && final.startsWith(value) ? final : null);
          }
        }
      });
      res.on("error", reject);
      res.on("end", () => reject(new Error("stream ended before the call completed")));
    });
    req.on("error", reject);
  });
}

process.send?.({ connected: count });
await new Promise((go) => process.once("message", go));
const started = performance.now();
const cpu = process.cpuUsage();
const results = await Promise.all(Array.from({ length: count }, (_, i) => call(i).catch(() => null)));
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
const complete = results.filter((r) => typeof r === "string" && r.endsWith("t499 ")).length;
process.send?.({ seconds, complete, cpu: (used.user + used.system) / 1e6 });
