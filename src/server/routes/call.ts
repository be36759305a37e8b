import type { FastifyInstance } from "fastify";
import { LRUCache } from "lru-cache";
import { HttpError } from "../../core/errors.js";
import { API_PREFIX } from "../../protocol/config.js";
import type { JobEvent } from "../../queue/scheduler.js";
import { newId, type Served } from "../context.js";
import { body, sessionHash } from "../validate.js";

/** Where the two steps live: `POST <CALL_PATH>/<api>` then `GET <CALL_PATH>/<api>/<event_id>`. */
export const CALL_PATH = `${API_PREFIX}/call`;

/** Calls whose stream has not been read yet are kept this long, at most this many (the oldest go first). */
const KEEP_MS = 10 * 60 * 1000;
const MAX_CALLS = 10_000;

/** One SSE message of the stream: `event: <name>` and its JSON `data`. */
const message = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** A call made by POST, waiting for (or being read by) its GET. */
interface Pending {
  api: string;
  /** The login that made it: only the same login reads it. */
  user: string | null;
  /** What the stream says, in order; the last is `complete` or `error` once the call has ended. */
  sent: string[];
  ended: boolean;
  listeners: Set<() => void>;
}

/**
 * Gradio's two-step API for curl and other plain HTTP callers: `POST /gradio_api/call/<api>` with
 * `{"data": [...]}` answers `{"event_id"}` at once (the call is queued like any other); `GET
 * /gradio_api/call/<api>/<event_id>` is its event stream: `generating` for each streamed value,
 * `complete` with the outputs, or `error` with the shown message (null when hidden).
 */
export function callRoutes(f: FastifyInstance, s: Served): void {
  const calls = new LRUCache<string, Pending>({ max: MAX_CALLS, ttl: KEEP_MS });

  f.post<{ Params: { api: string } }>(`${CALL_PATH}/:api`, async (req) => {
    const b = body(req.body);
    const event = s.graph.eventByName(req.params.api);
    if (!event) throw new HttpError(404, "TR_ERR_NOT_FOUND", `no endpoint named /${req.params.api}`);
    if (!Array.isArray(b.data)) throw new HttpError(422, "TR_ERR_BAD_REQUEST", 'body must have a "data" array with one value per input');
    const hash = sessionHash(b.session_hash, false);
    const id = newId();
    const pending: Pending = { api: req.params.api, user: req.tradioUser ?? null, sent: [], ended: false, listeners: new Set() };
    calls.set(id, pending);
    const push = (text: string, last = false) => {
      pending.sent.push(text);
      pending.ended ||= last;
      for (const listener of pending.listeners) listener();
    };
    const onEvent = (e: JobEvent) => {
      if (e.type === "generating") push(message("generating", e.data));
    };
    void s.transport
      .call({ id, eventId: event.id, sessionKey: hash === null ? null : s.sessionKey(req, hash), data: b.data, request: s.requestInfo(req, hash), root: s.root(req) }, onEvent)
      .then(
        (ended) => {
          if (ended.type === "finished") push(message("complete", ended.data), true);
          else if (ended.type === "cancelled") push(message("error", "Cancelled"), true);
          else push(message("error", ended.error.message), true);
        },
        // The queue refused it (full, too many from this caller): the stream says so.
        (err: unknown) => push(message("error", err instanceof Error ? err.message : "the call could not be queued"), true),
      );
    return { event_id: id };
  });

  f.get<{ Params: { api: string; id: string } }>(`${CALL_PATH}/:api/:id`, async (req, reply) => {
    const pending = calls.get(req.params.id);
    if (!pending || pending.api !== req.params.api || pending.user !== (req.tradioUser ?? null)) {
      throw new HttpError(404, "TR_ERR_NOT_FOUND", "no such call (it was read, expired, or belongs to another login)");
    }
    // Read once: the stream is the call's answer, not a record kept for anyone who has its id.
    calls.delete(req.params.id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" });
    let written = 0;
    const flush = () => {
      while (written < pending.sent.length) res.write(pending.sent[written++]);
      if (pending.ended) {
        pending.listeners.delete(flush);
        clearInterval(heartbeat);
        res.end();
      }
    };
    // Keeps proxies from closing a stream that waits long in the queue.
    const heartbeat = setInterval(() => res.write(message("heartbeat", null)), 15_000);
    pending.listeners.add(flush);
    res.once("close", () => {
      pending.listeners.delete(flush);
      clearInterval(heartbeat);
    });
    flush();
  });
}
