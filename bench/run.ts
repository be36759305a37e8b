// `npm run bench`: each figure is a ratio against a baseline measured in the same run, because these
// machines are noisy. Servers run in child processes; the load generator runs here, over loopback.
import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
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
  return result.requests.total;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Starts `tradio <app>` as a user would, on a free port, and waits until it answers. */
async function startCli(app: string) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(here, "..", "dist", "cli.js"), path.join(here, "servers", app), "--port", String(port)], { stdio: "ignore" });
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`tradio ${app} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/config`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (tries > 1000) throw new Error(`tradio ${app} did not start`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, port };
}

/** Pins processes to the last CPU with taskset (Linux), if there is one; says whether it did. */
function pin(pids: number[]): boolean {
  const cpu = Math.max(0, (globalThis.navigator?.hardwareConcurrency ?? 1) - 1);
  try {
    for (const pid of pids) execFileSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
    s.once("error", reject);
  });
}

/**
 * tradio launched through its CLI against a bare Fastify route doing the same work, measured in
 * alternation (several short rounds after a JIT warm-up, so drift in the machine's speed hits both
 * alike). Two figures: requests per second, and requests per CPU second of the server process, which
 * other load on the machine disturbs far less (it is the throughput each would reach on a CPU of its own).
 */
async function runRoute() {
  const tradio = await startCli("tradio-echo-app.mjs");
  const bare = startServer("fastify-echo.mjs");
  const bp = await bare.ready;
  const servers = [
    { port: tradio.port, pid: tradio.child.pid!, rps: [] as number[], perCpu: [] as number[] },
    { port: bp, pid: bare.child.pid!, rps: [] as number[], perCpu: [] as number[] },
  ];
  const seconds = 3;
  try {
    for (const s of [...servers, ...servers]) await rps(s.port, 2); // warm-up: let the JIT settle
    const rpsRatios: number[] = [];
    const cpuRatios: number[] = [];
    for (let round = 0; round < 6; round++) {
      for (const s of servers) {
        const cpu = cpuSeconds(s.pid);
        const n = await rps(s.port, seconds);
        s.rps.push(n / seconds);
        s.perCpu.push(n / (cpuSeconds(s.pid) - cpu));
      }
      rpsRatios.push(servers[0].rps[round] / servers[1].rps[round]);
      cpuRatios.push(servers[0].perCpu[round] / servers[1].perCpu[round]);
    }
    // Both loaded at once, pinned to the same CPU: a change in the machine's speed hits both in the same
    // instant, so the ratio of CPU per request holds even when the absolute figures swing from minute to minute.
    const simultaneous: number[] = [];
    const pinned = pin(servers.map((s) => s.pid));
    for (let round = 0; round < 6; round++) {
      const cpu = servers.map((s) => cpuSeconds(s.pid));
      const counts = await Promise.all(servers.map((s) => rps(s.port, seconds)));
      const perCpu = servers.map((s, i) => counts[i] / (cpuSeconds(s.pid) - cpu[i]));
      simultaneous.push(perCpu[0] / perCpu[1]);
    }
    const [t, b] = servers;
    console.log(
      `run route (tradio through its CLI vs bare Fastify, median of ${rpsRatios.length} alternating rounds; target >= 0.85):\n` +
        `  requests per CPU second: tradio ${median(t.perCpu).toFixed(0)}, bare ${median(b.perCpu).toFixed(0)}, ratio ${median(cpuRatios).toFixed(2)}\n` +
        `  requests per second:     tradio ${median(t.rps).toFixed(0)}, bare ${median(b.rps).toFixed(0)}, ratio ${median(rpsRatios).toFixed(2)}\n` +
        `  requests per CPU second, both loaded at once${pinned ? " on one CPU" : ""}: ratio ${median(simultaneous).toFixed(2)} (rounds ${simultaneous.map((r) => r.toFixed(2)).join(", ")})`,
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

function forkClient(args: string[], file = "load.ts") {
  return fork(path.join(here, "clients", file), args, { execArgv: ["--import", tsx], stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

function nextMessage<T>(child: import("node:child_process").ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`process exited with ${code}`));
    child.once("exit", exited);
    child.once("message", (m) => {
      child.off("exit", exited);
      resolve(m as T);
    });
  });
}

function startQueueApp(mode: string) {
  const child = fork(path.join(here, "servers", "queue-app.ts"), [mode], { execArgv: ["--import", tsx], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return { child, ready: nextMessage<{ port: number; rss: number }>(child) };
}

/**
 * Gradio's load test: every client streams 500 tokens at 100 tokens/s; ideal 5.0 s. The clients are
 * @gradio/client instances, or (`lean`) sse_v3 spoken over node:http, whose process costs a fifth as much.
 */
async function streamLoad(clients: number, target: number, lean = false) {
  const r = await streamRun(startQueueApp("stream"), clients, lean);
  console.log(
    `streaming load, ${r.connected} ${lean ? "lean sse_v3 clients" : "@gradio/client clients"} x 500 tokens at 100/s: ${r.seconds.toFixed(2)} s, ratio to the ideal 5.0 s ${(r.seconds / 5).toFixed(2)} (target <= ${target}); ${r.complete}/${clients} complete; ` +
      `CPU busy: server ${r.serverBusy}%, clients ${r.clientBusy}% of one core`,
  );
}

/** One streaming run: the clients connect, then all start at once; the time until the last completes. */
async function streamRun(server: { child: ChildProcess; ready: Promise<{ port: number }> }, clients: number, lean: boolean) {
  const { port } = await server.ready;
  const client = forkClient(["stream", `http://127.0.0.1:${port}`, String(clients)], lean ? "sse.ts" : "load.ts");
  try {
    // CPU of each side over the measured part, so a slow run shows whether the server or the clients were short of CPU.
    const connected = await nextMessage<{ connected: number }>(client);
    const cpu0 = [cpuSeconds(server.child.pid!), cpuSeconds(client.pid!)];
    client.send("go");
    const r = await nextMessage<{ seconds: number; complete: number }>(client);
    const [serverCpu, clientCpu] = [cpuSeconds(server.child.pid!) - cpu0[0], cpuSeconds(client.pid!) - cpu0[1]];
    const busy = (cpu: number) => ((100 * cpu) / r.seconds).toFixed(0);
    return { connected: connected.connected, seconds: r.seconds, complete: r.complete, serverBusy: busy(serverCpu), clientBusy: busy(clientCpu) };
  } finally {
    client.kill();
    server.child.kill();
  }
}

/**
 * The lean 1000-stream run against a bare node:http server running the same generators with the same
 * update budget (servers/bare-stream.ts), alternating with tradio: what tradio's queue, checks and
 * protocol cost, as a ratio measured in the same run, whatever the machine's speed that day.
 */
async function streamVsBare(clients: number, rounds: number) {
  const ratios: string[] = [];
  const times: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const app = await streamRun(startQueueApp("stream"), clients, true);
    const bare = await streamRun(startBareStream(), clients, true);
    if (app.complete !== clients || bare.complete !== clients) throw new Error(`incomplete streams: tradio ${app.complete}, bare ${bare.complete} of ${clients}`);
    ratios.push((app.seconds / bare.seconds).toFixed(2));
    times.push(`${app.seconds.toFixed(2)}/${bare.seconds.toFixed(2)} s (servers ${app.serverBusy}%/${bare.serverBusy}%)`);
  }
  console.log(`streaming load, ${clients} lean sse_v3 clients, tradio vs a bare node:http sse_v3 server with the same generators and update budget: ratio ${ratios.join(", ")} (${times.join("; ")})`);
}

function startBareStream() {
  const child = fork(path.join(here, "servers", "bare-stream.ts"), [], { execArgv: ["--import", tsx], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return { child, ready: nextMessage<{ port: number }>(child) };
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

/** Sorted copy's p-th percentile. */
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/**
 * An attacker's flood: 20 000 queue joins with distinct session hashes whose event streams never open,
 * from 4 client processes standing for 200 addresses (X-Forwarded-For, the server trusts its proxy), so
 * the per-address bound does not simply stop them. Measured while it drains: the server's resident memory
 * and GET /config latency, each against the same server idle, in the same run.
 */
async function flood() {
  const total = 20_000;
  const processes = 4;
  const addresses = 200;
  const server = fork(path.join(here, "servers", "flood-app.ts"), [], { execArgv: ["--import", tsx], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const stats = () => {
    const next = nextMessage<{ rss: number; peak: number; calls: number; loopMaxMs: number; loopP99Ms: number; cpuMs: number }>(server);
    server.send("stats");
    return next;
  };
  const probeFor = async (port: number, during: () => Promise<void>) => {
    const probe = fork(path.join(here, "clients", "flood.ts"), ["probe", `http://127.0.0.1:${port}`], { execArgv: ["--import", tsx], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    await nextMessage(probe);
    const report = nextMessage<{ latencies: number[] }>(probe);
    await during();
    probe.send("stop");
    return (await report).latencies;
  };
  try {
    const { port } = await nextMessage<{ port: number }>(server);
    const base = `http://127.0.0.1:${port}`;
    // Idle: the same probe on the same server, warmed up, with nothing else going on.
    const idle = await probeFor(port, () => new Promise((r) => setTimeout(r, 3000)));
    const { rss: idleRss, cpuMs: cpuBefore } = await stats();
    server.send("reset-peak");
    const tally: Record<string, number> = {};
    let flooded = 0;
    const started = performance.now();
    let drained = 0;
    let ran = 0;
    const busy = await probeFor(port, async () => {
      const clients = Array.from({ length: processes }, (_, k) =>
        fork(path.join(here, "clients", "flood.ts"), ["flood", base, String((k * total) / processes), String(total / processes), String(addresses)], {
          execArgv: ["--import", tsx],
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        }),
      );
      const reports = await Promise.all(clients.map((c) => nextMessage<{ tally: Record<string, number>; seconds: number }>(c)));
      flooded = (performance.now() - started) / 1000;
      for (const r of reports) for (const [status, n] of Object.entries(r.tally)) tally[status] = (tally[status] ?? 0) + n;
      // Drained: every accepted call has run, or none has run for 3 s (the rest were abandoned: their
      // streams never opened within attachTimeout).
      const accepted = tally["200"] ?? 0;
      let last = -1;
      let still = 0;
      for (let i = 0; i < 2400 && still < 30; i++) {
        const { calls } = await stats();
        ran = calls;
        if (calls >= accepted) break;
        still = calls === last ? still + 1 : 0;
        last = calls;
        await new Promise((r) => setTimeout(r, 100));
      }
      drained = (performance.now() - started) / 1000;
    });
    const { peak, loopMaxMs, loopP99Ms, cpuMs } = await stats();
    const mb = (b: number) => (b / 1048576).toFixed(0);
    const answered = Object.entries(tally).map(([status, n]) => `${n} × ${status}`).join(", ");
    console.log(
      `flood: ${total} queue joins with distinct session hashes, streams never opened, from ${processes} processes as ${addresses} X-Forwarded-For addresses (trustProxy): ${answered}; sent in ${flooded.toFixed(1)} s; ${ran} calls ran, ${(tally["200"] ?? 0) - ran} were abandoned unattached; drained in ${drained.toFixed(1)} s`,
    );
    console.log(`  resident memory: peak ${mb(peak)} MB while flooded and draining, idle ${mb(idleRss)} MB, ratio ${(peak / idleRss).toFixed(2)} (target: peak < 300 MB)`);
    console.log(
      `  GET /config: p50 ${percentile(busy, 50).toFixed(1)} ms, p99 ${percentile(busy, 99).toFixed(1)} ms, max ${Math.max(...busy).toFixed(0)} ms while flooded and draining (${busy.length} probes); idle p50 ${percentile(idle, 50).toFixed(1)} ms, p99 ${percentile(idle, 99).toFixed(1)} ms; ratio of p99s ${(percentile(busy, 99) / percentile(idle, 99)).toFixed(1)} (target: p99 < 100 ms)`,
    );
    // A loaded machine delays a process that has little to do: the CPU time the server used tells them apart.
    console.log(
      `  the server's event loop: delay p99 ${loopP99Ms.toFixed(0)} ms, max ${loopMaxMs.toFixed(0)} ms; the server used ${((cpuMs - cpuBefore) / 1000).toFixed(1)} s of CPU in the ${drained.toFixed(0)} s of flood and drain (${(((cpuMs - cpuBefore) / 1000 / drained) * 100).toFixed(0)}% of one core)`,
    );
  } finally {
    server.kill();
  }
}

if (want("run")) await runRoute();
if (want("startup")) await startup();
if (want("page")) await import("./page.js");
if (want("queue") || which.has("stream")) {
  await streamLoad(250, 1.2);
  await streamLoad(1000, 1.3);
  await streamLoad(1000, 1.3, true);
  await streamVsBare(1000, 2);
}
if (want("queue") || which.has("drain")) await drain();
if (want("queue") || which.has("memory")) await idleMemory(1000);
if (want("interpret")) await import("./interpretation.js");
if (want("flood")) await flood();
if (want("bodies")) await import("./bodies.js");
if (which.has("scale")) await (await import("./scale.js")).scaleBench();
if (want("redis")) await (await import("./redis.js")).redisCost();
