// `npm run bench scale`: many processes on one Redis. Ratios against a baseline measured in this run.
//  - slot: a function holding its worker's single slot for 100 ms; 3 worker processes vs 1 behind one
//    web process (goal >= 2.7x, ideal 3);
//  - stream: Gradio's streaming load test (250 clients x 500 tokens at 100/s) through nginx round robin
//    to 3 processes, against the ideal 5.0 s (goal <= 1.3x).
import { fork, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis, type TestRedis } from "../test/redis-server.js";
import { startNginx } from "../test/scale/nginx.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.join(here, "..", "node_modules", "tsx", "dist", "loader.mjs");

// TRADIO_BENCH_PROF=<folder>: each streaming server writes a CPU profile there (node --cpu-prof) when it exits.
const prof = process.env.TRADIO_BENCH_PROF;

function start(mode: string, options: object): { child: ChildProcess; port: Promise<number> } {
  const profiling = prof && mode === "stream" ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : [];
  const child = fork(path.join(here, "servers", "scale-app.ts"), [mode, JSON.stringify(options)], { execArgv: ["--import", tsx, ...profiling], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`a bench process exited (${code})`)));
  });
  return { child, port };
}

/** CPU seconds a process not of ours (redis-server) has used so far, from /proc (0 where there is none). */
function procCpu(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 a second)
  } catch {
    return 0;
  }
}

/** CPU seconds of nginx (its master, whose pid is in its folder, and its worker). */
function nginxCpu(dir: string): number {
  try {
    const master = Number(readFileSync(path.join(dir, "nginx.pid"), "utf8"));
    const workers = readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          return Number(readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ")[1]) === master;
        } catch {
          return false;
        }
      });
    return procCpu(master) + workers.reduce((sum, d) => sum + procCpu(Number(d)), 0);
  } catch {
    return 0;
  }
}

/** CPU seconds a bench process has used so far. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const heard = (m: unknown) => {
      if (typeof (m as { cpu?: unknown })?.cpu !== "number") return;
      child.off("message", heard);
      resolve((m as { cpu: number }).cpu / 1e6);
    };
    child.on("message", heard);
    child.send("cpu");
  });
}

async function slotThroughput(workers: number, redisUrl: string, calls: number): Promise<number> {
  const web = start("slot", { redis: redisUrl, role: "web" });
  const ws = Array.from({ length: workers }, () => start("slot", { redis: redisUrl, role: "worker", workerConcurrency: 1 }));
  try {
    const port = await web.port;
    await Promise.all(ws.map((w) => w.port));
    const call = (i: number) =>
      fetch(`http://127.0.0.1:${port}/gradio_api/run/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: [`c${i}`] }) }).then((r) => r.json());
    await Promise.all(Array.from({ length: workers * 2 }, (_, i) => call(i))); // warm-up
    const t0 = performance.now();
    const out = (await Promise.all(Array.from({ length: calls }, (_, i) => call(i)))) as { data?: string[] }[];
    const seconds = (performance.now() - t0) / 1000;
    const ok = out.filter((o, i) => o.data?.[0] === `c${i}`).length;
    if (ok !== calls) throw new Error(`${calls - ok} of ${calls} calls failed`);
    return calls / seconds;
  } finally {
    for (const p of [web, ...ws]) p.child.kill();
  }
}

export async function scaleBench(): Promise<void> {
  const redis = await startRedis({ fsync: "everysec" });
  try {
    // TRADIO_BENCH_SCALE=stream: the streaming part only (for rounds comparing two builds).
    if (process.env.TRADIO_BENCH_SCALE !== "stream") {
      const one = await slotThroughput(1, redis.url, 60);
      const three = await slotThroughput(3, redis.url, 180);
      console.log(`scale, 100 ms calls on single-slot workers: 1 worker ${one.toFixed(1)} calls/s, 3 workers ${three.toFixed(1)} calls/s, ratio ${(three / one).toFixed(2)} (goal >= 2.7, ideal 3)`);
    }

    await streamThroughNginx(redis, "load.ts");
    await streamThroughNginx(redis, "sse.ts");
  } finally {
    await redis.stop();
  }
}

/** 250 streaming clients (`load.ts`: @gradio/client; `sse.ts`: lean sse_v3 over node:http) through nginx to 3 processes. */
async function streamThroughNginx(redis: TestRedis, clients: "load.ts" | "sse.ts"): Promise<void> {
  const procs = Array.from({ length: 3 }, () => start("stream", { redis: redis.url }));
  const ports = await Promise.all(procs.map((p) => p.port));
  const nginx = await startNginx(ports);
  const client = fork(path.join(here, "clients", clients), ["stream", nginx.url, "250"], { execArgv: ["--import", tsx], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const next = <T>() =>
      new Promise<T>((resolve, reject) => {
        client.once("message", (m) => resolve(m as T));
        client.once("exit", (code) => reject(new Error(`the load client exited (${code})`)));
      });
    await next<{ connected: number }>(); // every client connected: the measured part starts now
    const before = await Promise.all(procs.map((p) => cpuOf(p.child)));
    const redisBefore = procCpu(redis.pid);
    const nginxBefore = nginxCpu(nginx.dir);
    client.send("go");
    const r = await next<{ seconds: number; complete: number; cpu: number }>();
    const after = await Promise.all(procs.map((p) => cpuOf(p.child)));
    const servers = after.map((t, k) => t - before[k]);
    const total = servers.reduce((a, b) => a + b, 0);
    const who = clients === "sse.ts" ? "lean sse_v3 clients" : "@gradio/client clients";
    console.log(`scale, streaming load through nginx to 3 processes, 250 ${who} x 500 tokens at 100/s: ${r.seconds.toFixed(2)} s, ratio to the ideal 5.0 s ${(r.seconds / 5).toFixed(2)} (goal <= 1.3); ${r.complete}/250 complete`);
    // CPU seconds used while measured: steadier than the time when other jobs load the machine.
    console.log(
      `  CPU s: servers ${servers.map((c) => c.toFixed(2)).join(" + ")} = ${total.toFixed(2)} (${(total / r.seconds).toFixed(2)} cores), redis ${(procCpu(redis.pid) - redisBefore).toFixed(2)}, nginx ${(nginxCpu(nginx.dir) - nginxBefore).toFixed(2)}, clients ${r.cpu.toFixed(2)}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`,
    );
  } finally {
    client.kill();
    await nginx.stop();
    for (const p of procs) p.child.kill();
  }
}
