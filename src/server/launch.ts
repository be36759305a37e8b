import { isIP } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import type { Graph } from "../graph/graph.js";
import type { QueueOptions, RedisOptions, Scheduler } from "../queue/scheduler.js";
import { drainGraceMs } from "../queue/drain.js";
import { MOUNT_KINDS, mountApp, type MountOptions } from "./mount.js";
import { checkOptions, describe, isPositive } from "../core/options.js";
import { OptionError } from "../core/errors.js";
import { isClusterChild, launchCluster, reportToPrimary } from "./cluster.js";
import { ROLES, type Role } from "../queue/scheduler.js";
import { shownUrl } from "../queue/redis-url.js";

/**
 * Connections the kernel holds for the server before it accepts them (capped by net.core.somaxconn).
 * Node's default, 511, overflows when a thousand people connect at once: the rest of their SYNs are
 * dropped and retried a second later. 2048 is uvicorn's default, what Gradio's server listens with.
 */
const LISTEN_BACKLOG = 2048;

/** `launch()`'s options: where to listen, and everything `mountApp()` takes (one list, checked once). */
export interface LaunchOptions extends Omit<MountOptions, "prefix"> {
  /** Default 7860, or env TRADIO_SERVER_PORT; 0 picks any free port. */
  port?: number;
  /** Default 127.0.0.1, or env TRADIO_SERVER_NAME; "0.0.0.0" listens on every interface. */
  host?: string;
  /** Kept for Gradio code: the queue is always on. */
  enableQueue?: boolean;
  /** Print nothing. */
  quiet?: boolean;
  /**
   * The app runs behind a reverse proxy: believe its X-Forwarded-For/-Host/-Proto headers. `true` trusts
   * any peer (only when nothing but the proxy can reach the app); or the proxy's addresses/CIDR ranges.
   */
  trustProxy?: boolean | string[];
  /** Seconds a client has to send a request's headers. Default 10. */
  headersTimeout?: number;
  /** Seconds a client has to send a whole request, body included (uploads too). Default 300. */
  requestTimeout?: number;
  /** Seconds a request may go without a byte from the client while it is sent (headers, body, an upload). Default 30. */
  idleTimeout?: number;
  /** Seconds an idle keep-alive connection stays open between requests. Default 72 (above common proxies' 60). */
  keepAliveTimeout?: number;
  /**
   * Processes serving the app on this host, sharing its port (node:cluster; env TRADIO_PROCESSES). More
   * than 1 needs `redis`. This process then forks them and serves nothing itself; one that dies is
   * replaced. Default 1: this process serves the app.
   */
  processes?: number;
}

/**
 * `redis`, `role` and `workerConcurrency`, from the options or else from the environment
 * (TRADIO_REDIS_URL, TRADIO_ROLE, TRADIO_WORKER_CONCURRENCY, which the CLI's flags set).
 */
function sharedQueue(opts: LaunchOptions): Pick<MountOptions, "redis" | "role" | "workerConcurrency"> {
  const env = process.env;
  const redis = opts.redis ?? (env.TRADIO_REDIS_URL || undefined);
  const roleText = opts.role ?? (env.TRADIO_ROLE || undefined);
  if (roleText !== undefined && !(ROLES as readonly string[]).includes(roleText)) {
    throw new OptionError("TR_ERR_OPTION_INVALID", `launch: role (env TRADIO_ROLE) must be "web", "worker" or "both", got ${describe(roleText)}`);
  }
  const concurrencyText = env.TRADIO_WORKER_CONCURRENCY || undefined;
  const workerConcurrency = opts.workerConcurrency ?? (concurrencyText === undefined ? undefined : Number(concurrencyText));
  if (workerConcurrency !== undefined && !(Number.isInteger(workerConcurrency) && workerConcurrency > 0)) {
    throw new OptionError("TR_ERR_OPTION_INVALID", `launch: workerConcurrency (env TRADIO_WORKER_CONCURRENCY) must be a positive integer, got ${describe(concurrencyText)}`);
  }
  return { redis, role: roleText as Role | undefined, workerConcurrency };
}

