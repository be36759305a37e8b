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
  readonly channels = new Channels();
  private readonly sinks = new Map<string, (e: JobEvent) => void>();
  private readonly unsubscribe: () => void;

  constructor(readonly scheduler: Scheduler) {
    this.unsubscribe = scheduler.subscribe((e) => this.sinks.get(e.jobId)?.(e));
  }

  /** Queues a job whose events go to the session's stream; rejects (queue full) without leaving a trace. */
  async stream(job: JobData, channel: Channel): Promise<void> {
    const writer = new FrameWriter(job.id);
    channel.pending.add(job.id);
    this.sinks.set(job.id, (e) => {
      if (isFinal(e)) this.sinks.delete(job.id);
      channel.send(writer.frame(e));
    });
    try {
      await this.scheduler.push(job);
    } catch (err) {
      this.sinks.delete(job.id);
      channel.pending.delete(job.id);
      throw err;
    }
  }

  /** Queues a job and resolves with its last event (a one-shot call waits for its answer). */
  async call(job: JobData): Promise<Final> {
    let done!: (e: Final) => void;
    const ended = new Promise<Final>((resolve) => (done = resolve));
    this.sinks.set(job.id, (e) => {
      if (!isFinal(e)) return;
      this.sinks.delete(job.id);
      done(e);
    });
    try {
      await this.scheduler.push(job);
    } catch (err) {
      this.sinks.delete(job.id);
      throw err;
    }
    return ended;
  }

  close(): void {
    this.unsubscribe();
  }
}
