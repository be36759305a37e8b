import type { FastifyInstance } from "fastify";
import { HttpError } from "../../core/errors.js";
import { API_PREFIX } from "../../protocol/config.js";
import { CLOSE_STREAM, sessionNotFound } from "../../protocol/frames.js";
import { newId, type Served } from "../context.js";
import { body, sessionHash } from "../validate.js";

/** The queue of sse_v3: join, the session's event stream, cancel. */
export function queueRoutes(f: FastifyInstance, s: Served): void {
  f.post(`${API_PREFIX}/queue/join`, async (req, reply) => {
    const b = body(req.body);
    const hash = sessionHash(b.session_hash)!;
    const event = typeof b.fn_index === "number" ? s.graph.eventByIndex(b.fn_index) : typeof b.api_name === "string" ? s.graph.eventByName(b.api_name) : undefined;
    if (!event || !event.fn) throw new HttpError(404, "TR_ERR_NOT_FOUND", `unknown function: fn_index ${JSON.stringify(b.fn_index ?? b.api_name ?? null)}`);
    if (!Array.isArray(b.data)) throw new HttpError(422, "TR_ERR_BAD_REQUEST", '"data" must be an array with one value per input');

    const key = s.sessionKey(req, hash);
    const channel = s.transport.channels.open(key);
    const id = newId();
    channel.onDisconnect ??= () => {
      for (const pending of channel.pending) void s.transport.scheduler.cancel(pending);
    };
    try {
      await s.transport.stream({ id, eventId: event.id, sessionKey: key, data: b.data, request: s.requestInfo(req, hash), root: s.root(req) }, channel);
    } catch (err) {
      if (err instanceof HttpError) return reply.code(err.statusCode).send({ detail: err.message, error: err.message, code: err.code });
      throw err;
    }
    return { event_id: id };
  });

  f.get<{ Querystring: Record<string, unknown> }>(`${API_PREFIX}/queue/data`, async (req, reply) => {
    const hash = sessionHash(req.query.session_hash)!;
    const key = s.sessionKey(req, hash);
    const channel = s.transport.scheduler.sessions ? await s.transport.claim(key) : s.transport.channels.get(key);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.flushHeaders();
    if (!channel) {
      res.write(sessionNotFound(s.transport.channels.why(key)));
      res.write(CLOSE_STREAM);
      res.end();
      return;
    }
    channel.attach(res);
  });

  f.post(`${API_PREFIX}/cancel`, async (req) => {
    const b = body(req.body);
    if (typeof b.event_id !== "string") throw new HttpError(400, "TR_ERR_BAD_REQUEST", "event_id must be a string");
    const hash = sessionHash(b.session_hash)!;
    // Only the session that started a job may cancel it (the scheduler checks, so a job joined through
    // another process of a shared queue can be cancelled here too).
    await s.transport.scheduler.cancel(b.event_id, s.sessionKey(req, hash));
    return { success: true };
  });

  f.post(`${API_PREFIX}/reset`, async (req) => {
    body(req.body);
    return { success: true };
  });
}