export interface Launched {
  url: string;
  port: number;
  server: FastifyInstance;
  close(): Promise<void>;
  /** With `processes` > 1: the ids of the processes serving the app now. */
  pids?: () => number[];
}

interface Launchable {
  readonly graph: Graph;
  readonly queueOptions?: QueueOptions;
}

const nonNegativeInt = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v < 65536;

// Counted on globalThis so the CLI sees launches made by another copy of tradio (dist vs. src).
const LAUNCHES = Symbol.for("tradio.launches");
type Counter = { [LAUNCHES]?: number };
/** How many apps this process has launched: the CLI launches a default export only if the file launched none. */
export function launchCount(): number {
  return (globalThis as Counter)[LAUNCHES] ?? 0;
}

/**
 * Builds a Fastify server for one app and starts listening (`iface.launch(opts)` calls this).
 *
 * @example
 * const app = await iface.launch({ port: 0, auth: ["admin", "pass1234"], showError: true });
 * console.log(app.url); // http://127.0.0.1:<port>/
 * await app.close();
 */
export async function launch(target: Launchable, opts: LaunchOptions = {}): Promise<Launched> {
  const { prefix: _none, ...mountKinds } = MOUNT_KINDS;
  checkOptions("launch", opts as Record<string, unknown>, mountKinds, {
    port: nonNegativeInt,
    host: "string",
    enableQueue: "boolean",
    quiet: "boolean",
    trustProxy: (v) => typeof v === "boolean" || (Array.isArray(v) && v.every((x) => typeof x === "string")),
    headersTimeout: isPositive,
    requestTimeout: isPositive,
    idleTimeout: isPositive,
    keepAliveTimeout: isPositive,
    processes: (v) => typeof v === "number" && Number.isInteger(v) && v >= 1,
  });
  const envProcesses = process.env.TRADIO_PROCESSES;
  const processes = opts.processes ?? (envProcesses ? Number(envProcesses) : 1);
  if (!isClusterChild() && processes !== 1) {
    (globalThis as Counter)[LAUNCHES] = launchCount() + 1;
    const redis = opts.redis ?? (process.env.TRADIO_REDIS_URL || undefined);
    return launchCluster(processes, typeof redis === "object" ? redis.url : redis, opts.quiet ?? false);
  }
  try {
    const launched = await launchHere(target, opts);
    reportToPrimary({ tradio: "listening", url: launched.url, port: launched.port });
    return launched;
  } catch (err) {
    reportToPrimary({ tradio: "failed", message: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

async function launchHere(target: Launchable, opts: LaunchOptions): Promise<Launched> {
  const envPort = process.env.TRADIO_SERVER_PORT;
  const port = opts.port ?? (envPort !== undefined ? Number(envPort) : 7860);
  if (!nonNegativeInt(port)) throw new OptionError("TR_ERR_OPTION_INVALID", `launch: port must be an integer from 0 to 65535, got ${describe(envPort ?? port)}`);
  const host = opts.host ?? process.env.TRADIO_SERVER_NAME ?? "127.0.0.1";
  (globalThis as Counter)[LAUNCHES] = launchCount() + 1;

  const shared = sharedQueue(opts);
  const graceMs = shared.redis !== undefined ? drainGraceMs(shared.redis, "launch") : 0;
  const graph = target.graph;
  const timeouts = {
    headers: Math.round((opts.headersTimeout ?? 10) * 1000),
    request: Math.round((opts.requestTimeout ?? 300) * 1000),
    idle: Math.round((opts.idleTimeout ?? 30) * 1000),
    keepAlive: Math.round((opts.keepAliveTimeout ?? 72) * 1000),
  };
  // A client cannot hold a connection by sending slowly: headers, the whole request and every pause
  // while it is sent are bounded. Node checks the first two this often.
  const checkEvery = Math.max(100, Math.min(5000, Math.floor(Math.min(timeouts.headers, timeouts.request) / 4)));
  const server = Fastify({
    logger: false,
    bodyLimit: 16 * 1024 * 1024,
    trustProxy: opts.trustProxy ?? false,
    requestTimeout: timeouts.request,
    keepAliveTimeout: timeouts.keepAlive,
    connectionTimeout: timeouts.idle,
    http: { headersTimeout: Math.min(timeouts.headers, timeouts.request), requestTimeout: timeouts.request, connectionsCheckingInterval: checkEvery },
  });
  // The idle timeout is for receiving a request: once its body is in (a streamed upload reads it in its
  // handler), the answer may take as long as the function does, and the event stream stays open.
  // A callback hook, and the timer touched once per connection: this runs on every request.
  server.addHook("preHandler", (req, _reply, done) => {
    const socket = req.raw.socket;
    if (socket?.timeout && !(typeof req.isMultipart === "function" && req.isMultipart())) socket.setTimeout(0);
    done();
  });
  const {
    port: _port,
    host: _host,
    enableQueue: _queue,
    quiet: _quiet,
    trustProxy: _proxy,
    headersTimeout: _headers,
    requestTimeout: _request,
    idleTimeout: _idle,
    keepAliveTimeout: _keepAlive,
    processes: _processes,
    ...mount
  } = opts;
  const served = await mountApp(server, target, {
    ...mount,
    ...shared,
    mcpServer: opts.mcpServer ?? process.env.TRADIO_MCP_SERVER === "true",
    // The name the server listens on is one it answers to.
    allowedHosts: [...(opts.allowedHosts ?? []), ...(isIP(host) || host === "localhost" ? [] : [host])],
  });
  // Features of the graph get ready first (a flagging log that cannot be appended to is reported now).
  for (const hook of graph.lifecycle.onLaunch) await hook(served.runtime);
  if (shared.redis !== undefined && shared.role !== "web") drainOnSignal(server, served.transport.scheduler, graceMs, opts.quiet ?? false);
  if (shared.role === "worker") {
    // A worker serves no HTTP: it takes calls from Redis. (Listening would also put it in a node:cluster
    // round robin, where requests meant for web processes would reach it.)
    await server.ready();
    if (!opts.quiet) console.log(`Worker taking calls from Redis at ${shownUrl(typeof shared.redis === "string" ? shared.redis : shared.redis!.url)}`);
    return { url: "", port: 0, server, close: () => server.close() };
  }
  await server.listen({ port, host, backlog: LISTEN_BACKLOG });
  const address = server.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const url = `http://${shownHost}:${actualPort}/`;
  // A forked process leaves the announcing to its primary.
  if (!opts.quiet && !isClusterChild()) {
    console.log(`Running on local URL:  ${url}`);
    if (opts.mcpServer ?? process.env.TRADIO_MCP_SERVER === "true") {
      console.log(`MCP server (tools for agents): ${url}gradio_api/mcp/  (SSE transport: ${url}gradio_api/mcp/sse)`);
    }
  }
  return { url, port: actualPort, server, close: () => server.close() };
}

/** Past the grace period, how long closing may take before the process exits anyway. */
const CLOSE_MS = 10_000;

/**
 * A process that runs calls from a shared queue leaves cleanly on SIGTERM or SIGINT (a deploy, a scale
 * down, `--processes` stopping): it takes no new call, lets the ones it runs finish (or, past the grace
 * period, hands them back to the queue for another worker), closes and exits 0. Its calls are neither
 * lost nor failed as a lost worker. A second signal exits at once (its calls are then lost, as with kill -9).
 */
function drainOnSignal(server: FastifyInstance, scheduler: Scheduler, graceMs: number, quiet: boolean): void {
  let leaving = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (leaving) process.exit(1);
    leaving = true;
    if (!quiet) console.log(`tradio: ${signal}: finishing the running calls (up to ${graceMs / 1000} s), then exiting`);
    setTimeout(() => process.exit(1), graceMs + CLOSE_MS).unref();
    void (async () => {
      await scheduler.drain?.(graceMs).catch(() => {});
      // Event streams still open (calls queued here, now run elsewhere) would hold the close.
      server.server.closeAllConnections?.();
      await server.close().catch(() => {});
      process.exit(0);
    })();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  server.addHook("onClose", async () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  });
}
