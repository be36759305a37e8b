import cluster, { type Worker } from "node:cluster";
import { OptionError, TradioFailure } from "../core/errors.js";

/** What launch() returns for a cluster's primary (a `Launched` whose `server` throws: it serves nothing). */
export interface ClusterLaunched {
  url: string;
  port: number;
  readonly server: never;
  close(): Promise<void>;
  pids: () => number[];
}

/** What a forked process tells the primary once it listens, or when its launch failed. */
type Report = { tradio: "listening"; url: string; port: number } | { tradio: "failed"; message: string };

/** Whether this process is one of the processes a `processes: N` launch forked. */
export function isClusterChild(): boolean {
  return cluster.isWorker && process.env.TRADIO_CLUSTER_CHILD === "1";
}

/** Tells the primary how this process's launch went (nothing outside a cluster). */
export function reportToPrimary(report: Report): void {
  if (isClusterChild() && process.send) process.send(report);
}

/** A crash this soon after a start counts as a failing start: the restart waits, doubling up to 10 s. */
const QUICK_CRASH_MS = 2_000;

/**
 * The primary of `launch({ processes: N })` / `tradio app.ts --processes N`: forks N processes that run
 * the same program and share the port (node:cluster hands incoming connections to them in turn), and
 * starts a new one whenever one dies. It serves nothing itself. Every process must share state through
 * Redis, since consecutive requests of one client land on different processes.
 */
export async function launchCluster(processes: number, redis: string | undefined, quiet: boolean): Promise<ClusterLaunched> {
  if (!Number.isInteger(processes) || processes < 1) throw new OptionError("TR_ERR_OPTION_INVALID", `launch: processes must be a positive integer, got ${processes}`);
  if (!redis) {
    throw new OptionError("TR_ERR_OPTION_CONFLICT", `launch: processes: ${processes} needs redis (launch({ redis }), --redis or TRADIO_REDIS_URL): the processes share the queue, state and logins through it`);
  }
  let closing = false;
  const workers = new Set<Worker>();
  let delay = 100;

  const fork = (): Promise<{ url: string; port: number }> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ TRADIO_CLUSTER_CHILD: "1", TRADIO_REDIS_URL: redis });
      workers.add(worker);
      const started = Date.now();
      let ready = false;
      worker.on("message", (m: Report) => {
        if (m?.tradio === "listening") {
          ready = true;
          resolve({ url: m.url, port: m.port });
        } else if (m?.tradio === "failed") reject(new TradioFailure("TR_ERR_INTERNAL", `a forked process could not launch the app: ${m.message}`));
      });
      worker.on("exit", (code, signal) => {
        workers.delete(worker);
        if (!ready) reject(new TradioFailure("TR_ERR_INTERNAL", `a forked process exited (${signal ?? code}) before it listened`));
        if (closing || !ready) return;
        // A crash: a new process takes its place (later, if it keeps crashing at start).
        delay = Date.now() - started < QUICK_CRASH_MS ? Math.min(delay * 2, 10_000) : 100;
        if (!quiet) console.error(`tradio: process ${worker.process.pid} exited (${signal ?? code}); starting another`);
        setTimeout(() => {
          if (!closing) fork().catch((err) => console.error(`tradio: ${(err as Error).message}`));
        }, delay).unref();
      });
    });

  const stop = async () => {
    closing = true;
    await Promise.all(
      [...workers].map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            w.once("exit", () => resolve());
            w.kill("SIGTERM");
          }),
      ),
    );
  };

  let first: { url: string; port: number };
  try {
    const all = await Promise.all(Array.from({ length: processes }, fork));
    first = all[0];
  } catch (err) {
    await stop();
    throw err;
  }
  if (!quiet) console.log(`Running on local URL:  ${first.url}  (${processes} processes)`);
  const onSignal = () => void stop().then(() => process.exit(0));
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return {
    url: first.url,
    port: first.port,
    get server(): never {
      throw new TradioFailure("TR_ERR_CALL", "launch: with processes > 1 the app is served by forked processes; this one has no server");
    },
    pids: () => [...workers].map((w) => w.process.pid!).filter(Boolean),
    close: async () => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      await stop();
    },
  };
}
