// `npm run bench`: each figure is a ratio against a baseline measured in the same run, because these
// machines are noisy. Servers run in child processes; the load generator runs here, over loopback.
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.join(here, "..", "node_modules", "tsx", "dist", "loader.mjs");
if (!existsSync(path.join(here, "..", "dist", "index.js"))) {
  console.error("Run `npm run build` first (bench measures the built package).");
  process.exit(1);
}
const which = new Set(process.argv.slice(2));
const want = (name: string) => which.size === 0 || which.has(name);

function startServer(script: string, port = 0) {
  // Plain JavaScript servers, run by node alone: no TypeScript loader in the measurements.
  const child = fork(path.join(here, "servers", script), [String(port)], { stdio: "ignore" });
  const ready = new Promise<number>((resolve, reject) => {
    child.once("message", (m: any) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, ready };
}

async function rps(port: number, seconds: number): Promise<number> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/gradio_api/run/predict`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ data: ["hello, benchmark"] }),
    connections: 32,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`benchmark saw ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  return result.requests.average;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Both servers run side by side and are measured in alternation, several short rounds each after a
 * JIT warm-up, so drift in the machine's speed hits both alike; the figure is the median of the
 * per-round ratios.
 */
async function runRoute() {
  const tradio = startServer("tradio-echo.mjs");
  const bare = startServer("fastify-echo.mjs");
  const [tp, bp] = await Promise.all([tradio.ready, bare.ready]);
  try {
    for (const port of [tp, bp, tp, bp]) await rps(port, 2); // warm-up: let the JIT settle
    const ratios: number[] = [];
    const t: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < 6; round++) {
      t.push(await rps(tp, 2));
      b.push(await rps(bp, 2));
      ratios.push(t[t.length - 1] / b[b.length - 1]);
    }
    console.log(
      `run route: tradio ${median(t).toFixed(0)} req/s, bare Fastify ${median(b).toFixed(0)} req/s, ratio ${median(ratios).toFixed(2)} (median of ${ratios.length} alternating rounds; target >= 0.7)`,
    );
  } finally {
    tradio.child.kill();
    bare.child.kill();
  }
}

async function timeToConfig(script: string): Promise<number> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const started = performance.now();
  const s = startServer(script, port);
  s.ready.catch(() => {});
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/config`);
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const ms = performance.now() - started;
  s.child.kill();
  return ms;
}

async function startup() {
  const runs = 5;
  const t: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    t.push(await timeToConfig("tradio-echo.mjs"));
    b.push(await timeToConfig("fastify-echo.mjs"));
  }
  console.log(
    `start-up to first 200 on /config: tradio ${median(t).toFixed(0)} ms, bare Fastify ${median(b).toFixed(0)} ms, ratio ${(median(t) / median(b)).toFixed(2)} (target <= 2)`,
  );
}

function forkClient(args: string[]) {
  return fork(path.join(here, "clients", "load.ts"), args, { execArgv: ["--import", tsx], stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

function nextMessage<T>(child: import("node:child_process").ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once("message", (m) => resolve(m as T));
    child.once("exit", (code) => reject(new Error(`process exited with ${code}`)));
  });
}

function startQueueApp(mode: string) {
  const child = fork(path.join(here, "servers", "queue-app.ts"), [mode], { execArgv: ["--import", tsx], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return { child, ready: nextMessage<{ port: number; rss: number }>(child) };
}

/** Gradio's load test: every client streams 500 tokens at 100 tokens/s; ideal 5.0 s. */
async function streamLoad(clients: number, target: number) {
  const server = startQueueApp("stream");
  const { port } = await server.ready;
  const client = forkClient(["stream", `http://127.0.0.1:${port}`, String(clients)]);
  try {
    const r = await nextMessage<{ seconds: number; complete: number }>(client);
    console.log(
      `streaming load, ${clients} clients x 500 tokens at 100/s: ${r.seconds.toFixed(2)} s, ratio to the ideal 5.0 s ${(r.seconds / 5).toFixed(2)} (target <= ${target}); ${r.complete}/${clients} complete`,
    );
  } finally {
    client.kill();
    server.child.kill();
  }
}

/** 1000 jobs of 20 ms at concurrency 4: ideal 5.0 s. */
async function drain() {
  const server = startQueueApp("drain");
  const { port } = await server.ready;
  const client = forkClient(["drain", `http://127.0.0.1:${port}`, "1000"]);
  try {
    const r = await nextMessage<{ seconds: number; p50: number; p99: number; jobs: number }>(client);
    console.log(
      `drain, 1000 jobs of 20 ms at concurrency 4: ${r.seconds.toFixed(2)} s, ratio to the ideal 5.0 s ${(r.seconds / 5).toFixed(2)} (target <= 1.1); overhead per job p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`,
    );
  } finally {
    client.kill();
    server.child.kill();
  }
}

/** Resident memory per connected client holding an open stream (a waiting job each). */
async function idleMemory(clients: number) {
  const server = startQueueApp("idle");
  const { port, rss: before } = await server.ready;
  const client = forkClient(["idle", `http://127.0.0.1:${port}`, String(clients)]);
  try {
    await nextMessage(client);
    server.child.send("rss");
    const { rss } = await nextMessage<{ rss: number }>(server.child);
    console.log(`memory: ${(((rss - before) / clients) / 1024).toFixed(1)} KiB resident per connected client with an open stream (${clients} clients; ${(before / 1048576).toFixed(0)} MiB at start)`);
  } finally {
    client.kill();
    server.child.kill();
  }
}

if (want("run")) await runRoute();
if (want("startup")) await startup();
if (want("page")) await import("./page.js");
if (want("queue") || which.has("stream")) {
  await streamLoad(250, 1.2);
  await streamLoad(1000, 2);
}
if (want("queue") || which.has("drain")) await drain();
if (want("queue") || which.has("memory")) await idleMemory(1000);
if (want("interpret")) await import("./interpretation.js");
if (which.has("scale")) await (await import("./scale.js")).scaleBench();
if (want("redis")) await (await import("./redis.js")).redisCost();
