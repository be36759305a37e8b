import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import { LRUCache } from "lru-cache";
import { HttpError } from "../../core/errors.js";
import { API_PREFIX } from "../../protocol/config.js";
import type { FinalEvent, JobEvent } from "../../queue/scheduler.js";
import { congested, cutIfBacklogged, MAX_UNREAD_BYTES } from "../channels.js";
import { newId, type Served } from "../context.js";
import { body, sessionHash } from "../validate.js";

/** Where the two steps live: `POST <CALL_PATH>/<api>` then `GET <CALL_PATH>/<api>/<event_id>`. */
export const CALL_PATH = `${API_PREFIX}/call`;

/** Calls whose stream has not been opened yet, at most this many (the oldest are cancelled and dropped past it). */
const MAX_CALLS = 10_000;

/** One SSE message of the stream: `event: <name>` and its JSON `data`. */
const message = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** A call made by POST, waiting for (or being read by) its GET. */
interface Pending {
  api: string;
  /** The login that made it: only the same login reads it. */
  user: string | null;
  /**
   * What the stream says and nobody has read yet, in order; the last is `complete` or `error` once the
   * call has ended. Until the stream opens, only the latest `generating` value is kept.
   */
  unread: string[];
  /** Their length, counted in the route's total of unread bytes. */
  unreadBytes: number;
  ended: boolean;
  /** The stream, once its GET came (it is read once); messages go straight to it. */
  out: ServerResponse | null;
  /** Taken by its GET: no longer waiting for one. */
  taken: boolean;
  /** Cancels the call unless its stream opens in time (`attachTimeout`). */
  attachTimer: NodeJS.Timeout | null;
  heartbeat: NodeJS.Timeout | null;
  /** The latest streamed value held back while the reader is behind (see `congested`). */
  held: string | null;
}

/**
 * Gradio's two-step API for curl and other plain HTTP callers: `POST /gradio_api/call/<api>` with
 * `{"data": [...]}` answers `{"event_id"}` once the call is queued (a full queue or too many calls from the
 * address is refused there, 503 / 429); `GET /gradio_api/call/<api>/<event_id>` is its event stream:
 * `generating` for each streamed value, `complete` with the outputs, or `error` with the shown message
 * (null when hidden). Like a queue session, a call whose stream is not opened within `attachTimeout` is
 * cancelled and forgotten, one whose stream closes early is cancelled, and an unread call keeps only its
 * latest streamed value, so calls nobody reads cost little and not for long.
 */
