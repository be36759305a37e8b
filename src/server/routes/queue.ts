import type { FastifyInstance } from "fastify";
import { API_PREFIX } from "../../protocol/config.js";
import { HttpError } from "../../core/errors.js";
import { QueueFullError, type QueueMessage } from "../../queue/scheduler.js";
import { makeJob } from "../jobs.js";
import { newId, type Served } from "../context.js";
import { body, sessionHash } from "../validate.js";

export function queueRoutes(f: FastifyInstance, s: Served): void {
  f.post(`${API_PREFIX}/queue/join`, async (req, reply) => {
    const b = body(req.body);
    const hash = sessionHash(b.session_hash)!;
    const event = typeof b.fn_index === "number" ? s.app.eventByIndex(b.fn_index) : typeof b.api_name === "string" ? s.app.eventByName(b.api_name) : undefined;
    if (!event || !event.fn) throw new HttpError(404, `unknown function: fn_index ${JSON.stringify(b.fn_index ?? b.api_name ?? null)}`);
    if (!Array.isArray(b.data)) throw new HttpError(422, '"data" must be an array with one value per input');

    const key = s.sessionKey(req, hash);
    const channel = s.channels.open(key);
    const id = newId();
    const send = (msg: QueueMessage) => channel.send({ ...msg, event_id: id });
    const job = makeJob(s, event, { id, sessionHash: hash }, b.data, { sessionKey: key, root: s.root(req), request: s.requestInfo(req, hash) }, send);
    channel.pending.add(id);
    channel.onDisconnect = () => {
      for (const pending of channel.pending) s.scheduler.cancel(pending);
    };
    try {
      s.scheduler.push(job);
    } catch (err) {
      channel.pending.delete(id);
      if (err instanceof QueueFullError) return reply.code(503).send({ detail: err.message, error: err.message });
      throw err;
    }
    return { event_id: id };
  });

  f.get<{ Querystring: Record<string, unknown> }>(`${API_PREFIX}/queue/data`, async (req, reply) => {
    const hash = sessionHash(req.query.session_hash)!;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.flushHeaders();
    const channel = s.channels.get(s.sessionKey(req, hash));
    if (!channel) {
      res.write(`data: ${JSON.stringify({ msg: "unexpected_error", message: "Session not found.", session_not_found: true, success: false, event_id: null })}\n\n`);
      res.write(`data: ${JSON.stringify({ msg: "close_stream", event_id: null })}\n\n`);
      res.end();
      return;
    }
    channel.attach(res);
  });

  f.post(`${API_PREFIX}/cancel`, async (req) => {
    const b = body(req.body);
    if (typeof b.event_id !== "string") throw new HttpError(400, "event_id must be a string");
    const hash = sessionHash(b.session_hash)!;
    // Only the session that started a job may cancel it.
    const channel = s.channels.get(s.sessionKey(req, hash));
    if (channel?.pending.has(b.event_id)) s.scheduler.cancel(b.event_id);
    return { success: true };
  });

  f.post(`${API_PREFIX}/reset`, async (req) => {
    body(req.body);
    return { success: true };
  });
}
