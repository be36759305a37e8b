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

/** With "auto", waiting jobs hear of their new rank at most this often (one broadcast per burst of starts). */
const AUTO_BROADCAST_MS = 250;

/**
 * First in, first out, with a concurrency limit per event (its own, or the default). Jobs of different
 * events never wait for each other's slots. Jobs of a `batch: true` event start together, up to its
 * `maxBatchSize`, in one slot.
 */
export class MemoryScheduler implements Scheduler {
  private readonly queue: Job[] = [];
  private readonly active = new Map<string, Job>();
  private readonly runningPerEvent = new Map<number, number>();
  private readonly durations = new Map<number, Durations>();
  private broadcastTimer: NodeJS.Timeout | null = null;
  private periodic: NodeJS.Timeout | null = null;

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
      this.scheduleBroadcast();
      return true;
    }
    const running = this.active.get(jobId);
    if (running) {
      running.controller.abort();
      return true;
    }
    return false;
  }

  /** Seconds until a job at `rank` finishes: the slots ahead of it drain at the average duration. */
  private eta(job: Job, rank: number): number | null {
    const avg = this.durations.get(job.event.id)?.average ?? null;
    if (avg === null) return null;
    const limit = Math.min(this.limit(job), 1e6);
    return (Math.floor(rank / limit) + 1) * avg + avg;
  }

  private sendEstimation(job: Job, rank: number) {
    job.send({ msg: "estimation", rank, queue_size: this.queue.length, rank_eta: this.eta(job, rank) });
  }

  private broadcast = () => {
    this.broadcastTimer = null;
    this.queue.forEach((job, rank) => this.sendEstimation(job, rank));
  };

  /** Ranks change whenever a job starts; with many waiting jobs the updates are coalesced. */
  private scheduleBroadcast() {
    if (this.queue.length === 0) return;
    const rate = this.settings.statusUpdateRate ?? "auto";
    if (rate === "auto") {
      this.broadcastTimer ??= setTimeout(this.broadcast, AUTO_BROADCAST_MS);
      this.broadcastTimer.unref();
    } else if (!this.periodic) {
      this.periodic = setInterval(() => {
        if (this.queue.length === 0 && this.periodic) {
          clearInterval(this.periodic);
          this.periodic = null;
        } else this.broadcast();
      }, rate * 1000);
      this.periodic.unref();
    }
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
      const group = [job];
      this.queue.splice(i, 1);
      if (job.event.batch && job.runBatch) {
        for (let k = i; k < this.queue.length && group.length < job.event.maxBatchSize; ) {
          if (this.queue[k].event === job.event) group.push(...this.queue.splice(k, 1));
          else k++;
        }
      }
      started = true;
      this.start(group);
    }
    if (started) this.scheduleBroadcast();
  }

  private start(group: Job[]) {
    const eventId = group[0].event.id;
    this.runningPerEvent.set(eventId, (this.runningPerEvent.get(eventId) ?? 0) + 1);
    for (const job of group) this.active.set(job.id, job);
    const began = performance.now();
    const eta = this.durations.get(eventId)?.average ?? null;
    for (const job of group) job.send({ msg: "process_starts", eta });
    const run = group.length > 1 || (group[0].event.batch && group[0].runBatch) ? group[0].runBatch!(group) : group[0].run();
    void run
      .catch(() => {})
      .finally(() => {
        for (const job of group) this.active.delete(job.id);
        this.runningPerEvent.set(eventId, (this.runningPerEvent.get(eventId) ?? 1) - 1);
        let d = this.durations.get(eventId);
        if (!d) this.durations.set(eventId, (d = new Durations()));
        d.record((performance.now() - began) / 1000);
        this.dispatch();
      });
  }
}
