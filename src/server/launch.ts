import { isIP } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import type { Graph } from "../graph/graph.js";
import { mountApp } from "./mount.js";
import type { AuthSpec } from "../auth/credentials.js";
import { checkOptions, describe } from "../core/options.js";
import { OptionError } from "../core/errors.js";

export interface LaunchOptions {
  /** Default 7860, or env TRADIO_SERVER_PORT; 0 picks any free port. */
  port?: number;
  /** Default 127.0.0.1, or env TRADIO_SERVER_NAME; "0.0.0.0" listens on every interface. */
  host?: string;
  /** Kept for Gradio code: the queue is always on. */
  enableQueue?: boolean;
  /** Show the text of unexpected exceptions to users (otherwise a generic message). */
  showError?: boolean;
  /** Print nothing. */
  quiet?: boolean;
  /** Largest upload in bytes. */
  maxFileSize?: number;
  /** Most sessions whose state is kept (least recently used evicted first). Default 10 000. */
  stateSessionCapacity?: number;
  /** Seconds a session's state is kept after its last use. Default 3600. */
  stateTtl?: number;
  /** Files or folders (besides uploads and outputs) that the file route may serve. */
  allowedPaths?: string[];
  /** Login: [user, pass], a list of them, or a check function `(user, pass) => boolean | Promise<boolean>`. */
  auth?: AuthSpec;
  /** Shown on the login page (as text). */
  authMessage?: string;
  /** Seconds a login lasts (default 7 days). */
  authTtl?: number;
  /**
   * Origins besides the app's own (`["https://site.example"]`) whose web pages may call the API: they get
   * CORS headers with credentials, and their POSTs pass the cross-site check. No wildcard.
   */
  allowedOrigins?: string[];
  /**
   * Host names the app answers to (the Host header, or X-Forwarded-Host behind a trusted proxy). IP
   * addresses, localhost and the `host` it listens on always pass; others get 403, which stops DNS
   * rebinding. ".example.com" allows a domain and its subdomains; "*" allows any host.
   */
  allowedHosts?: string[];
  /** Who may show the app in a frame: a CSP frame-ancestors source list. Default "'self'". */
  frameAncestors?: string;
  /**
   * The app runs behind a reverse proxy: believe its X-Forwarded-For/-Host/-Proto headers. `true` trusts
   * any peer (only when nothing but the proxy can reach the app); or the proxy's addresses/CIDR ranges.
   */
  trustProxy?: boolean | string[];
  /**
   * Hosts, IP addresses or CIDR ranges that URL inputs (`handle_file("https://…")`) may be fetched from
   * even though they are loopback or private. Public addresses need no listing.
   */
  fetchAllowList?: string[];
}

export interface Launched {
  url: string;
  port: number;
  server: FastifyInstance;
  close(): Promise<void>;
}

interface Launchable {
  readonly graph: Graph;
  readonly queueOptions: Readonly<Record<string, unknown>>;
}

const nonNegativeInt = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v < 65536;
const positive = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;

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
  checkOptions("launch", opts as Record<string, unknown>, {
    port: nonNegativeInt,
    host: "string",
    enableQueue: "boolean",
    showError: "boolean",
    quiet: "boolean",
    maxFileSize: positive,
    stateSessionCapacity: (v) => typeof v === "number" && Number.isInteger(v) && v > 0,
    stateTtl: positive,
    allowedPaths: "string[]",
    auth: (v) => typeof v === "function" || Array.isArray(v),
    authMessage: "string",
    authTtl: positive,
    allowedOrigins: "string[]",
    allowedHosts: "string[]",
    frameAncestors: "string",
    trustProxy: (v) => typeof v === "boolean" || (Array.isArray(v) && v.every((x) => typeof x === "string")),
    fetchAllowList: "string[]",
  });
  const envPort = process.env.TRADIO_SERVER_PORT;
  const port = opts.port ?? (envPort !== undefined ? Number(envPort) : 7860);
  if (!nonNegativeInt(port)) throw new OptionError("TR_ERR_OPTION_INVALID", `launch: port must be an integer from 0 to 65535, got ${describe(envPort ?? port)}`);
  const host = opts.host ?? process.env.TRADIO_SERVER_NAME ?? "127.0.0.1";
  (globalThis as Counter)[LAUNCHES] = launchCount() + 1;

  const graph = target.graph;
  const server = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024, trustProxy: opts.trustProxy ?? false });
  const q = target.queueOptions as { defaultConcurrencyLimit?: number; maxSize?: number; statusUpdateRate?: "auto" | number };
  await mountApp(server, graph, {
    showError: opts.showError,
    maxFileSize: opts.maxFileSize,
    queue: { defaultConcurrencyLimit: q.defaultConcurrencyLimit, maxSize: q.maxSize, statusUpdateRate: q.statusUpdateRate },
    stateSessionCapacity: opts.stateSessionCapacity,
    stateTtl: opts.stateTtl,
    allowedPaths: opts.allowedPaths,
    auth: opts.auth,
    authMessage: opts.authMessage,
    authTtl: opts.authTtl,
    allowedOrigins: opts.allowedOrigins,
    // The name the server listens on is one it answers to.
    allowedHosts: [...(opts.allowedHosts ?? []), ...(isIP(host) || host === "localhost" ? [] : [host])],
    frameAncestors: opts.frameAncestors,
    fetchAllowList: opts.fetchAllowList,
  });
  // Features of the graph get ready first (a flagging log that cannot be appended to is reported now).
  for (const hook of graph.lifecycle.onLaunch) await hook();
  await server.listen({ port, host });
  const address = server.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const url = `http://${shownHost}:${actualPort}/`;
  if (!opts.quiet) console.log(`Running on local URL:  ${url}`);
  return { url, port: actualPort, server, close: () => server.close() };
}
