import { queueFull, schedulers, type JobData, type JobEvent, type JobOutcome, type JobRunner, type QueueSettings, type Scheduler } from "./scheduler.js";

/** Rolling average of job durations, for the ETA figures in `queued` and `started` events. */
export class Durations {
  private readonly recent: number[] = [];
  private sum = 0;
  record(seconds: number) {
    this.recent.push(seconds);
    this.sum += seconds;
    if (this.recent.length > 50) this.sum -= this.recent.shift()!;
  }
  get average(): number | null {
    return this.recent.length ? this.sum / this.recent.length : null;
  }
}

/**
 * With "auto", waiting jobs hear of their new rank at most this often (one broadcast per burst of
 * starts), and less often as the queue grows, so that a long queue costs at most a few percent of a core.
 */
const AUTO_BROADCAST_MS = 250;
const BROADCAST_MS_PER_WAITING = 0.05;

/** A job and, once someone needs it (a cancel, a function that reads its signal), its AbortController. */
export class Held {
  private controller: AbortController | null = null;
  constructor(readonly job: JobData) {}
  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }
  get aborted(): boolean {
    return this.controller?.signal.aborted ?? false;
  }
  abort(): void {
    (this.controller ??= new AbortController()).abort();
  }
}

/**
 * The scheduler of one process: first in, first out, with a concurrency limit per event (its own, or the
 * default). Jobs of different events never wait for each other's slots. Jobs of a `batch: true` event
 * start together, up to its `maxBatchSize`, in one slot.
 */
