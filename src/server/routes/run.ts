import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { API_PREFIX } from "../../protocol/config.js";
import { publicMessage, runEvent, RunError } from "../../runtime/run.js";
import { HttpError } from "../../core/errors.js";
import type { Served } from "../context.js";
import { body, sessionHash } from "../validate.js";

/**
 * One-shot calls outside the queue: `POST /gradio_api/run/<api_name>` with `{"data": [...]}`, for curl
 * and for clients that skip the queue. State still works when a session_hash is sent.
 */
export function runRoutes(f: FastifyInstance, s: Served): void {
  const handler = async (req: FastifyRequest<{ Params: { api: string } }>, reply: FastifyReply) => {
    const b = body(req.body);
    const event = s.app.eventByName(req.params.api);
    if (!event) throw new HttpError(404, `no endpoint named /${req.params.api}`);
    if (!("data" in b)) throw new HttpError(400, 'body must have a "data" array');
    const hash = sessionHash(b.session_hash, false);
    // The signal (and its listener) exist only if the function asks for it.
    const signal = () => {
      const controller = new AbortController();
      reply.raw.on("close", () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      return controller.signal;
    };
    const started = performance.now();
    try {
      const data = await runEvent(s.app, event, b.data, {
        sessionKey: hash === null ? null : s.sessionKey(req, hash),
        root: s.root(req),
        request: () => s.requestInfo(req, hash),
        signal,
      });
      const duration = (performance.now() - started) / 1000;
      return { data, is_generating: false, duration, average_duration: duration, render_config: null, changed_state_ids: [] };
    } catch (err) {
      if (!(err instanceof RunError)) throw err;
      const failure = err.failure;
      if (failure.kind === "input") throw new HttpError(422, failure.message);
      if (failure.kind === "internal") req.log.error({ err: failure.error ?? failure.message }, "function failed");
      // The function failed: a 500 as in Gradio, with only what the caller may see.
      throw new HttpError(500, publicMessage(failure, s.options.showError) ?? "An error occurred while running the function");
    }
  };
  f.post<{ Params: { api: string } }>(`${API_PREFIX}/run/:api`, handler);
  f.post<{ Params: { api: string } }>(`${API_PREFIX}/api/:api`, handler);
}
