import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import { HttpError } from "../../core/errors.js";
import { LoginGuard } from "../../auth/attempts.js";
import { API_PREFIX } from "../../protocol/config.js";
import type { AuthSettings, Served } from "../context.js";
import { multipartFailure } from "../validate.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the login guard for a request with a valid token. */
    tradioUser?: string;
  }
}

const OPEN = new Set(["/", "/login", "/logout", "/assets/*"]);

/**
 * The body of a 401, in the shape `@gradio/client` reads (`detail.auth_message`), with the app's title
 * (null without one), so the login page can name the app it protects.
 */
function unauthorised(reply: FastifyReply, auth: AuthSettings, title: string | null) {
  return reply.code(401).send({ error: "Not authenticated", code: "TR_ERR_UNAUTHENTICATED", detail: { error: "Not authenticated", auth_message: auth.message, title } });
}

/** Reads username and password from a urlencoded or multipart login form. */
async function credentials(req: FastifyRequest): Promise<{ username: string; password: string }> {
  let fields: Record<string, unknown> = {};
  if (req.isMultipart()) {
    try {
      for await (const part of req.parts()) {
        if (part.type === "field") fields[part.fieldname] = part.value;
        else part.file.resume(); // stray files are skipped unread, never kept
      }
    } catch (err) {
      throw multipartFailure(err);
    }
  } else if (req.body && typeof req.body === "object") fields = req.body as Record<string, unknown>;
  const { username, password } = fields;
  if (typeof username !== "string" || typeof password !== "string" || username.length > 256 || password.length > 1024) {
    throw new HttpError(400, "TR_ERR_BAD_REQUEST", "username and password are required form fields");
  }
  return { username: username.trim(), password };
}

/**
 * `GET /logout` and the guard that keeps every other route (but the page and its assets)
 * behind a valid login token.
 */
export async function loginRoutes(f: FastifyInstance, s: Served, auth: AuthSettings): Promise<void> {
  await f.register(cookie);
  await f.register(formbody, { bodyLimit: 16 * 1024 });

  f.addHook("onRequest", async (req, reply) => {
    const route = req.routeOptions.url?.slice(s.options.prefix.length) || "";
    if (OPEN.has(route) || (route === "" && req.routeOptions.url !== undefined)) return;
    let user = await auth.tokens.user(req.cookies[auth.cookieName]);
    // An agent on the MCP endpoint shows a bearer token a logged-in person made; tokens are made with a login only.
    if (user === null && route.startsWith(`${API_PREFIX}/mcp`) && !route.startsWith(`${API_PREFIX}/mcp/tokens`)) {
      user = await auth.mcpTokens.user(/^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1]);
    }
    if (user === null) return unauthorised(reply, auth, s.graph.meta.title ?? null);
    req.tradioUser = user;
  });

  f.get("/logout", async (req, reply) => {
    await auth.tokens.revoke(req.cookies[auth.cookieName]);
    reply.clearCookie(auth.cookieName, { path: s.options.prefix || "/" });
    return reply.redirect(`${s.options.prefix}/`);
  });
}

/** `POST /login`, in the multipart scope (a login form may be sent as multipart). */
export function loginFormRoute(f: FastifyInstance, s: Served, auth: AuthSettings): void {
  // Per address and per (address, username): hard limits, which only ever stop whoever makes the attempts.
  // Per username from everywhere: a slowdown, never a lock, so nobody can lock a real user out. No
  // rate-limit headers: every answer looks the same whatever the name, but a 429's retry-after.
  // With Redis the counts are shared, so a client cannot multiply its attempts by the number of processes.
  const shared = s.shared;
  const guard = new LoginGuard(
    auth.attemptsPerMinute,
    Date.now,
    shared ? (name, limit) => shared.windowCounter(`login:${name}`, limit) : undefined,
  );
  const tooMany = (reply: FastifyReply, seconds: number) =>
    reply
      .code(429)
      .header("retry-after", String(seconds))
      .send({ error: `Too many login attempts; retry in ${seconds} s`, detail: `Too many login attempts; retry in ${seconds} s`, code: "TR_ERR_RATE_LIMITED" });

  f.post("/login", {
    onRequest: async (req, reply) => {
      const wait = await guard.address(req.ip);
      if (wait > 0) return tooMany(reply, wait);
    },
    handler: async (req, reply) => {
      const { username, password } = await credentials(req);
      const name = username.toLowerCase();
      const wait = await guard.pair(req.ip, name);
      if (wait > 0) return tooMany(reply, wait);
      const delay = await guard.delay(name);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (!(await auth.check(username, password))) {
        await guard.failed(name);
        return reply.code(401).send({ error: "Incorrect credentials.", detail: "Incorrect credentials.", code: "TR_ERR_LOGIN_FAILED" });
      }
      const token = await auth.tokens.issue(username);
      reply.setCookie(auth.cookieName, token, {
        httpOnly: true,
        sameSite: "lax",
        secure: s.isHttps(req),
        path: s.options.prefix || "/",
        maxAge: Math.floor(auth.tokens.ttlMs / 1000),
      });
      return { success: true };
    },
  });
}
