// Starts Debian's redis-server (/usr/bin/redis-server; `apt-get install -y redis-server`) for a test: on a
// free loopback port, with its data in a temp folder of its own, stopped and removed by `stop()`.
// Data is written to an append-only file on every write, so `restart()` (and even `kill()` + `start`)
// keeps what was in it, as a Redis that a team runs would.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const REDIS_SERVER = process.env.TRADIO_REDIS_SERVER ?? "/usr/bin/redis-server";

export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Its data folder (removed by stop()). */
  readonly dir: string;
  /** The server's process id while it runs. */
  readonly pid: number | undefined;
  /** Stops it gracefully (SIGTERM) and starts it again on the same port with the same data. */
  restart(): Promise<void>;
  /** Stops it (SIGTERM), waiting until it has exited; `start()` brings it back on the same port with the same data. */
  halt(): Promise<void>;
  /** Starts it again after halt() or kill(). */
  start(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Stops it and removes its data folder. */
  stop(): Promise<void>;
}

/** A port nothing listens on now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Starts a redis-server; rejects (naming its output) if it is not ready within `timeoutMs`. `fsync`: when
 * its append-only file reaches the disk: "always" (tests: a restart or kill loses nothing), or "everysec"
 * (Redis's own default with the file on, what a team runs: benchmarks, where every write waiting for the
 * disk would be measured).
 */
export async function startRedis(opts: { timeoutMs?: number; fsync?: "always" | "everysec" } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), "tradio-redis-"));
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let port = await freePort();
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const args = [
      "--bind", "127.0.0.1",
      "--port", String(port),
      "--dir", dir,
      "--save", "",
      "--appendonly", "yes",
      "--appendfsync", opts.fsync ?? "always",
      "--protected-mode", "yes",
      "--daemonize", "no",
      "--logfile", "",
      "--loglevel", "notice",
      "--databases", "1",
    ];
    const proc = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill("SIGKILL");
        reject(new Error(`redis-server did not start within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Ready to accept connections/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout!.on("data", onData);
      proc.stderr!.on("data", onData);
      proc.once("error", (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${REDIS_SERVER}: ${err.message} (apt-get install -y redis-server)`));
      });
      proc.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${output}`));
      });
    });
    // Keep draining its output so a full pipe never blocks it.
    proc.stdout!.resume();
    proc.stderr!.resume();
  };

  const halt = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = undefined;
    if (!proc) return;
    const done = exited(proc);
    proc.kill(signal);
    await done;
  };

  // A port taken between freePort() and the start is retried on another one.
  for (let attempt = 0; ; attempt++) {
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 2 || !/Address already in use/.test(String(err))) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
      port = await freePort();
    }
  }

  return {
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dir,
    get pid() {
      return child?.pid;
    },
    async restart() {
      await halt("SIGTERM");
      await launch();
    },
    halt: () => halt("SIGTERM"),
    start: () => launch(),
    kill: () => halt("SIGKILL"),
    async stop() {
      await halt("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
