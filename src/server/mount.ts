import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import type { FastifyError, FastifyInstance } from "fastify";
import staticFiles from "@fastify/static";
import { codeOf, HttpError, OptionError, type ErrorCode } from "../core/errors.js";
import type { FileStore } from "../core/files.js";
import { MAX_DEPTH, jsonNestedDeeperThan } from "../core/limits.js";
import { checkOptions, isPositive, isPositiveInt, type OptionKind } from "../core/options.js";
import { Graph } from "../graph/graph.js";
import { API_PREFIX } from "../protocol/config.js";
import { drainGraceMs } from "../queue/drain.js";
import "../queue/memory.js";
import { fingerprint } from "../graph/fingerprint.js";
import { ROLES, schedulers, type QueueOptions, type QueueSettings, type RedisOptions, type Role, type Scheduler, type SchedulerContext } from "../queue/scheduler.js";
import { DiskFileStore } from "../runtime/file-store.js";
import { allowEntryProblem } from "../runtime/fetch-url.js";
import { RuntimeJobRunner } from "../runtime/job-runner.js";
import { Runtime } from "../runtime/runtime.js";
import { DEFAULT_STATE_MAX_BYTES, DEFAULT_STATE_SESSION_MAX_BYTES, sessionStores, type SessionStore } from "../runtime/sessions.js";
import { Served, type AuthSettings, type ServeOptions } from "./context.js";
import { credentialCheck, type AuthSpec } from "../auth/credentials.js";
import { McpTokenStore } from "../auth/mcp-tokens.js";
import { TokenStore } from "../auth/tokens.js";
import { RedisMcpTokenStore, RedisTokenStore } from "../auth/redis-tokens.js";
import { LocalTally, type Tally } from "../core/counter.js";
import "../runtime/redis-sessions.js";
import { connectShared } from "./shared.js";
import { loginFormRoute, loginRoutes } from "./routes/login.js";
import { multipartRoutes } from "./multipart.js";
import { configRoutes } from "./routes/config.js";
import { fileRoutes, uploadRoute } from "./routes/files.js";
import { pageRoutes } from "./routes/page.js";
import { queueRoutes } from "./routes/queue.js";
import { runRoutes } from "./routes/run.js";
import { CALL_PATH, callRoutes } from "./routes/call.js";
import { MAX_SESSIONS_PER_CLIENT, MCP_PATH, MCP_SSE_PATH, mcpRoutes } from "./routes/mcp.js";
import { viewRoutes } from "./routes/views.js";
import { checkFrameAncestors, checkHosts, checkOrigins, registerSecurity } from "./security.js";
import { Transport } from "./transport.js";

