// Clients of the flood benchmark, one process each.
//   flood <base> <first> <count> <addresses>: POSTs <count> queue joins, each with its own session_hash,
//     whose event streams are never opened, spread over <addresses> X-Forwarded-For addresses (the server
//     trusts its proxy), 64 requests in flight; reports how they were answered.
//   probe <base>: GET /config one after another, every 20 ms, until told to stop; reports the latencies.
import { Agent, request } from "node:http";

const [mode, base] = process.argv.slice(2);
const url = new URL(base);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

if (mode === "flood") {
  const [first, count, addresses] = process.argv.slice(4).map(Number);
  const tally: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = first + next++;
      const body = JSON.stringify({ data: [`flood ${i}`], fn_index: 0, session_hash: `flood${i}` });
      const a = i % addresses;
      const address = `10.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}`;
      const status = await send("POST", "/gradio_api/queue/join", { "content-type": "application/json", "x-forwarded-for": address }, body);
      tally[status] = (tally[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  agent.destroy();
  process.send?.({ tally, seconds: (performance.now() - started) / 1000 }, () => process.exit(0));
} else if (mode === "probe") {
  const latencies: number[] = [];
  let stop = false;
  process.on("message", (m) => m === "stop" && (stop = true));
  await send("GET", "/config", {}); // connected and warm before the measured period starts
  process.send?.({ ready: true });
  while (!stop) {
    const t = performance.now();
    await send("GET", "/config", {});
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  }
  agent.destroy();
  process.send?.({ latencies }, () => process.exit(0));
}
