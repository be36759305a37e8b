import { createHash, randomUUID } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { RequestInfo } from "../core/context.js";
import type { Graph } from "../graph/graph.js";
import type { Runtime } from "../runtime/runtime.js";
import type { SharedRedis } from "./shared.js";
import type { LoginTokens, McpTokens } from "../auth/tokens.js";
import type { Transport } from "./transport.js";

export interface ServeOptions {
  /** Largest upload in bytes; null for no limit beyond the server's own. */
  maxFileSize: number | null;
  /** Path prefix the app is mounted under ("" at the root). */
  prefix: string;
  /** CSP frame-ancestors sources (default "'self'"). */
  frameAncestors: string;
  /** Origins besides the app's own that may call it from a browser (CORS). */
  allowedOrigins: readonly string[];
  /** The app is also an MCP server (its page says so in the config, for the API panel's MCP tab). */
  mcpServer: boolean;
}

/** Login settings of a mounted app (`launch({ auth })`). */
export interface AuthSettings {
  check: (username: string, password: string) => Promise<boolean>;
  message: string | null;
  tokens: LoginTokens;
  /** Per app, so several apps on one host keep separate logins. */
  cookieName: string;
  attemptsPerMinute: { address: number; username: number };
  /** Bearer tokens for the MCP endpoint, made by logged-in people. */
  mcpTokens: McpTokens;
}

/** Everything the routes of one mounted app share. */
export class Served {
  readonly graph: Graph;
  constructor(
    readonly runtime: Runtime,
    readonly transport: Transport,
    readonly options: ServeOptions,
    readonly auth: AuthSettings | null = null,
    /** With `redis`: the connection and key prefix the app's processes share (MCP sessions are recorded there). */
    readonly shared: SharedRedis | null = null,
  ) {
    this.graph = runtime.graph;
  }

  /**
   * https directly, or behind a proxy that says so. The header is believed even from an untrusted
   * client: all it can do is make its own login cookie `Secure`.
   */
  isHttps(req: FastifyRequest): boolean {
    return req.protocol === "https" || header(req, "x-forwarded-proto") === "https";
  }

  /**
   * The app's public URL for this request. Fastify reads `X-Forwarded-Host`/`-Proto` only when the
   * server trusts its proxy (`launch({ trustProxy })`); otherwise it is the Host header, which the
   * Host check has already accepted.
   */
  root(req: FastifyRequest): string {
    const host = req.host || "localhost";
    const proto = req.protocol === "https" ? "https" : "http";
    // Every call asks; nearly all of an app's requests name the same host.
    if (host === this.lastHost && proto === this.lastProto) return this.lastRoot;
    const root = `${proto}://${sanitiseHost(host)}${this.options.prefix}`;
    this.lastHost = host;
    this.lastProto = proto;
    this.lastRoot = root;
    return root;
  }
  private lastHost = "";
  private lastProto = "";
  private lastRoot = "";

  requestInfo(req: FastifyRequest, sessionHash: string | null): RequestInfo {
    // The request's own header object (made for it by Node, and read-only to tradio), not a copy.
    return { username: req.tradioUser ?? null, headers: req.headers, sessionHash, client: { host: req.ip ?? null } };
  }

  /**
   * State and event streams are keyed by the page load's session hash, bound to the login when the app
   * has auth, so a session hash alone never opens another user's state or stream.
   */
  sessionKey(req: FastifyRequest, sessionHash: string): string {
    if (!this.auth) return sessionHash;
    const token = req.cookies?.[this.auth.cookieName] ?? "";
    return `${createHash("sha256").update(token).digest("base64url").slice(0, 22)}:${sessionHash}`;
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first?.split(",")[0]?.trim() || undefined;
}

/** Host headers are echoed into URLs, so only host[:port] characters pass. */
function sanitiseHost(host: string): string {
  return /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? host : "localhost";
}

/** Unguessable ids for events. */
export function newId(): string {
  // randomUUID draws from a buffered CSPRNG pool: unguessable, and far cheaper per call than randomBytes.
  return randomUUID().replaceAll("-", "");
}