export interface MountOptions extends Partial<ServeOptions> {
  /** Show the text of unexpected exceptions to callers (otherwise a generic message). */
  showError?: boolean;
  /** Queue settings; an Interface's own `queue(...)` settings apply where these say nothing. */
  queue?: QueueOptions;
  /** A scheduler, or the name of a registered one (default "memory", or "redis" with `redis`). */
  scheduler?: Scheduler | string;
  /**
   * Share the queue with other processes through Redis (BullMQ): a URL (`redis://host:6379`) or
   * `{ url, prefix, workerLost, lockTimeout, drainTimeout }`. Without it the queue lives in this process's memory.
   */
  redis?: string | RedisOptions;
  /** With `redis`: "web" takes requests and runs no calls, "worker" runs calls, "both" (default) does both. */
  role?: Role;
  /** With `redis`: calls of one event this process runs at once (1 for "one GPU per worker"). Default: the event's concurrencyLimit. */
  workerConcurrency?: number;
  /**
   * With `redis`, in a process that runs calls: closing the Fastify instance drains first, as `launch()`
   * does on SIGTERM (no new call is taken, running calls finish within `redis.drainTimeout` or go back to
   * the queue for another worker, calls queued here stay queued). Default false: closing cancels this
   * process's calls. For your own server: `process.on("SIGTERM", () => fastify.close())`.
   */
  drainOnClose?: boolean;
  /** A session store, or the name of a registered one (default "memory"). */
  sessionStore?: SessionStore | string;
  /** Most sessions whose state is kept (least recently used evicted first). Default 10 000. */
  stateSessionCapacity?: number;
  /** Seconds a session's state is kept after its last use. Default 3600. */
  stateTtl?: number;
  /** Most bytes of state kept in all, as measured when stored (v8.serialize's length); least recently used sessions evicted first. Default 256 MiB. */
  stateMaxBytes?: number;
  /** Most bytes of state one session may keep; a call that would keep more fails with 422 TR_ERR_TOO_COMPLEX. Default 16 MiB (at most stateMaxBytes). */
  stateSessionMaxBytes?: number;
  /** Files or folders (besides uploads and outputs) that the file route may serve. */
  allowedPaths?: string[];
  /** Uploads one client address may have in progress at once; more get HTTP 429. Default 10. */
  maxUploadsPerClient?: number;
  /** Seconds a session's event stream may take to open after a join before its calls are cancelled. Default 30. */
  attachTimeout?: number;
  /**
   * The folder holding the app's files (uploads, outputs). Default env TRADIO_TEMP_DIR, or the system temp
   * folder's "tradio". With `redis` the app's files go in a folder named for the app inside it, shared by
   * every process that serves the app: put it on a volume they all mount at the same path.
   */
  filesDir?: string;
  /** Also serve the app as an MCP server at /gradio_api/mcp/ (and /gradio_api/mcp/sse): one tool per API endpoint. */
  mcpServer?: boolean;
  /**
   * Where uploads and outputs live. Default: a folder of this app's own inside the system temp folder's
   * "tradio" (or env TRADIO_TEMP_DIR), removed when the app closes.
   */
  files?: FileStore;
  /**
   * Most bytes of files the app's store holds (uploads, URL inputs, outputs); past it new uploads get
   * 507 and URL inputs 422, both TR_ERR_STORE_FULL. Default 10 GiB; null for no bound.
   */
  maxStoreSize?: number | null;
  /**
   * Gradio's `delete_cache`: `[frequency, age]` in seconds. Every `frequency` seconds, uploads and outputs
   * not used for `age` seconds are deleted. Default `[3600, 86400]`; null keeps them until the app closes.
   */
  deleteCache?: [number, number] | null;
  /** Login: [user, pass], a list of them, or a check function. */
  auth?: AuthSpec;
  /** Shown on the login page, as text. */
  authMessage?: string;
  /** How long a login lasts, in seconds (default 7 days). */
  authTtl?: number;
  /** Login attempts allowed per minute, per client address and per username. */
  loginAttemptsPerMinute?: { address?: number; username?: number };
  /** Origins (`https://site.example`) besides the app's own whose pages may call it (CORS, cross-site POSTs). */
  allowedOrigins?: string[];
  /** Host names the app answers to besides IP addresses and localhost ("*" for any, ".example.com" for subdomains too). */
  allowedHosts?: string[];
  /** Hosts, IP addresses or CIDR ranges that URL inputs may be fetched from although loopback or private. */
  fetchAllowList?: string[];
}

/** What can be mounted: an Interface (or Parallel, Series, a loaded app), or a built graph. */
export type Mountable = Graph | { readonly graph: Graph; readonly queueOptions?: QueueOptions };

/**
 * Registers one app's routes (page, config, API, queue, files) on a Fastify instance; call it inside
 * `fastify.register(..., { prefix })` to mount several apps on one server, as the demo gallery does.
 *
 * @example
 * const server = Fastify();
 * await server.register((f) => tr.mountApp(f, iface, { prefix: "/hello" }), { prefix: "/hello" });
 */
