import { BroadcastPacer } from "./pacer.js";
import { endOf, queueFull, schedulers, type JobData, type JobEvent, type JobOutcome, type JobRunner, type QueueSettings, type Scheduler } from "./scheduler.js";

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

/** Ranks told per turn of the event loop in a broadcast. */
const BROADCAST_SLICE = 500;

/** A job and, once someone needs it (a cancel, a function that reads its signal), its AbortController. */
export class Held {
  private controller: AbortController | null = null;
  /** Left the queue (started or cancelled); its slot in the queue array is skipped until compacted. */
  removed = false;
  constructor(
    readonly job: JobData,
    /** The concurrency pool it waits for. */
    readonly pool: string,
  ) {}
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
 * The scheduler of one process: first in, first out, with a concurrency limit per pool (an event's own,
 * or one it shares with others through its `concurrencyId`; the event's limit, or the default). Jobs of
 * different pools never wait for each other's slots. Jobs of a `batch: true` event start together, up to
 * its `maxBatchSize`, in one slot.
 *
 * A long queue stays cheap: starting a job looks only at pools with a free slot, and a cancelled job
 * is found by id and left in place, to be dropped when the queue is next compacted.
 */
export class MemoryScheduler implements Scheduler {
  /** Waiting jobs in arrival order from `head` on; entries marked removed are skipped. */
  private queue: Held[] = [];
  private head = 0;
  /** Removed entries still in `queue` past `head`. */
  private holes = 0;
  private readonly waitingById = new Map<string, Held>();
  private readonly waitingPerPool = new Map<string, number>();
  /** An event of each pool, whose policy gives the pool's limit. */
  private readonly poolEvent = new Map<string, number>();
  private readonly active = new Map<string, Held>();
  private readonly runningPerPool = new Map<string, number>();
  private readonly durations = new Map<number, Durations>();
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private runner: JobRunner | null = null;
  private readonly pacer: BroadcastPacer;
  private closed = false;

  constructor(private readonly settings: QueueSettings) {
    this.pacer = new BroadcastPacer(settings.statusUpdateRate, () => this.waitingById.size, this.broadcast);
  }

  get waiting(): number {
    return this.waitingById.size;
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

  private readonly pools = new Map<number, string>();
  private poolOf(eventId: number): string {
    let pool = this.pools.get(eventId);
    if (pool === undefined) {
      pool = this.runner?.policy(eventId)?.concurrencyId ?? `event:${eventId}`;
      if (this.runner) this.pools.set(eventId, pool);
    }
    return pool;
  }

  async push(job: JobData): Promise<void> {
    if (this.closed) throw queueFull(this.waiting);
    if (this.settings.maxSize !== null && this.waiting >= this.settings.maxSize) throw queueFull(this.waiting);
    const held = new Held(job, this.poolOf(job.eventId));
    this.queue.push(held);
    this.waitingById.set(job.id, held);
    this.waitingPerPool.set(held.pool, (this.waitingPerPool.get(held.pool) ?? 0) + 1);
    this.poolEvent.set(held.pool, job.eventId);
    this.emitRank(job, this.waiting - 1);
    this.dispatch();
  }

  /** Takes a waiting job out of the queue (it starts, or is cancelled). */
  private remove(held: Held): void {
    held.removed = true;
    this.waitingById.delete(held.job.id);
    const left = (this.waitingPerPool.get(held.pool) ?? 1) - 1;
    if (left > 0) this.waitingPerPool.set(held.pool, left);
    else this.waitingPerPool.delete(held.pool);
    this.holes++;
    while (this.head < this.queue.length && this.queue[this.head].removed) {
      this.head++;
      this.holes--;
    }
  }

  /** Drops the entries of jobs that left, once they are many (never during a scan of the queue). */
  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      this.holes = 0;
    } else if (this.holes + this.head > 1024 && this.holes + this.head > this.waiting) {
      this.queue = this.queue.slice(this.head).filter((h) => !h.removed);
      this.head = 0;
      this.holes = 0;
    }
  }

  async cancel(jobId: string, sessionKey?: string): Promise<boolean> {
    const held = this.waitingById.get(jobId);
    if (held) {
      if (sessionKey !== undefined && held.job.sessionKey !== sessionKey) return false;
      this.remove(held);
      this.compact();
      held.abort();
      this.emit({ type: "cancelled", jobId });
      this.pacer.schedule();
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
    const waiting = [...this.waitingById.values()];
    for (const held of waiting) this.remove(held);
    this.compact();
    for (const held of waiting) this.emit({ type: "cancelled", jobId: held.job.id });
    for (const held of this.active.values()) held.abort();
    this.pacer.stop();
  }

  /** Seconds until a job at `rank` finishes: the slots ahead of it drain at the average duration. */
  private eta(eventId: number, rank: number): number | null {
    const avg = this.durations.get(eventId)?.average ?? null;
    if (avg === null) return null;
    const limit = Math.min(this.limit(eventId), 1e6);
    return (Math.floor(rank / limit) + 1) * avg + avg;
  }

  private emitRank(job: JobData, rank: number): void {
    this.emit({ type: "queued", jobId: job.id, rank, queueSize: this.waiting, eta: this.eta(job.eventId, rank) });
  }

  /**
   * Tells every waiting job its rank, BROADCAST_SLICE jobs per turn of the event loop, so a long queue
   * never holds the loop for long; a job that started or left meanwhile is skipped.
   */
  private readonly broadcast = () => {
    const waiting: Held[] = [];
    for (let i = this.head; i < this.queue.length; i++) if (!this.queue[i].removed) waiting.push(this.queue[i]);
    const size = waiting.length;
    const slice = (from: number) => {
      const to = Math.min(size, from + BROADCAST_SLICE);
      for (let rank = from; rank < to; rank++) {
        const held = waiting[rank];
        if (!held.removed) this.emit({ type: "queued", jobId: held.job.id, rank, queueSize: size, eta: this.eta(held.job.eventId, rank) });
      }
      if (to < size) setImmediate(slice, to);
    };
    slice(0);
  };

  /** Scratch space of dispatch(), kept to spare an allocation on every start. */
  private readonly free = new Map<string, number>();

  private dispatch(): void {
    const runner = this.runner;
    if (!runner || this.waiting === 0) return;
    // Free slots of the pools that have jobs waiting; nothing to scan when every such pool is full.
    const free = this.free;
    free.clear();
    for (const pool of this.waitingPerPool.keys()) {
      const slots = this.limit(this.poolEvent.get(pool)!) - (this.runningPerPool.get(pool) ?? 0);
      if (slots > 0) free.set(pool, slots);
    }
    let started = false;
    for (let i = this.head; i < this.queue.length && free.size > 0; i++) {
      const held = this.queue[i];
      if (held.removed) continue;
      const slots = free.get(held.pool);
      if (slots === undefined) continue;
      if (slots > 1) free.set(held.pool, slots - 1);
      else free.delete(held.pool);
      const eventId = held.job.eventId;
      const group = [held];
      const policy = runner.policy(eventId);
      if (policy?.batch) {
        for (let k = i + 1; k < this.queue.length && group.length < policy.maxBatchSize; k++) {
          const other = this.queue[k];
          if (!other.removed && other.job.eventId === eventId) group.push(other);
        }
      }
      for (const h of group) this.remove(h);
      started = true;
      void this.runGroup(runner, group);
    }
    this.compact();
    if (started) this.pacer.schedule();
  }

  private async runGroup(runner: JobRunner, group: Held[]): Promise<void> {
    const eventId = group[0].job.eventId;
    const pool = group[0].pool;
    this.runningPerPool.set(pool, (this.runningPerPool.get(pool) ?? 0) + 1);
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
          ? new SoloIo(group[0], report)
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
    for (let k = 0; k < group.length; k++) {
      const held = group[k];
      this.active.delete(held.job.id);
      this.emit(endOf(held.job.id, held.aborted, outcomes[k], seconds, durations.average ?? seconds));
    }
    const left = (this.runningPerPool.get(pool) ?? 1) - 1;
    if (left > 0) this.runningPerPool.set(pool, left);
    else this.runningPerPool.delete(pool);
    this.dispatch();
  }
}

/**
 * What a lone job's runner sees: its signal, made only if read. A class, not an object literal with a
 * getter: V8 builds such a literal slowly, and this is made for every job (a third of a call's cost).
 */
class SoloIo {
  constructor(
    private readonly held: Held,
    readonly report: (event: JobEvent) => void,
  ) {}
  get signal(): AbortSignal {
    return this.held.signal;
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