export function callRoutes(f: FastifyInstance, s: Served): void {
  const cancel = (id: string) => void s.transport.scheduler.cancel(id);
  /** What calls not yet read hold, all together: past MAX_UNREAD_BYTES the call that adds more is dropped. */
  let unreadBytes = 0;
  /** Calls dropped unread lately, and why: reading one says so (a few words each, bounded). */
  const dropped = new LRUCache<string, { why: string; user: string | null }>({ max: 10_000, ttl: 10 * 60_000 });
  const drop = (pending: Pending) => {
    unreadBytes -= pending.unreadBytes;
    pending.unreadBytes = 0;
    pending.unread = [];
  };
  const calls = new LRUCache<string, Pending>({
    max: MAX_CALLS,
    // Dropped unread (evicted, or its stream never opened): nobody can read it any more, so it stops.
    dispose: (pending, id) => {
      if (pending.attachTimer) clearTimeout(pending.attachTimer);
      pending.attachTimer = null;
      if (!pending.taken) drop(pending);
      if (!pending.taken && !pending.ended) cancel(id);
    },
  });

  /** Ends the call's stream, if it is open. */
  const finish = (pending: Pending) => {
    if (pending.heartbeat) clearInterval(pending.heartbeat);
    pending.heartbeat = null;
    if (pending.out && !pending.out.writableEnded) pending.out.end();
  };

  f.post<{ Params: { api: string } }>(`${CALL_PATH}/:api`, async (req) => {
    const b = body(req.body);
    const event = s.graph.eventByName(req.params.api);
    if (!event) throw new HttpError(404, "TR_ERR_NOT_FOUND", `no endpoint named /${req.params.api}`);
    if (!Array.isArray(b.data)) throw new HttpError(422, "TR_ERR_BAD_REQUEST", 'body must have a "data" array with one value per input');
    const hash = sessionHash(b.session_hash, false);
    const id = newId();
    const pending: Pending = { api: req.params.api, user: req.tradioUser ?? null, unread: [], unreadBytes: 0, ended: false, out: null, taken: false, attachTimer: null, heartbeat: null, held: null };
    const push = (text: string, last = false) => {
      pending.ended ||= last;
      const out = pending.out;
      if (out) {
        const streamed = text.startsWith("event: generating\n");
        // A reader that is not keeping up gets no more values until it has read what was sent; then the latest.
        if (streamed && congested(out)) {
          if (pending.held === null) {
            out.once("drain", () => {
              const latest = pending.held;
              pending.held = null;
              if (latest !== null && pending.out === out && !out.writableEnded) out.write(latest);
            });
          }
          pending.held = text;
          return;
        }
        pending.held = null; // what is sent now is newer (a result carries the whole value)
        out.write(text);
        // A reader that does not read even the result: cut (its "close" cancels the call if it still runs).
        if (cutIfBacklogged(out)) return;
        if (last) finish(pending);
        return;
      }
      // Unread: a late reader needs the latest value, not every one.
      if (pending.taken || calls.peek(id) !== pending) return; // dropped meanwhile: nobody will read it
      // At most one streamed value waits: the one before this is replaced.
      const older = text.startsWith("event: generating\n") ? pending.unread.findIndex((m) => m.startsWith("event: generating\n")) : -1;
      if (older >= 0) {
        const [gone] = pending.unread.splice(older, 1);
        pending.unreadBytes -= gone.length;
        unreadBytes -= gone.length;
      }
      pending.unread.push(text);
      pending.unreadBytes += text.length;
      unreadBytes += text.length;
      if (unreadBytes > MAX_UNREAD_BYTES) {
        dropped.set(id, { why: `dropped: the app's calls not yet read held more than ${MAX_UNREAD_BYTES / 2 ** 20} MiB of results`, user: pending.user });
        calls.delete(id); // cancelled if it still runs
      }
    };
    const onEvent = (e: JobEvent) => {
      if (e.type === "generating") push(message("generating", e.data));
    };
    calls.set(id, pending);
    let ended: Promise<FinalEvent>;
    try {
      ({ ended } = await s.transport.submit(
        { id, eventId: event.id, sessionKey: hash === null ? null : s.sessionKey(req, hash), data: b.data, request: s.requestInfo(req, hash), root: s.root(req) },
        onEvent,
      ));
    } catch (err) {
      // Refused by the queue (full, too many from this address): answered here, nothing kept.
      pending.ended = true;
      calls.delete(id);
      throw err;
    }
    void ended.then((last) => {
      if (last.type === "finished") push(message("complete", last.data), true);
      else if (last.type === "cancelled") push(message("error", "Cancelled"), true);
      else push(message("error", last.error.message), true);
    });
    if (!pending.taken) {
      pending.attachTimer = setTimeout(() => {
        pending.attachTimer = null;
        if (pending.taken) return;
        dropped.set(id, { why: `cancelled: its stream did not open within ${+(s.transport.attachMs / 1000).toFixed(1)} s (attachTimeout)`, user: pending.user });
        calls.delete(id);
      }, s.transport.attachMs);
      pending.attachTimer.unref();
    }
    return { event_id: id };
  });

  f.get<{ Params: { api: string; id: string } }>(`${CALL_PATH}/:api/:id`, async (req, reply) => {
    const pending = calls.get(req.params.id);
    if (!pending || pending.api !== req.params.api || pending.user !== (req.tradioUser ?? null)) {
      const gone = pending ? undefined : dropped.get(req.params.id);
      const why = gone && gone.user === (req.tradioUser ?? null) ? gone.why : undefined;
      throw new HttpError(404, "TR_ERR_NOT_FOUND", why ? `no such call: it was ${why}` : "no such call (it was read, expired, or belongs to another login)");
    }
    // Read once: the stream is the call's answer, not a record kept for anyone who has its id.
    pending.taken = true;
    calls.delete(req.params.id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" });
    for (const text of pending.unread) res.write(text);
    drop(pending);
    pending.out = res;
    if (pending.ended) return finish(pending);
    // Keeps proxies from closing a stream that waits long in the queue.
    pending.heartbeat = setInterval(() => res.write(message("heartbeat", null)), 15_000);
    res.once("close", () => {
      finish(pending);
      pending.out = null;
      // Its only reader went away: nobody can read the call any more.
      if (!pending.ended) cancel(req.params.id);
    });
  });
}
