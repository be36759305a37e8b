import { QueueFullError, type Job, type QueueSettings, type Scheduler } from "./scheduler.js";

/** Rolling average of job durations, for the ETA figures in `estimation` messages. */
class Durations {
  private readonly recent: number[] = [];
  record(seconds: number) {
    this.recent.push(seconds);
    if (this.recent.length > 50) this.recent.shift();
  }
  get average(): number | null {
    return this.recent.length ? this.recent.reduce((a, b) => a + b, 0) / this.recent.length : null;
  }
}

/**
 * First-in, first-out per event, with a concurrency limit per event (its own, or the default). Jobs of
 * different events never wait for each other's slots.
 */
export class MemoryScheduler implements Scheduler {
  private readonly queue: Job[] = [];
  private readonly active = new Map<string, Job>();
  private readonly runningPerEvent = new Map<number, number>();
  private readonly durations = new Map<number, Durations>();

  constructor(private readonly settings: QueueSettings) {}

  get waiting() {
    return this.queue.length;
  }
  get running() {
    return this.active.size;
  }

  private limit(job: Job): number {
    const own = job.event.concurrencyLimit;
    return typeof own === "number" ? own : own === null ? Infinity : this.settings.defaultConcurrencyLimit;
  }

  push(job: Job): void {
    if (this.settings.maxSize !== null && this.queue.length >= this.settings.maxSize) throw new QueueFullError(this.queue.length);
    this.queue.push(job);
    this.sendEstimation(job, this.queue.length - 1);
    this.dispatch();
  }

  cancel(jobId: string): boolean {
    const i = this.queue.findIndex((j) => j.id === jobId);
    if (i >= 0) {
      const [job] = this.queue.splice(i, 1);
      job.controller.abort();
      job.send({ msg: "process_completed", output: { error: "Cancelled", title: "Cancelled", visible: false }, success: false });
      this.broadcastEstimations();
      return true;
    }
    const running = this.active.get(jobId);
    if (running) {
      running.controller.abort();
      return true;
    }
    return false;
  }

  private eta(job: Job, rank: number): number | null {
    const avg = this.durations.get(job.event.id)?.average ?? null;
    if (avg === null) return null;
    const limit = Math.min(this.limit(job), 1e6);
    return ((rank + 1) / limit) * avg + avg;
  }

  private sendEstimation(job: Job, rank: number) {
    job.send({ msg: "estimation", rank, queue_size: this.queue.length, rank_eta: this.eta(job, rank) });
  }

  private broadcastEstimations() {
    this.queue.forEach((job, rank) => this.sendEstimation(job, rank));
  }

  private dispatch() {
    let started = false;
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i];
      const running = this.runningPerEvent.get(job.event.id) ?? 0;
      if (running >= this.limit(job)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      started = true;
      this.start(job);
    }
    if (started) this.broadcastEstimations();
  }

  private start(job: Job) {
    const eventId = job.event.id;
    this.runningPerEvent.set(eventId, (this.runningPerEvent.get(eventId) ?? 0) + 1);
    this.active.set(job.id, job);
    const began = performance.now();
    job.send({ msg: "process_starts", eta: this.durations.get(eventId)?.average ?? null });
    void job
      .run()
      .catch(() => {})
      .finally(() => {
        this.active.delete(job.id);
        this.runningPerEvent.set(eventId, (this.runningPerEvent.get(eventId) ?? 1) - 1);
        let d = this.durations.get(eventId);
        if (!d) this.durations.set(eventId, (d = new Durations()));
        d.record((performance.now() - began) / 1000);
        this.dispatch();
      });
  }
}