export async function mountApp(f: FastifyInstance, target: Mountable, opts: MountOptions = {}): Promise<Served> {
  checkOptions("mountApp", opts as Record<string, unknown>, MOUNT_KINDS);
  const graph = target instanceof Graph ? target : target?.graph;
  if (!(graph instanceof Graph)) throw new OptionError("TR_ERR_OPTION_INVALID", "mountApp: expected an Interface or a built graph");
  const options: ServeOptions = {
    maxFileSize: opts.maxFileSize ?? null,
    prefix: opts.prefix ?? "",
    frameAncestors: checkFrameAncestors(opts.frameAncestors ?? "'self'"),
    allowedOrigins: checkOrigins(opts.allowedOrigins ?? []),
    mcpServer: opts.mcpServer ?? false,
  };
  const allowedHosts = checkHosts(opts.allowedHosts ?? []);
  for (const entry of opts.fetchAllowList ?? []) {
    const problem = allowEntryProblem(entry);
    if (problem) throw new OptionError("TR_ERR_OPTION_INVALID", `fetchAllowList: ${problem}`);
  }
  const fileSize = options.maxFileSize ?? 1024 ** 3;
  if (opts.files && (opts.maxStoreSize !== undefined || opts.deleteCache !== undefined || opts.filesDir !== undefined)) {
    throw new OptionError("TR_ERR_OPTION_CONFLICT", "mountApp: maxStoreSize, deleteCache and filesDir set the default file store; with `files`, give them to your store");
  }
  // State, logins, rate limits and files are shared under the queue's prefix (and the mount's).
  // Connected first: an unreachable Redis stops the launch with its URL, before anything else starts.
  const redisOpts = opts.redis === undefined ? undefined : typeof opts.redis === "string" ? { url: opts.redis } : opts.redis;
  const shared = redisOpts
    ? await connectShared(redisOpts.url, `${redisOpts.prefix ?? `tradio:${fingerprint(graph)}`}${options.prefix ? `:${options.prefix}` : ""}`)
    : undefined;
  // The app's own store: URL inputs fetched under its size limit and allow-list, its files in a folder
  // of its own (checked now, so an unsafe temp folder stops the launch, not a request).
  const own = opts.files
    ? undefined
    : new DiskFileStore({
        allowedPaths: opts.allowedPaths,
        fetchPolicy: { allow: [...(opts.fetchAllowList ?? [])], maxBytes: fileSize },
        maxStoreSize: opts.maxStoreSize,
        deleteCache: opts.deleteCache,
        dir: opts.filesDir,
        sharedName: shared ? `app-shared-${shared.appKey}` : undefined,
        // The shared folder's bytes are counted in Redis, so maxStoreSize holds for all the app's processes.
        total: shared?.total("store-bytes"),
      });
  const files = opts.files ?? own!;
  if (files instanceof DiskFileStore) await files.folder();
  const stateMaxBytes = opts.stateMaxBytes ?? DEFAULT_STATE_MAX_BYTES;
  // With Redis, state lives there unless the app names another store.
  const storeOptions = {
    capacity: opts.stateSessionCapacity,
    ttlMs: (opts.stateTtl ?? 3600) * 1000,
    maxBytes: stateMaxBytes,
    ...(shared ? { redis: shared.client, namespace: shared.namespace } : {}),
  };
  const sessions =
    typeof opts.sessionStore === "object" ? opts.sessionStore : sessionStores.get(opts.sessionStore ?? (shared ? "redis" : "memory"))(storeOptions);
  const runtime = new Runtime(graph, {
    sessions,
    // With Redis, the app's limits (flags a minute per address) count there, for all its processes at once.
    counters: shared && ((name, limit) => shared.windowCounter(`limit:${name}`, limit)),
    // And its running totals (the flagging folder's bytes), so each process sees what the others wrote.
    totals: shared && ((name) => shared.total(name)),
    files,
    showError: opts.showError ?? false,
    // One session can never hold more than the whole store.
    stateSessionMaxBytes: Math.min(opts.stateSessionMaxBytes ?? DEFAULT_STATE_SESSION_MAX_BYTES, stateMaxBytes),
  });
  const queue: QueueOptions = { ...(target instanceof Graph ? {} : target.queueOptions), ...opts.queue };
  const settings: QueueSettings = {
    defaultConcurrencyLimit: queue.defaultConcurrencyLimit ?? 1,
    maxSize: queue.maxSize === undefined ? DEFAULT_MAX_SIZE : queue.maxSize,
    statusUpdateRate: queue.statusUpdateRate ?? "auto",
  };
  const drainMs = opts.drainOnClose && opts.redis !== undefined && opts.role !== "web" ? drainGraceMs(opts.redis, "mountApp") : null;
  const scheduler = await makeScheduler(graph, settings, opts);
  scheduler.start(new RuntimeJobRunner(runtime));
  try {
    await scheduler.ready?.();
  } catch (err) {
    await scheduler.close();
    await own?.close();
    throw err;
  }
  // What a client address holds at once (calls, uploads, MCP sessions): with Redis, counted there for all
  // the app's processes (a process closing leaves them at once; see SharedRedis.close).
  const tally = (name: string, limit: number): Tally => (shared ? shared.tally(name, limit) : new LocalTally(limit));
  const callsPerClient = tally("calls", queue.maxPerClient ?? DEFAULT_MAX_PER_CLIENT);
  const uploadsPerClient = tally("uploads", opts.maxUploadsPerClient ?? DEFAULT_MAX_UPLOADS_PER_CLIENT);
  const transport = new Transport(scheduler, { attachMs: (opts.attachTimeout ?? 30) * 1000 }, callsPerClient);
  f.addHook("onClose", async () => {
    if (drainMs !== null) await scheduler.drain?.(drainMs).catch(() => {});
    transport.close();
    await scheduler.close();
    for (const hook of graph.lifecycle.onClose) await hook();
    runtime.close();
    await own?.close();
    await shared?.close();
  });
  const auth: AuthSettings | null =
    opts.auth === undefined
      ? null
      : {
          check: credentialCheck(opts.auth),
          message: opts.authMessage ?? null,
          tokens: shared
            ? new RedisTokenStore(shared.client, shared.namespace, (opts.authTtl ?? 7 * 24 * 3600) * 1000)
            : new TokenStore((opts.authTtl ?? 7 * 24 * 3600) * 1000),
          // Processes sharing logins must agree on the cookie's name.
          cookieName: `access-token-${shared ? shared.appKey : randomBytes(6).toString("hex")}`,
          attemptsPerMinute: { address: opts.loginAttemptsPerMinute?.address ?? 30, username: opts.loginAttemptsPerMinute?.username ?? 10 },
          mcpTokens: shared ? new RedisMcpTokenStore(shared.client, shared.namespace) : new McpTokenStore(),
        };
  const served = new Served(runtime, transport, options, auth, shared ?? null);

  f.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    const status = typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500 && !(err instanceof HttpError)) req.log.error({ err }, "request failed");
    const message = status >= 500 && !(err instanceof HttpError) ? "Internal server error" : err.message;
    const code: ErrorCode = codeOf(err) ?? STATUS_CODES[status] ?? (status >= 500 ? "TR_ERR_INTERNAL" : "TR_ERR_BAD_REQUEST");
    return reply.code(status).send({ error: message, detail: message, code });
  });
  f.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `no route ${req.method} ${req.url.split("?")[0]}`, detail: "Not Found", code: "TR_ERR_NOT_FOUND" }),
  );

  await registerSecurity(f, {
    allowedOrigins: options.allowedOrigins,
    allowedHosts,
    frameAncestors: options.frameAncestors,
    streamedRoutes: [`${options.prefix}${API_PREFIX}/queue/data`, `${options.prefix}${CALL_PATH}/:api/:id`, ...[MCP_PATH, MCP_PATH.slice(0, -1), MCP_SSE_PATH, `${API_PREFIX}/mcp/messages`].map((p) => options.prefix + p)],
  });
  // JSON bodies are checked for nesting before they are parsed: parsing deep nesting is slow (seconds for
  // a few MB), and whatever walks the result could overflow the stack. Values are bounded more finely,
  // per input, when a call is made (MAX_DEPTH).
  const parseJson = f.getDefaultJsonParser(f.initialConfig.onProtoPoisoning ?? "error", f.initialConfig.onConstructorPoisoning ?? "error");
  f.removeContentTypeParser("application/json");
  f.addContentTypeParser("application/json", { parseAs: "string" }, (req, text, done) => {
    if (jsonNestedDeeperThan(text as string, MAX_BODY_DEPTH)) {
      done(new HttpError(422, "TR_ERR_TOO_COMPLEX", `the JSON body nests arrays and objects more than ${MAX_BODY_DEPTH} levels deep`), undefined);
    } else parseJson(req, text as string, done);
  });
  await f.register(staticFiles, { root: tmpdir(), serve: false });
  if (auth) await loginRoutes(f, served, auth);
  await multipartRoutes(f, fileSize, (scope) => {
    uploadRoute(scope, served, uploadsPerClient);
    if (auth) loginFormRoute(scope, served, auth);
  });
  configRoutes(f, served);
  runRoutes(f, served);
  callRoutes(f, served);
  queueRoutes(f, served);
  fileRoutes(f, served);
  viewRoutes(f, served);
  if (opts.mcpServer) {
    await mcpRoutes(f, served, tally("mcp-sessions", MAX_SESSIONS_PER_CLIENT));
  }
  await pageRoutes(f, served);
  return served;
}