export class MemoryScheduler implements Scheduler {
  private readonly queue: Held[] = [];
  private readonly active = new Map<string, Held>();
  private readonly runningPerEvent = new Map<number, number>();
  private readonly durations = new Map<number, Durations>();
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private runner: JobRunner | null = null;
  private broadcastTimer: NodeJS.Timeout | null = null;
  private periodic: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly settings: QueueSettings) {}

  get waiting(): number {
    return this.queue.length;
  }
  get running(): number {
    return this.active.size;
  }

  start(runner: JobRunner): void {
    this.runner = runner;
    this.dispatch();
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: JobEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private limit(eventId: number): number {
    const own = this.runner?.policy(eventId)?.concurrencyLimit;
    return typeof own === "number" ? own : own === null ? Infinity : this.settings.defaultConcurrencyLimit;
  }

  async push(job: JobData): Promise<void> {
    if (this.closed) throw queueFull(this.queue.length);
    if (this.settings.maxSize !== null && this.queue.length >= this.settings.maxSize) throw queueFull(this.queue.length);
    this.queue.push(new Held(job));
    this.emitRank(job, this.queue.length - 1);
    this.dispatch();
  }

  async cancel(jobId: string, sessionKey?: string): Promise<boolean> {
    const i = this.queue.findIndex((h) => h.job.id === jobId);
    if (i >= 0) {
      if (sessionKey !== undefined && this.queue[i].job.sessionKey !== sessionKey) return false;
      const [held] = this.queue.splice(i, 1);
      held.abort();
      this.emit({ type: "cancelled", jobId });
      this.scheduleBroadcast();
      return true;
    }
    const running = this.active.get(jobId);
    if (running && (sessionKey === undefined || running.job.sessionKey === sessionKey)) {
      running.abort();
      return true;
    }
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const held of this.queue.splice(0)) this.emit({ type: "cancelled", jobId: held.job.id });
    for (const held of this.active.values()) held.abort();
    if (this.broadcastTimer) clearTimeout(this.broadcastTimer);
    if (this.periodic) clearInterval(this.periodic);
  }

  /** Seconds until a job at `rank` finishes: the slots ahead of it drain at the average duration. */
  private eta(eventId: number, rank: number): number | null {
    const avg = this.durations.get(eventId)?.average ?? null;
    if (avg === null) return null;
    const limit = Math.min(this.limit(eventId), 1e6);
    return (Math.floor(rank / limit) + 1) * avg + avg;
  }

  private emitRank(job: JobData, rank: number): void {
    this.emit({ type: "queued", jobId: job.id, rank, queueSize: this.queue.length, eta: this.eta(job.eventId, rank) });
  }

  private broadcast = () => {
    this.broadcastTimer = null;
    this.queue.forEach((held, rank) => this.emitRank(held.job, rank));
  };

  /** Ranks change whenever a job starts; with many waiting jobs the updates are coalesced. */
  private scheduleBroadcast(): void {
    if (this.queue.length === 0) return;
    const rate = this.settings.statusUpdateRate;
    if (rate === "auto") {
      this.broadcastTimer ??= setTimeout(this.broadcast, Math.max(AUTO_BROADCAST_MS, this.queue.length * BROADCAST_MS_PER_WAITING));
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

  private dispatch(): void {
    const runner = this.runner;
    if (!runner) return;
    let started = false;
    for (let i = 0; i < this.queue.length; ) {
      const held = this.queue[i];
      const eventId = held.job.eventId;
      if ((this.runningPerEvent.get(eventId) ?? 0) >= this.limit(eventId)) {
        i++;
        continue;
      }
      const group = [held];
      this.queue.splice(i, 1);
      const policy = runner.policy(eventId);
      if (policy?.batch) {
        for (let k = i; k < this.queue.length && group.length < policy.maxBatchSize; ) {
          if (this.queue[k].job.eventId === eventId) group.push(...this.queue.splice(k, 1));
          else k++;
        }
      }
      started = true;
      void this.runGroup(runner, group);
    }
    if (started) this.scheduleBroadcast();
  }

  private async runGroup(runner: JobRunner, group: Held[]): Promise<void> {
    const eventId = group[0].job.eventId;
    this.runningPerEvent.set(eventId, (this.runningPerEvent.get(eventId) ?? 0) + 1);
    for (const held of group) this.active.set(held.job.id, held);
    const began = performance.now();
    const eta = this.durations.get(eventId)?.average ?? null;
    for (const held of group) this.emit({ type: "started", jobId: held.job.id, eta });
    let outcomes: JobOutcome[];
    try {
      const report = (event: JobEvent) => this.emit(event);
      outcomes = await runner.run(
        group.map((h) => h.job),
        group.length === 1
          ? { get signal() { return group[0].signal; }, report }
          : { signal: groupSignal(group), report },
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      outcomes = group.map((): JobOutcome => ({ ok: false, cancelled: false, error: { message, title: "Error", duration: null, visible: true, code: "TR_ERR_INTERNAL", status: 500 } }));
    }
    const seconds = (performance.now() - began) / 1000;
    let durations = this.durations.get(eventId);
    if (!durations) this.durations.set(eventId, (durations = new Durations()));
    durations.record(seconds);
    for (const [k, held] of group.entries()) {
      this.active.delete(held.job.id);
      const outcome = outcomes[k];
      const jobId = held.job.id;
      if (outcome.ok) this.emit({ type: "finished", jobId, data: outcome.data, duration: seconds, averageDuration: durations.average ?? seconds });
      else if (outcome.cancelled || held.aborted) this.emit({ type: "cancelled", jobId });
      else this.emit({ type: "failed", jobId, error: outcome.error });
    }
    this.runningPerEvent.set(eventId, (this.runningPerEvent.get(eventId) ?? 1) - 1);
    this.dispatch();
  }
}

/** A group (a batch) is cancelled when every job in it is; one job's cancel ends only that job's wait. */
export function groupSignal(group: Held[]): AbortSignal {
  const all = new AbortController();
  const check = () => group.every((h) => h.aborted) && all.abort();
  for (const h of group) h.signal.addEventListener("abort", check, { once: true });
  return all.signal;
}

schedulers.register("memory", (settings) => new MemoryScheduler(settings));
