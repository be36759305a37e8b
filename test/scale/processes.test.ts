// `tradio app.ts --redis URL --processes 3`: three processes share the port (node:cluster), calls land on
// all of them with one state, a process killed with SIGKILL is replaced, and without Redis it refuses.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../redis-server.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
const app = path.join(root, "test", "fixtures", "scale-app.ts");

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

function cli(args: string[]): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const child = spawn(process.execPath, [tsx, path.join(root, "src", "cli.ts"), app, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const url = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Running on local URL:\s+(\S+)/.exec(out);
      if (m) resolve(m[1].replace(/\/$/, ""));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`tradio exited (${code}) before listening:\n${out}`)));
  });
  return { child, output: () => out, url };
}

async function call(base: string, text: string, session: string): Promise<{ pid: number; answer: string }> {
  // A new connection each time, so node:cluster may hand it to any process.
  const res = await fetch(`${base}/gradio_api/run/predict`, {
    method: "POST",
    headers: { "content-type": "application/json", connection: "close" },
    body: JSON.stringify({ data: [text, 1, null], session_hash: session }),
    signal: AbortSignal.timeout(15_000),
  });
  const json = (await res.json()) as { data: [string] };
  const [pid, answer] = json.data[0].split("|");
  return { pid: Number(pid), answer };
}

it("--processes 3 serves from three processes with one state, and replaces a killed one", { timeout: 240_000 }, async () => {
  const run = cli(["--port", "0", "--redis", redis.url, "--processes", "3"]);
  try {
    const base = await run.url;
    const pids = new Set<number>();
    // Until every process has run a call (one may still be starting when the first listens), at least 30.
    const started = Date.now();
    for (let i = 0; i < 30 || (pids.size < 3 && Date.now() - started < 60_000); i++) {
      const r = await call(base, `m${i}`, "one");
      pids.add(r.pid);
      expect(r.answer).toBe(Array.from({ length: i + 1 }, (_, k) => `m${k}`).join(","));
    }
    expect(pids.size).toBe(3);
    expect(run.output().match(/Running on local URL/g)).toHaveLength(1);

    const victim = [...pids][0];
    process.kill(victim, "SIGKILL");
    const deadline = Date.now() + 120_000;
    // Until the primary has seen the death, node:cluster may hand the dead process a new connection,
    // which then hangs until the client's timeout (15 s a call): calls wait for the primary's notice.
    while (!run.output().includes(`process ${victim} exited`)) {
      if (Date.now() > deadline) throw new Error(`the primary never reported process ${victim}'s death:\n${run.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const after = new Set<number>();
    // Calls keep being answered; a new process takes the dead one's place.
    for (let n = 0; after.size < 3 && Date.now() < deadline; n++) {
      // A call that still fails (a connection reset) is tried again, under a session of its own.
      const r = await call(base, "x", `s${n}-${process.hrtime.bigint()}`).catch(() => null);
      if (!r) continue;
      expect(r.answer).toBe("x");
      after.add(r.pid);
    }
    expect(after.has(victim)).toBe(false);
    expect(after.size).toBe(3);
  } finally {
    run.child.kill("SIGTERM");
    await new Promise((r) => (run.child.exitCode !== null ? r(null) : run.child.once("exit", r)));
  }
});

it("--processes 2 without Redis is refused with a message naming --redis", { timeout: 30_000 }, async () => {
  const run = cli(["--port", "0", "--processes", "2"]);
  const code = await new Promise<number | null>((r) => run.child.once("exit", r));
  expect(code).toBe(2);
  expect(run.output()).toMatch(/--processes 2 needs --redis/);
  await run.url.catch(() => undefined);
});
