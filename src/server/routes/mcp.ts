import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { LRUCache } from "lru-cache";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Tally } from "../../core/counter.js";
import { HttpError } from "../../core/errors.js";
import type { EventDef } from "../../graph/graph.js";
import type { Tool } from "../../mcp/tools.js";
import { API_PREFIX } from "../../protocol/config.js";
import type { McpToolInfo } from "../../protocol/types.js";
import type { JobEvent } from "../../queue/scheduler.js";
import { congested, cutIfBacklogged } from "../channels.js";
import { newId, type Served } from "../context.js";
import { McpMessageRelay, McpSessionRegistry } from "../mcp-sessions.js";
import { body } from "../validate.js";

/** The MCP endpoint's paths, under the app's prefix: Streamable HTTP, and the older SSE transport. */
export const MCP_PATH = `${API_PREFIX}/mcp/`;
export const MCP_SSE_PATH = `${API_PREFIX}/mcp/sse`;
const MCP_MESSAGES_PATH = `${API_PREFIX}/mcp/messages`;
const MCP_TOKENS_PATH = `${API_PREFIX}/mcp/tokens`;
const MCP_SCHEMA_PATH = `${API_PREFIX}/mcp/schema`;

/** Session ids are the SDK's and ours: UUIDs. Anything else is refused before it is looked up. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Sessions kept at once (the oldest is closed past it) and how long an idle one lives. */
const MAX_SESSIONS = 1000;
const IDLE_MS = 60 * 60 * 1000;
/**
 * Sessions one client address may hold open: far above what agents on one machine use, far below
 * MAX_SESSIONS, so one address cannot push everyone else's sessions out.
 */
export const MAX_SESSIONS_PER_CLIENT = 100;

type Transport = StreamableHTTPServerTransport | SSEServerTransport;
interface Session {
  transport: Transport;
  server: Server;
  /** The login that opened it: a session is only ever used by the same login. */
  user: string | null;
  /** Gives back its place in its client address's count; once. */
  release: () => void;
  closing?: boolean;
}

/**
 * The app as an MCP server (`launch({ mcpServer: true })`): one tool per API endpoint, called through the
 * same queue and run path as every other caller. Each MCP session gets its own SDK Server and its own
 * state (keyed by the session, and by the login when the app has one). With `auth`, the endpoint takes a
 * login cookie or a bearer token that a logged-in person creates at /gradio_api/mcp/tokens. `perClient`
 * counts the sessions open per client address (MAX_SESSIONS_PER_CLIENT; with Redis, for the whole app).
 */
