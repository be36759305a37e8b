import type { ShownFailure } from "../core/errors.js";
import type { EventPolicy, JobData, JobEvent, JobOutcome, JobRunner } from "../queue/scheduler.js";
import type { RunError } from "./failure.js";
import type { RunOptions } from "./run.js";
import type { Runtime } from "./runtime.js";

/** Generators stream at most this many updates a second per call; the final value is always sent whole. */
const GENERATE_INTERVAL_MS = 50;
/**
 * Streamed updates a second that one process sends in all, shared by the calls generating at the time.
 * Each update costs a socket write and the client's work to apply it, so with many streams at once each
 * one's updates are spaced further apart (1000 streams: every 100 ms) rather than the process falling
 * behind all of them. A stream never gets fewer than MIN_UPDATES_PER_SECOND.
 */
const PROCESS_UPDATES_PER_SECOND = 10_000;
const MIN_UPDATES_PER_SECOND = 4;
let generating = 0;

/** The spacing of one stream's updates, in ms, while `active` calls are generating in this process. */
export function updateInterval(active: number): number {
  return Math.min(1000 / MIN_UPDATES_PER_SECOND, Math.max(GENERATE_INTERVAL_MS, (active * 1000) / PROCESS_UPDATES_PER_SECOND));
}

/**
 * A generator's updates for one call: at most one per interval, the latest value winning (trailing edge),
 * so a fast generator neither floods its stream nor hides its latest value. A value is postprocessed only
 * when it is sent.
 */
class Throttle {
  private latest: (() => Promise<unknown[]>) | null = null;
  private lastSent = 0;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> = Promise.resolve();
  private done = false;

  constructor(private readonly send: (data: unknown[]) => void) {
    generating++;
  }

  update(render: () => Promise<unknown[]>): void {
    if (this.done) return;
    this.latest = render;
    if (this.timer) return;
    const wait = this.lastSent + updateInterval(generating) - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
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
      if (!this.done) this.send(values);
    });
  }

  /** Stops; pending updates are dropped because the completion carries the final value. */
  async finish(): Promise<void> {
    if (!this.done) generating--;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sending;
  }
}

/** The runtime as the scheduler sees it: runs jobs (plain data) and reports what happens to them. */
export class RuntimeJobRunner implements JobRunner {
  constructor(private readonly runtime: Runtime) {}

  /** The graph is frozen, so each event's policy is made once (the scheduler asks on every push and start). */
  private readonly policies = new Map<number, EventPolicy | undefined>();

  policy(eventId: number): EventPolicy | undefined {
    if (this.policies.has(eventId)) return this.policies.get(eventId);
    const event = this.runtime.graph.eventByIndex(eventId);
    const policy = event && { concurrencyLimit: event.concurrencyLimit, concurrencyId: event.concurrencyId, batch: event.batch, maxBatchSize: event.maxBatchSize };
    this.policies.set(eventId, policy);
    return policy;
  }

  private options(job: JobData, io: { readonly signal: AbortSignal; report(e: JobEvent): void }, onGenerate?: RunOptions["onGenerate"]): RunOptions {
    return {
      sessionKey: job.sessionKey,
      root: job.root,
      request: job.request,
      // Read only when the function asks for it (most never do).
      signal: () => io.signal,
      onProgress: (progress) => io.report({ type: "progress", jobId: job.id, progress }),
      onGenerate,
    };
  }

  private failed(err: RunError, where: string): JobOutcome {
    return { ok: false, cancelled: err.failure.kind === "cancelled", error: this.runtime.present(err, where) };
  }

  async run(jobs: readonly JobData[], io: { signal: AbortSignal; report(event: JobEvent): void }): Promise<JobOutcome[]> {
    const event = this.runtime.graph.eventByIndex(jobs[0].eventId);
    if (!event) return jobs.map(() => ({ ok: false, cancelled: false, error: internalOutput("unknown event") }));
    const where = event.apiName ?? String(event.id);
    if (event.batch) {
      const outcomes = await this.runtime.runBatch(
        event,
        jobs.map((job) => ({ data: job.data, opts: this.options(job, io) })),
      );
      return outcomes.map((o) => (o.ok ? o : this.failed(o.error, where)));
    }
    const job = jobs[0];
    // Made on a generator's first value: most functions return once.
    let throttle: Throttle | undefined;
    const opts = this.options(job, io, (render) => (throttle ??= new Throttle((data) => io.report({ type: "generating", jobId: job.id, data }))).update(render));
    try {
      const data = await this.runtime.run(event, job.data, opts);
      if (throttle) await throttle.finish();
      return [{ ok: true, data }];
    } catch (err) {
      if (throttle) await throttle.finish();
      return [this.failed(err as RunError, where)];
    }
  }
}

function internalOutput(message: string): ShownFailure {
  return { message, title: "Error", duration: null, visible: true, code: "TR_ERR_INTERNAL", status: 500 };
}
