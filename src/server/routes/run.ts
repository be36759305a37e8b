import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { HttpError } from "../../core/errors.js";
import { API_PREFIX } from "../../protocol/config.js";
import { successOutput } from "../../protocol/frames.js";
import { newId, type Served } from "../context.js";
import { arrived, busy, endOfTurn } from "../turn.js";
import { body, sessionHash } from "../validate.js";

/**
 * One-shot calls: `POST /gradio_api/run/<api_name>` with `{"data": [...]}`, for curl and for clients that
 * skip the queue's stream. The call still takes a slot of the queue, so concurrency limits and the queue's
 * size hold for it too. State works when a session_hash is sent.
 */
export function runRoutes(f: FastifyInstance, s: Served): void {
  const handler = async (req: FastifyRequest<{ Params: { api: string } }>, reply: FastifyReply) => {
    const b = body(req.body);
    const event = s.graph.eventByName(req.params.api);
    if (!event) throw new HttpError(404, "TR_ERR_NOT_FOUND", `no endpoint named /${req.params.api}`);
    if (!("data" in b)) throw new HttpError(400, "TR_ERR_BAD_REQUEST", 'body must have a "data" array');
    if (!Array.isArray(b.data)) throw new HttpError(422, "TR_ERR_BAD_REQUEST", '"data" must be an array with one value per input');
    const hash = sessionHash(b.session_hash, false);
    const id = newId();
    // A caller that goes away cancels its call. (Left attached: once the answer is sent it does nothing.)
    reply.raw.once("close", () => {
      if (!reply.raw.writableFinished) void s.transport.scheduler.cancel(id);
    });
    arrived();
    const ended = await s.transport.call({
      id,
      eventId: event.id,
      sessionKey: hash === null ? null : s.sessionKey(req, hash),
      data: b.data,
      request: s.requestInfo(req, hash),
      root: s.root(req),
    });
    // Under load, answered with the turn's other replies (server/turn.ts).
    if (busy()) await endOfTurn();
    if (ended.type === "finished") return successOutput(ended.data, ended.duration, ended.averageDuration);
    if (ended.type === "cancelled") throw new HttpError(499, "TR_ERR_CANCELLED", "Cancelled");
    // A bad input is the caller's to fix (422); a failure of the function is a 500, as in Gradio.
    const shown = ended.error;
    if (shown.retryAfter !== undefined) reply.header("retry-after", String(shown.retryAfter));
    throw new HttpError(shown.status, shown.code, shown.message ?? "An error occurred while running the function");
  };
  f.post<{ Params: { api: string } }>(`${API_PREFIX}/run/:api`, handler);
  f.post<{ Params: { api: string } }>(`${API_PREFIX}/api/:api`, handler);
}