export async function mcpRoutes(f: FastifyInstance, s: Served, perClient: Tally): Promise<void> {
  const [{ mcpServer }, { buildTools }, { StreamableHTTPServerTransport }, { SSEServerTransport }, { isInitializeRequest, JSONRPCMessageSchema }] = await Promise.all([
    import("../../mcp/server.js"),
    import("../../mcp/tools.js"),
    import("@modelcontextprotocol/sdk/server/streamableHttp.js"),
    import("@modelcontextprotocol/sdk/server/sse.js"),
    import("@modelcontextprotocol/sdk/types.js"),
  ]);
  const tools: Tool[] = await buildTools(s.graph);
  const sessions = new LRUCache<string, Session>({
    max: MAX_SESSIONS,
    ttl: IDLE_MS,
    updateAgeOnGet: true,
    // Evicted or expired: close it (its own close then finds it already gone).
    dispose: (session) => {
      session.release();
      if (session.closing) return;
      session.closing = true;
      void session.transport.close().catch(() => {});
    },
  });

  // Idle sessions past their time are dropped only when looked at: looked at every minute, so that what
  // an address holds (counted for all processes, with Redis) does not include them for long.
  const purge = setInterval(() => sessions.purgeStale(), 60_000);
  purge.unref();
  /** A place among the client address's open sessions, or 429; returns its release. */
  const admit = async (req: FastifyRequest): Promise<() => void> => {
    const client = req.ip ?? "";
    let taken = await perClient.take(client);
    if (!taken) {
      // Its own expired sessions give their places back first (a place given back is counted before the next take).
      sessions.purgeStale();
      taken = await perClient.take(client);
    }
    if (!taken) {
      throw new HttpError(429, "TR_ERR_RATE_LIMITED", `too many MCP sessions open from this address (at most ${perClient.limit}); close some (DELETE with their mcp-session-id) or let them expire`);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      perClient.give(client);
    };
  };
  /** The client went away while its place was being taken (in Redis): the place goes back at once. */
  const gone = (req: FastifyRequest, release: () => void): boolean => {
    if (!req.raw.socket?.destroyed) return false;
    release();
    return true;
  };

  // With `redis`, Streamable HTTP sessions are recorded there, so any process serves any session.
  const registry = s.shared ? new McpSessionRegistry(s.shared.client, s.shared.namespace, IDLE_MS) : null;
  const relay = s.shared ? new McpMessageRelay(s.shared.client, s.shared.namespace) : null;
  // A session ended through another process: the one that opened it lets it go (its transport, its place).
  await relay?.whenEnded((id) => void sessions.delete(id));

  /**
   * A session's server: its state lives under the session's own key, bound to the login when there is one.
   * `shared`: the session is a Streamable HTTP one, whose calls other processes may be asked to cancel.
   */
  const open = (req: FastifyRequest, id: string, shared: boolean): Server => {
    const sessionKey = s.sessionKey(req, `mcp-${id}`);
    const request = s.requestInfo(req, `mcp-${id}`);
    const root = s.root(req);
    const calls = shared ? registry : null;
    return mcpServer({
      name: s.graph.meta.title ?? "tradio",
      tools,
      files: s.runtime.files.forCaller(req.tradioUser ?? null),
      run: async (event: EventDef, data: unknown[], onEvent: (e: JobEvent) => void, signal: AbortSignal, requestId: string | number) => {
        const jobId = newId();
        const cancel = () => void s.transport.scheduler.cancel(jobId);
        signal.addEventListener("abort", cancel, { once: true });
        await calls?.callStarted(id, requestId, jobId);
        try {
          return await s.transport.call({ id: jobId, eventId: event.id, sessionKey, data, request, root }, onEvent);
        } finally {
          signal.removeEventListener("abort", cancel);
          void calls?.callEnded(id, requestId).catch(() => {});
        }
      },
    });
  };

  /** A session, if it exists and belongs to this caller's login. */
  const mine = (req: FastifyRequest, id: string): Session | undefined => {
    const session = sessions.get(id);
    return session && session.user === (req.tradioUser ?? null) ? session : undefined;
  };

  const hijacked = (reply: FastifyReply) => {
    reply.hijack();
    return reply.raw;
  };

  const noSession = () => new HttpError(404, "TR_ERR_NOT_FOUND", "no such MCP session (it ended or expired); initialize a new one");

  /** A client's cancel reaches the call's job wherever it runs (the SDK only knows the calls of its own process). */
  const cancelCalls = async (id: string, body: unknown) => {
    for (const m of Array.isArray(body) ? body : [body]) {
      const requestId = (m as { method?: unknown; params?: { requestId?: unknown } } | null)?.method === "notifications/cancelled" ? (m as { params?: { requestId?: unknown } }).params?.requestId : undefined;
      if (typeof requestId !== "string" && typeof requestId !== "number") continue;
      const jobId = await registry!.jobOf(id, requestId);
      if (jobId) await s.transport.scheduler.cancel(jobId);
    }
  };

  /**
   * A request of a session another process opened (or this one no longer holds): served by a transport
   * and server made for this request alone, on the session's state. Only its own stream is offered: a GET
   * for server-initiated messages is answered 405, which clients take as "none" (the tools send none).
   */
  const serveShared = async (req: FastifyRequest, reply: FastifyReply, id: string) => {
    if (req.method === "GET") return reply.code(405).header("allow", "POST, DELETE").send({ error: "this process offers no stream of its own for the session; POST requests", code: "TR_ERR_BAD_REQUEST" });
    if (req.method === "DELETE") return reply.code(200).send();
    if (isInitializeRequest(req.body)) throw new HttpError(400, "TR_ERR_BAD_REQUEST", "this MCP session is initialized already");
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    const server = open(req, id, true);
    await server.connect(transport);
    const raw = hijacked(reply);
    raw.on("close", () => void server.close().catch(() => {}));
    return transport.handleRequest(req.raw, raw, req.body);
  };

  // Streamable HTTP: POST carries requests (an initialize opens a session), GET a session's own stream, DELETE ends it.
  const streamable = async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers["mcp-session-id"];
    if (header !== undefined && typeof header !== "string") throw new HttpError(400, "TR_ERR_BAD_REQUEST", "one mcp-session-id header only");
    const id = header;
    if (id !== undefined && !SESSION_ID.test(id)) throw noSession();
    if (id !== undefined && registry) {
      // The registry decides: another process may have ended the session, or opened it.
      const shared = await registry.lookup(id);
      if (shared === undefined) {
        sessions.delete(id);
        throw noSession();
      }
      if (shared.user !== (req.tradioUser ?? null) || shared.via !== undefined) throw noSession();
      if (req.method === "POST") await cancelCalls(id, req.body);
      if (req.method === "DELETE") {
        await registry.close(id);
        await relay?.ended(id);
      }
    }
    const known = id !== undefined ? mine(req, id) : undefined;
    if (known) {
      if (!("handleRequest" in known.transport)) throw new HttpError(400, "TR_ERR_BAD_REQUEST", "this MCP session uses the SSE transport");
      return known.transport.handleRequest(req.raw, hijacked(reply), req.body);
    }
    if (id !== undefined) {
      if (registry) return serveShared(req, reply, id);
      throw noSession();
    }
    if (req.method !== "POST" || !isInitializeRequest(req.body)) {
      throw new HttpError(400, "TR_ERR_BAD_REQUEST", "an MCP session starts with an initialize request (POST, no mcp-session-id header)");
    }
    const release = await admit(req);
    if (gone(req, release)) return reply;
    const sid = randomUUID();
    const user = req.tradioUser ?? null;
    const server = open(req, sid, true);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => sid,
      onsessioninitialized: async () => {
        sessions.set(sid, { transport, server, user, release });
        await registry?.open(sid, { user });
      },
      onsessionclosed: () => void sessions.delete(sid),
    });
    // An initialize that opens no session (refused, or the client went away) gives its place back.
    reply.raw.once("close", () => {
      if (transport.sessionId === undefined) release();
    });
    await server.connect(transport);
    return transport.handleRequest(req.raw, hijacked(reply), req.body);
  };
  for (const url of [MCP_PATH, MCP_PATH.slice(0, -1)]) f.route({ method: ["GET", "POST", "DELETE"], url, handler: streamable });

  // The tool list without an MCP session, as Gradio serves it: the page's API panel shows it.
  const schema: McpToolInfo[] = tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
  f.get(MCP_SCHEMA_PATH, async () => schema);

  // The older transport: GET opens the event stream, which names where to POST messages. The stream stays
  // on this process; with `redis`, a message posted to another process is passed here through Redis.
  f.get(MCP_SSE_PATH, async (req, reply) => {
    const release = await admit(req);
    if (gone(req, release)) return reply;
    const raw = hijacked(reply);
    const transport = new SSEServerTransport(`${s.options.prefix}${MCP_MESSAGES_PATH}`, raw);
    boundBacklog(transport, raw);
    const id = transport.sessionId;
    const user = req.tradioUser ?? null;
    const server = open(req, id, false);
    sessions.set(id, { transport, server, user, release });
    transport.onclose = () => {
      sessions.delete(id);
      relay?.release(id);
      void registry?.close(id).catch(() => {});
    };
    if (registry && relay) {
      await relay.hold(id, (message) => void transport.handleMessage(message).catch(() => {}));
      await registry.open(id, { user, via: relay.channel });
    }
    await server.connect(transport);
  });
  f.post<{ Querystring: { sessionId?: string } }>(MCP_MESSAGES_PATH, async (req, reply) => {
    const id = req.query.sessionId;
    const known = typeof id === "string" ? mine(req, id) : undefined;
    if (known && "handlePostMessage" in known.transport) return known.transport.handlePostMessage(req.raw, hijacked(reply), req.body);
    if (typeof id === "string" && SESSION_ID.test(id) && registry && relay && !known) {
      const shared = await registry.lookup(id);
      if (shared?.via !== undefined && shared.user === (req.tradioUser ?? null)) {
        if (!JSONRPCMessageSchema.safeParse(req.body).success) throw new HttpError(400, "TR_ERR_BAD_REQUEST", "not a JSON-RPC message");
        if (await relay.pass(shared.via, id, req.body)) return reply.code(202).send("Accepted");
      }
    }
    throw new HttpError(404, "TR_ERR_NOT_FOUND", "no such MCP session; open /gradio_api/mcp/sse first");
  });

  // Sessions hold streams open: they end before the server waits for its connections to finish.
  f.addHook("preClose", async () => {
    clearInterval(purge);
    sessions.clear();
    await relay?.close();
  });

  const auth = s.auth;
  if (!auth) return;
  // Tokens for agents, made by a logged-in person (the login guard has set req.tradioUser).
  const user = (req: FastifyRequest) => {
    if (!req.tradioUser) throw new HttpError(401, "TR_ERR_UNAUTHENTICATED", "log in first");
    return req.tradioUser;
  };
  f.post(MCP_TOKENS_PATH, async (req) => {
    const b = req.body === undefined || req.body === null ? {} : body(req.body);
    const label = typeof b.label === "string" ? b.label : "agent";
    return auth.mcpTokens.create(user(req), label);
  });
  f.get(MCP_TOKENS_PATH, async (req) => ({ tokens: await auth.mcpTokens.list(user(req)) }));
  f.delete<{ Params: { id: string } }>(`${MCP_TOKENS_PATH}/:id`, async (req) => {
    if (!(await auth.mcpTokens.revoke(user(req), req.params.id))) throw new HttpError(404, "TR_ERR_NOT_FOUND", "no such token");
    return { success: true };
  });
}

/**
 * An SSE session's one stream, read slowly or not at all by its client: progress notifications are
 * dropped while it is congested (a later one supersedes each), and past MAX_BACKLOG_BYTES unread the stream
 * is cut, which ends the session, so an agent that stops reading cannot make the server hold its results.
 */
function boundBacklog(transport: SSEServerTransport, res: ServerResponse): void {
  const send = transport.send.bind(transport);
  transport.send = async (message) => {
    if (congested(res) && "method" in message && message.method === "notifications/progress") return;
    await send(message);
    cutIfBacklogged(res);
  };
}
