// Three tradio processes (child processes, each in a working folder of its own) on one Redis and one
// shared files folder, behind nginx round robin without sticky sessions.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis, type TestRedis } from "../redis-server.js";
import { startNginx, type TestNginx } from "./nginx.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const server = path.resolve(here, "../fixtures/scale-server.ts");
const tsx = import.meta.resolve("tsx");

export interface Proc {
  child: ChildProcess;
  port: number;
  cwd: string;
}

export interface Cluster {
  redis: TestRedis;
  nginx: TestNginx;
  procs: Proc[];
  filesDir: string;
  /** nginx's URL. */
  url: string;
  stop(): Promise<void>;
}

export async function startProcess(app: string, options: object, timeoutMs = 120_000): Promise<Proc> {
  const cwd = mkdtempSync(path.join(tmpdir(), "tradio-proc-"));
  const child = spawn(process.execPath, ["--import", tsx, server, app], {
    cwd,
    env: { ...process.env, TRADIO_TEST_OPTIONS: JSON.stringify(options) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`a tradio process did not listen within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`a tradio process exited (${code}):\n${out}`));
    });
  });
  return { child, port, cwd };
}

export async function stopProcess(p: Proc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) {
    const done = new Promise((r) => p.child.once("exit", r));
    p.child.kill("SIGTERM");
    await done;
  }
  rmSync(p.cwd, { recursive: true, force: true });
}

export async function startCluster(app: string, n = 3, options: object = {}): Promise<Cluster> {
  const redis = await startRedis();
  const filesDir = mkdtempSync(path.join(tmpdir(), "tradio-files-"));
  const procs: Proc[] = [];
  let nginx: TestNginx | undefined;
  const stop = async () => {
    await nginx?.stop();
    await Promise.all(procs.map(stopProcess));
    await redis.stop();
    rmSync(filesDir, { recursive: true, force: true });
  };
  try {
    procs.push(...(await Promise.all(Array.from({ length: n }, () => startProcess(app, { redis: redis.url, filesDir, ...options })))));
    nginx = await startNginx(procs.map((p) => p.port));
  } catch (err) {
    await stop();
    throw err;
  }
  return { redis, nginx, procs, filesDir, url: nginx.url, stop };
}
