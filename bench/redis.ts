// `npm run bench redis`: what a queue in Redis costs one call. The same echo app runs twice side by side,
// its queue in memory and in Redis (a local redis-server on loopback, one process doing both roles), and
// calls to /run/predict are made one at a time to each in alternating rounds; the figure is the median of
// the rounds' ratios of median latency.
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis } from "../test/redis-server.js";

const here = path.dirname(fileURLToPath(import.meta.url));

function startServer(args: string[]) {
  const child = fork(path.join(here, "servers", "tradio-echo.mjs"), ["0", ...args], { stdio: "ignore" });
  const ready = new Promise<number>((resolve, reject) => {
    child.once("message", (m: any) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`tradio-echo.mjs exited with ${code}`)));
  });
  return { child, ready };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Latencies in ms of `n` calls made one after another. */
async function latencies(port: number, n: number): Promise<number[]> {
  const out: number[] = [];
  const body = JSON.stringify({ data: ["hello, benchmark"] });
  for (let i = 0; i < n; i++) {
    const began = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/gradio_api/run/predict`, { method: "POST", headers: { "content-type": "application/json" }, body });
    if (res.status !== 200) throw new Error(`run/predict answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
    out.push(performance.now() - began);
  }
  return out;
}

export async function redisCost(): Promise<void> {
  let redis;
  try {
    redis = await startRedis({ fsync: "everysec" });
  } catch (err) {
    console.log(`redis: skipped (${(err as Error).message.split("\n")[0]})`);
    return;
  }
  const memory = startServer([]);
  const shared = startServer([redis.url]);
  try {
    const [mp, rp] = await Promise.all([memory.ready, shared.ready]);
    for (const port of [mp, rp, mp, rp]) await latencies(port, 200); // warm-up
    const ratios: number[] = [];
    const m: number[] = [];
    const r: number[] = [];
    for (let round = 0; round < 7; round++) {
      m.push(median(await latencies(mp, 300)));
      r.push(median(await latencies(rp, 300)));
      ratios.push(r[r.length - 1] / m[m.length - 1]);
    }
    console.log(
      `redis: run/predict p50 latency with the queue in Redis is ${median(ratios).toFixed(2)}x the in-memory queue's ` +
        `(${median(r).toFixed(2)} ms vs ${median(m).toFixed(2)} ms; one process, local redis-server, calls one at a time)`,
    );
  } finally {
    memory.child.kill();
    shared.child.kill();
    await redis.stop();
  }
}
