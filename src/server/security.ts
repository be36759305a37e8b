import { isIP } from "node:net";
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import cors from "@fastify/cors";
import { OptionError } from "../core/errors.js";

/** The checks every mounted app makes on every request, before its routes and its login guard. */
export interface SecurityOptions {
  /** Origins (`https://site.example`) besides the app's own that browsers may call the API from. */
  allowedOrigins: readonly string[];
  /** Host names the app answers to besides IP addresses and localhost; "*" for any, ".example.com" for a domain and its subdomains. */
  allowedHosts: readonly string[];
  /** CSP `frame-ancestors` sources: who may show the app in a frame. */
  frameAncestors: string;
  /** Full URLs of routes that hijack their reply (the event stream). */
  streamedRoutes?: readonly string[];
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Normalises `allowedOrigins`; throws naming the option for a wildcard, a path or a malformed origin. */
export function checkOrigins(list: readonly string[], option = "allowedOrigins"): string[] {
  return list.map((raw) => {
    if (raw.trim() === "*") {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${option}: a wildcard is not allowed (requests carry login cookies); list each origin, like "https://site.example"`);
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${option}: ${JSON.stringify(raw)} is not an origin like "https://site.example"`);
    }
    const bare = url.pathname === "/" && !url.search && !url.hash && !url.username;
    if ((url.protocol !== "http:" && url.protocol !== "https:") || !bare) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${option}: ${JSON.stringify(raw)} must be a scheme and host only, like "https://site.example:8443"`);
    }
    return url.origin;
  });
}

/** Checks `allowedHosts` entries: host names, ".domain" for subdomains too, or "*". */
export function checkHosts(list: readonly string[], option = "allowedHosts"): string[] {
  return list.map((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry === "*") return entry;
    if (!/^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${option}: ${JSON.stringify(raw)} is not a host name (no scheme or port), like "app.example.com" or ".example.com"`);
    }
    return entry;
  });
}

/** Checks a `frame-ancestors` source list ("'self'", "'none'", "https://site.example", "*"). */
export function checkFrameAncestors(value: string, option = "frameAncestors"): string {
  const sources = value.trim().split(/\s+/).filter(Boolean);
  const source = /^('self'|'none'|\*|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*:\/\/)?(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d{1,5}|\*))?)$/i;
  if (sources.length === 0 || !sources.every((s) => source.test(s)) || (sources.includes("'none'") && sources.length > 1)) {
    throw new OptionError("TR_ERR_OPTION_INVALID", 
      `${option}: ${JSON.stringify(value)} is not a CSP frame-ancestors source list, like "'self'", "'none'" or "'self' https://site.example"`,
    );
  }
  return sources.join(" ");
}

/** The host name of a Host header (no port, no brackets, lower case), or null if it is not one. */
export function hostName(host: string | undefined): string | null {
  if (!host) return null;
  try {
    const name = new URL(`http://${host}`).hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
    return name || null;
  } catch {
    return null;
  }
}

/**
 * Whether the app answers to a Host. IP addresses and localhost always pass: DNS rebinding, which
 * lets a web page reach a local app through a name of its own, needs a name. Other names must be listed.
 */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  const name = hostName(host);
  if (name === null) return false;
  if (isIP(name) || name === "localhost" || name.endsWith(".localhost")) return true;
  return allowed.some((e) => e === "*" || e === name || (e.startsWith(".") && (name === e.slice(1) || name.endsWith(e))));
}

/** Whether an Origin header names this very app (same host and port as the request was sent to). */
function sameOrigin(origin: string, req: FastifyRequest): boolean {
  const host = req.host;
  if (origin === `http://${host}` || origin === `https://${host}`) return true; // the usual case, without parsing
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

function refuse(reply: FastifyReply, message: string) {
  return reply.code(403).send({ error: message, detail: message, code: "TR_ERR_FORBIDDEN" });
}

/** Remembers the answer for the few Host values a server sees, so the check costs a lookup. */
function cachedHostCheck(allowed: readonly string[]): (host: string | undefined) => boolean {
  const seen = new Map<string, boolean>();
  return (host) => {
    if (host === undefined) return false;
    let ok = seen.get(host);
    if (ok === undefined) {
      ok = hostAllowed(host, allowed);
      if (seen.size >= 256) seen.clear(); // a client sending random Hosts cannot grow it
      seen.set(host, ok);
    }
    return ok;
  };
}

/**
 * The security headers every response carries. Only these three: helmet's full set was measured at a
 * fifth of a bare route's throughput, and the rest of it targets old browsers. The page and file
 * routes add what only they need.
 */
export function securityHeaders(frameAncestors: string): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "content-security-policy": `frame-ancestors ${frameAncestors}`,
    "referrer-policy": "same-origin",
  };
}

