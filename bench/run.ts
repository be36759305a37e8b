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
  const child = fork(path.join(here, "servers", script), [String(port)], { execArgv: ["--import", tsx], stdio: "ignore" });
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

async function runRoute() {
  const rounds = 3;
  const tradio: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [script, into] of [["tradio-echo.ts", tradio], ["fastify-echo.ts", bare]] as const) {
      const s = startServer(script);
      const port = await s.ready;
      await rps(port, 1); // warm-up
      into.push(await rps(port, 4));
      s.child.kill();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const t = median(tradio);
  const b = median(bare);
  console.log(`run route: tradio ${t.toFixed(0)} req/s, bare Fastify ${b.toFixed(0)} req/s, ratio ${(t / b).toFixed(2)} (target >= 0.7)`);
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
    t.push(await timeToConfig("tradio-echo.ts"));
    b.push(await timeToConfig("fastify-echo.ts"));
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  console.log(
    `start-up to first 200 on /config: tradio ${median(t).toFixed(0)} ms, bare Fastify ${median(b).toFixed(0)} ms, ratio ${(median(t) / median(b)).toFixed(2)} (target <= 2)`,
  );
}

if (want("run")) await runRoute();
if (want("startup")) await startup();
