import { publicMessage, RunError, runEvent, runEventBatch, type RunOptions } from "../runtime/run.js";
import type { EventDef } from "../graph/graph.js";
import { diff } from "../protocol/diff.js";
import type { Job, QueueMessage } from "../queue/scheduler.js";
import type { Served } from "./context.js";

/** Generators stream at most this many updates a second per client; the final value is always sent whole. */
const GENERATE_INTERVAL_MS = 50;

/**
 * Streams a generator's values to one client: the first update whole, then diffs against what the client
 * holds; at most one update per interval, the latest value winning (trailing edge), so a fast generator
 * neither floods the stream nor hides its latest value.
 */
class Streamer {
  private shown: unknown[] | null = null;
  private latest: (() => Promise<unknown[]>) | null = null;
  private lastSent = 0;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> = Promise.resolve();
  private done = false;

  constructor(private readonly send: (msg: QueueMessage) => void) {}

  update(render: () => Promise<unknown[]>) {
    if (this.done) return;
    this.latest = render;
    if (this.timer) return;
    const wait = this.lastSent + GENERATE_INTERVAL_MS - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush() {
    this.timer = null;
    const render = this.latest;
    this.latest = null;
    if (!render || this.done) return;
    this.lastSent = performance.now();
    this.sending = this.sending.then(async () => {
      let values: unknown[];
      try {
        values = await render();
      } catch {
        return; // an update that cannot be shown is skipped; the final result reports the error
      }
      if (this.done) return;
      const output = this.shown === null ? values : values.map((v, i) => diff(this.shown![i], v));
      this.shown = structuredClone(values);
      this.send({ msg: "process_generating", output: { data: output, is_generating: true }, success: true });
    });
  }

  /** Stops streaming; pending updates are dropped because the completion carries the final value. */
  async finish() {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sending;
  }
}

function failureMessage(job: Job, err: unknown, s: Served): QueueMessage {
  const failure = err instanceof RunError ? err.failure : { kind: "internal" as const, message: String(err), error: err };
  if (failure.kind === "internal") console.error(`tradio: ${job.event.apiName ?? job.event.id} failed:`, failure.error ?? failure.message);
  const message = job.controller.signal.aborted ? "Cancelled" : publicMessage(failure, s.options.showError);
  return {
    msg: "process_completed",
    output: {
      error: message,
      title: failure.kind === "user" ? failure.title : "Error",
      duration: failure.kind === "user" ? failure.duration : null,
      visible: true,
    },
    success: false,
  };
}

function successMessage(data: unknown[], started: number): QueueMessage {
  const duration = (performance.now() - started) / 1000;
  return {
    msg: "process_completed",
    output: { data, is_generating: false, duration, average_duration: duration, render_config: null, changed_state_ids: [] },
    success: true,
  };
}

export interface QueuedCall extends Job {
  data: unknown;
  options: RunOptions;
}

/** A queued call of `event`: runs through `runEvent`, reporting on the session's stream. */
export function makeJob(
  s: Served,
  event: EventDef,
  ids: { id: string; sessionHash: string },
  data: unknown,
  options: Omit<RunOptions, "signal" | "onProgress" | "onGenerate">,
  send: (msg: QueueMessage) => void,
): QueuedCall {
  const controller = new AbortController();
  const streamer = new Streamer(send);
  const job: QueuedCall = {
    ...ids,
    event,
    controller,
    send,
    data,
    options: {
      ...options,
      signal: controller.signal,
      onProgress: (progress_data) => send({ msg: "progress", progress_data }),
      onGenerate: (render) => streamer.update(render),
    },
    run: async () => {
      const started = performance.now();
      try {
        const output = await runEvent(s.app, event, data, job.options);
        await streamer.finish();
        send(successMessage(output, started));
      } catch (err) {
        await streamer.finish();
        send(failureMessage(job, err, s));
      }
    },
    runBatch: async (jobs: Job[]) => {
      const started = performance.now();
      const calls = jobs as QueuedCall[];
      const outcomes = await runEventBatch(s.app, event, calls.map((c) => ({ data: c.data, opts: c.options })));
      outcomes.forEach((o, i) => calls[i].send(o.ok ? successMessage(o.data, started) : failureMessage(calls[i], o.error, s)));
    },
  };
  return job;
}