/** Security headers, the Host check, CORS and the cross-site check for state-changing requests. */
export async function registerSecurity(f: FastifyInstance, opts: SecurityOptions): Promise<void> {
  const allowedOrigins = new Set(opts.allowedOrigins);
  const listed = (origin: string) => {
    try {
      return allowedOrigins.has(new URL(origin).origin);
    } catch {
      return false; // "null" (sandboxed frames, file: pages) and garbage
    }
  };
  const headers = securityHeaders(opts.frameAncestors);
  const hostOk = cachedHostCheck(opts.allowedHosts);
  // The event stream hijacks its reply and writes its own head: its headers go on the raw response.
  const streamed = new Set(opts.streamedRoutes ?? []);

  // A browser sends Origin with every POST; a cross-site one is refused whatever the route, so a web page
  // can neither run, upload to, nor log in to an app it is not allowed to use. Clients without a browser
  // (curl, @gradio/client in Node) send no Origin and pass.
  const crossSite = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (sameOrigin(origin, req) || listed(origin)) return false;
      refuse(reply, `cross-origin request refused: origin ${JSON.stringify(origin.slice(0, 200))} is not allowed (launch({ allowedOrigins }))`);
      return true;
    }
    if (req.headers["sec-fetch-site"] === "cross-site") {
      refuse(reply, "cross-site request refused");
      return true;
    }
    return false;
  };
  const [nosniff, csp, referrer] = Object.values(headers);

  // One small hook for every request (each hook costs a little on all of them); what only some routes
  // need is added to those routes when they are registered, so this hook never asks which route it is.
  // Every POST answers with JSON (or an event stream), which no browser frames or navigates from: frame-ancestors
  // and Referrer-Policy only matter on what GET serves (the page, files, config), and each header costs every call.
  f.addHook("onRequest", (req, reply, done) => {
    if (req.method === "POST") reply.header("x-content-type-options", nosniff);
    else reply.header("x-content-type-options", nosniff).header("content-security-policy", csp).header("referrer-policy", referrer);
    if (!hostOk(req.host)) {
      const name = hostName(req.host) ?? "";
      return void refuse(reply, `Host "${name.slice(0, 100)}" is not allowed; add it to launch({ allowedHosts })`);
    }
    if (STATE_CHANGING.has(req.method) && crossSite(req, reply)) return;
    done();
  });
  f.addHook("onRoute", (route) => {
    const extra: onRequestHookHandler[] = [];
    // The event stream hijacks its reply and writes its own head: its headers go on the raw response.
    if (streamed.has(route.url)) {
      extra.push((_req, reply, done) => {
        for (const [name, value] of Object.entries(headers)) reply.raw.setHeader(name, value);
        done();
      });
    }
    // GET /logout changes state too (it revokes the login), so a cross-site link cannot log a user out.
    if (route.url.endsWith("/logout")) {
      extra.push((req, reply, done) => {
        if (!crossSite(req, reply)) done();
      });
    }
    if (extra.length === 0) return;
    const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...extra, ...(own as onRequestHookHandler[])];
  });

  // Same-origin needs no CORS headers at all; only listed origins get them (with credentials, never "*").
  if (allowedOrigins.size > 0) {
    await f.register(cors, {
      origin: (origin, cb) => cb(null, origin !== undefined && listed(origin) ? origin : false),
      credentials: true,
      methods: ["GET", "HEAD", "POST"],
      maxAge: 600,
    });
  }
}
