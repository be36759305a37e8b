import { HttpError } from "../core/errors.js";
import { FrameWriter, isFinal } from "../protocol/frames.js";
import type { JobData, JobEvent, Scheduler } from "../queue/scheduler.js";
import { Channels, type Channel } from "./channels.js";

type Final = Extract<JobEvent, { type: "finished" | "failed" | "cancelled" }>;

/**
 * Between the scheduler and the clients: each job's lifecycle events go to the one place waiting for
 * them, the session's event stream (as protocol frames) or a one-shot call's reply. Events arrive by job
 * id only, so the job may run anywhere.
 */
export class Transport {
  readonly channels: Channels;
  private readonly sinks = new Map<string, (e: JobEvent) => void>();
  private readonly perClient = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(
    readonly scheduler: Scheduler,
    private readonly limits: { maxPerClient: number; attachMs?: number },
  ) {
    this.channels = new Channels(limits.attachMs);
    this.unsubscribe = scheduler.subscribe((e) => this.sinks.get(e.jobId)?.(e));
  }

  /** Counts a job against its client address's bound; returns how to give the slot back. */
  private admit(job: JobData): () => void {
    const client = job.request.client.host ?? "";
    const held = this.perClient.get(client) ?? 0;
    if (held >= this.limits.maxPerClient) {
      throw new HttpError(429, "TR_ERR_RATE_LIMITED", `too many calls waiting or running from this address (at most ${this.limits.maxPerClient}); try again when some have finished`);
    }
    this.perClient.set(client, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left > 0) this.perClient.set(client, left);
      else this.perClient.delete(client);
    };
  }

  /** Queues a job and hands each of its events to `sink`; a refused push leaves no trace. */
  private async queue(job: JobData, sink: (e: JobEvent) => void, undo: () => void): Promise<void> {
    const release = this.admit(job);
    this.sinks.set(job.id, (e) => {
      if (isFinal(e)) {
        this.sinks.delete(job.id);
        release();
      }
      sink(e);
    });
    try {
      await this.scheduler.push(job);
    } catch (err) {
      this.sinks.delete(job.id);
      release();
      undo();
      throw err;
    }
  }

  /** Queues a job whose events go to the session's stream as frames. */
  async stream(job: JobData, channel: Channel): Promise<void> {
    const writer = new FrameWriter(job.id);
    channel.pending.add(job.id);
    channel.expectStream();
    // Until its stream first opens, a client holds no streamed value: updates go whole, latest only.
    await this.queue(job, (e) => channel.send(writer.frame(e, !channel.everAttached)), () => channel.pending.delete(job.id));
  }

  /**
   * Queues a job and resolves with its last event (a one-shot call waits for its answer); `onEvent`
   * hears the events before it (progress, streamed values) for callers that relay them (MCP).
   */
  async call(job: JobData, onEvent?: (e: JobEvent) => void): Promise<Final> {
    let done!: (e: Final) => void;
    const ended = new Promise<Final>((resolve) => (done = resolve));
    await this.queue(job, (e) => (isFinal(e) ? done(e) : onEvent?.(e)), () => {});
    return ended;
  }

  close(): void {
    this.unsubscribe();
  }
}
