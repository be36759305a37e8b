import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import type { FastifyError, FastifyInstance } from "fastify";
import multipart from "@fastify/multipart";
import staticFiles from "@fastify/static";
import type { App } from "../graph/graph.js";
import { HttpError } from "../core/errors.js";
import { MemoryScheduler } from "../queue/memory.js";
import type { QueueSettings, Scheduler } from "../queue/scheduler.js";
import { Served, type AuthSettings, type ServeOptions } from "./context.js";
import { credentialCheck, type AuthSpec } from "../auth/credentials.js";
import { TokenStore } from "../auth/tokens.js";
import { loginRoutes } from "./routes/login.js";
import { configRoutes } from "./routes/config.js";
import { fileRoutes } from "./routes/files.js";
import { pageRoutes } from "./routes/page.js";
import { queueRoutes } from "./routes/queue.js";
import { runRoutes } from "./routes/run.js";
import { checkFrameAncestors, checkHosts, checkOrigins, registerSecurity } from "./security.js";
import { allowEntryProblem } from "../runtime/fetch-url.js";
import { API_PREFIX } from "../protocol/config.js";

export interface MountOptions extends Partial<ServeOptions> {
  queue?: Partial<QueueSettings>;
  scheduler?: Scheduler;
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

/**
 * Registers one app's routes (page, config, API, queue, files) on a Fastify instance; call it inside
 * `fastify.register(..., { prefix })` to mount several apps on one server, as the demo gallery does.
 */
export async function mountApp(f: FastifyInstance, app: App, opts: MountOptions = {}): Promise<Served> {
  const options: ServeOptions = {
    showError: opts.showError ?? false,
    maxFileSize: opts.maxFileSize ?? null,
    prefix: opts.prefix ?? "",
    frameAncestors: checkFrameAncestors(opts.frameAncestors ?? "'self'"),
    allowedOrigins: checkOrigins(opts.allowedOrigins ?? []),
  };
  const allowedHosts = checkHosts(opts.allowedHosts ?? []);
  for (const entry of opts.fetchAllowList ?? []) {
    const problem = allowEntryProblem(entry);
    if (problem) throw new TypeError(`fetchAllowList: ${problem}`);
  }
  const fileSize = options.maxFileSize ?? 1024 ** 3;
  // URL inputs of this app are fetched under its own size limit and allow-list.
  app.files = app.files.withFetchPolicy({ allow: [...(opts.fetchAllowList ?? [])], maxBytes: fileSize });
  const scheduler =
    opts.scheduler ??
    new MemoryScheduler({
      defaultConcurrencyLimit: opts.queue?.defaultConcurrencyLimit ?? 1,
      maxSize: opts.queue?.maxSize ?? null,
      statusUpdateRate: opts.queue?.statusUpdateRate ?? "auto",
    });
  const auth: AuthSettings | null =
    opts.auth === undefined
      ? null
      : {
          check: credentialCheck(opts.auth),
          message: opts.authMessage ?? null,
          tokens: new TokenStore((opts.authTtl ?? 7 * 24 * 3600) * 1000),
          cookieName: `access-token-${randomBytes(6).toString("hex")}`,
          attemptsPerMinute: { address: opts.loginAttemptsPerMinute?.address ?? 30, username: opts.loginAttemptsPerMinute?.username ?? 10 },
        };
  const served = new Served(app, scheduler, options, auth);

  f.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) return reply.code(err.statusCode).send({ error: err.message, detail: err.message });
    const status = typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, "request failed");
    const message = status === 500 ? "Internal server error" : err.message;
    return reply.code(status).send({ error: message, detail: message });
  });
  f.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${req.url.split("?")[0]}`, detail: "Not Found" }));

  await registerSecurity(f, {
    allowedOrigins: options.allowedOrigins,
    allowedHosts,
    frameAncestors: options.frameAncestors,
    streamedRoutes: [`${options.prefix}${API_PREFIX}/queue/data`],
  });
  // Bounded so one request cannot make the parser hold much: no route needs more than two small fields.
  await f.register(multipart, { limits: { fileSize, files: 100, fields: 20, parts: 120, fieldSize: 64 * 1024, fieldNameSize: 200, headerPairs: 100 } });
  await f.register(staticFiles, { root: tmpdir(), serve: false });
  if (auth) await loginRoutes(f, served, auth);
  configRoutes(f, served);
  runRoutes(f, served);
  queueRoutes(f, served);
  fileRoutes(f, served);
  await pageRoutes(f, served);
  return served;
}