/** A body deeper than this is refused before it is parsed; values inside it are held to MAX_DEPTH. */
const MAX_BODY_DEPTH = 2 * MAX_DEPTH;

/** The scheduler the options name; the Redis one is loaded only when asked for, so apps without it load no Redis client. */
async function makeScheduler(graph: Graph, settings: QueueSettings, opts: MountOptions): Promise<Scheduler> {
  if (opts.role !== undefined && !ROLES.includes(opts.role)) {
    throw new OptionError("TR_ERR_OPTION_INVALID", `role must be "web", "worker" or "both", got ${JSON.stringify(opts.role)}`);
  }
  if (opts.redis === undefined) {
    if (opts.role !== undefined && opts.role !== "both") throw new OptionError("TR_ERR_OPTION_CONFLICT", `role "${opts.role}" needs \`redis\`: without it one process does everything`);
    if (opts.workerConcurrency !== undefined) throw new OptionError("TR_ERR_OPTION_CONFLICT", "workerConcurrency needs `redis` (without it, concurrencyLimit says how many calls run at once)");
  }
  if (typeof opts.scheduler === "object") return opts.scheduler;
  const name = opts.scheduler ?? (opts.redis !== undefined ? "redis" : "memory");
  let redis: RedisOptions | undefined;
  if (opts.redis !== undefined || name === "redis") {
    const { checkRedisOptions } = await import("../queue/redis.js");
    if (opts.redis !== undefined) redis = checkRedisOptions(opts.redis, "redis");
  }
  const context: SchedulerContext = {
    events: graph.events.filter((e) => e.fn !== null).map((e) => e.id),
    app: fingerprint(graph),
    redis,
    role: opts.role ?? "both",
    workerConcurrency: opts.workerConcurrency,
  };
  return schedulers.get(name)(settings, context);
}

