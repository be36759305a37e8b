import type { FastifyInstance } from "fastify";
import { API_PREFIX } from "../../app/config.js";
import { publicMessage, runEvent, RunError } from "../../app/event.js";
import { HttpError } from "../../errors.js";
import { QueueFullError, type Job, type QueueMessage } from "../../queue/scheduler.js";
import { newId, type Served } from "../context.js";
import { body, sessionHash } from "../validate.js";

/** Generators stream at most this many updates a second per client; the final value is always sent. */
const GENERATE_INTERVAL_MS = 50;

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
    const root = s.root(req);
    const request = s.requestInfo(req, hash);
    const send = (msg: QueueMessage) => channel.send({ ...msg, event_id: id });
    const data = b.data;
    const job: Job = {
      id,
      sessionHash: hash,
      event,
      controller: new AbortController(),
      send,
      run: async () => {
        const started = performance.now();
        let lastGenerate = 0;
        let first = true;
        try {
          const output = await runEvent(s.app, event, data, {
            sessionKey: key,
            root,
            request,
            signal: job.controller.signal,
            onProgress: (progress_data) => send({ msg: "progress", progress_data }),
            onGenerate: (values) => {
              const now = performance.now();
              if (!first && now - lastGenerate < GENERATE_INTERVAL_MS) return;
              lastGenerate = now;
              // The first update carries full values; later ones replace each output whole (a valid diff).
              const output = first ? values : values.map((v) => [["replace", [], v]]);
              first = false;
              send({ msg: "process_generating", output: { data: output, is_generating: true }, success: true });
            },
          });
          const duration = (performance.now() - started) / 1000;
          send({
            msg: "process_completed",
            output: { data: output, is_generating: false, duration, average_duration: duration, render_config: null, changed_state_ids: [] },
            success: true,
          });
        } catch (err) {
          const failure = err instanceof RunError ? err.failure : { kind: "internal" as const, message: String(err), error: err };
          if (failure.kind === "internal") req.log.error({ err: failure.error ?? failure.message }, "function failed");
          const message = job.controller.signal.aborted ? "Cancelled" : publicMessage(failure, s.options.showError);
          send({
            msg: "process_completed",
            output: {
              error: message,
              title: failure.kind === "user" ? failure.title : "Error",
              duration: failure.kind === "user" ? failure.duration : null,
              visible: true,
            },
            success: false,
          });
        }
      },
    };
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