/** Gradio's queue is unbounded by default; tradio's is not, so a flood of joins cannot exhaust memory. */
const DEFAULT_MAX_SIZE = 10_000;
/** Far above what one person's tabs queue, far below a flood from one address. */
const DEFAULT_MAX_PER_CLIENT = 2_000;
/** A page uploads one file per component at a time; a few tabs stay far below this. */
const DEFAULT_MAX_UPLOADS_PER_CLIENT = 10;

/** Codes for errors that carry only a status (Fastify's own, rate limits). */
const STATUS_CODES: Record<number, ErrorCode> = { 401: "TR_ERR_UNAUTHENTICATED", 403: "TR_ERR_FORBIDDEN", 404: "TR_ERR_NOT_FOUND", 413: "TR_ERR_FILE_TOO_LARGE", 429: "TR_ERR_RATE_LIMITED" };

/** The checks of mountApp()'s options; launch() checks the same ones. */
export const MOUNT_KINDS: Record<string, OptionKind> = {
  prefix: "string",
  showError: "boolean",
  maxFileSize: isPositive,
  queue: "any",
  scheduler: (v: unknown) => typeof v === "string" || (typeof v === "object" && v !== null),
  redis: (v: unknown) => typeof v === "string" || (typeof v === "object" && v !== null && !Array.isArray(v)),
  role: (v: unknown) => typeof v === "string" && (ROLES as readonly string[]).includes(v),
  workerConcurrency: isPositiveInt,
  drainOnClose: "boolean",
  sessionStore: (v: unknown) => typeof v === "string" || (typeof v === "object" && v !== null),
  stateSessionCapacity: isPositiveInt,
  stateTtl: isPositive,
  stateMaxBytes: isPositive,
  stateSessionMaxBytes: isPositive,
  attachTimeout: isPositive,
  maxUploadsPerClient: isPositiveInt,
  mcpServer: "boolean",
  filesDir: "string",
  allowedPaths: "string[]",
  files: "any",
  auth: (v: unknown) => typeof v === "function" || Array.isArray(v),
  authMessage: "string",
  authTtl: isPositive,
  loginAttemptsPerMinute: "any",
  allowedOrigins: "string[]",
  allowedHosts: "string[]",
  frameAncestors: "string",
  fetchAllowList: "string[]",
  maxStoreSize: (v: unknown) => v === null || isPositive(v),
  deleteCache: (v: unknown) => v === null || (Array.isArray(v) && v.length === 2 && v.every(isPositive)),
};
