import { BroadcastPacer } from "./pacer.js";
import { endOf, queueFull, schedulers, type JobData, type JobEvent, type JobOutcome, type JobRunner, type QueueSettings, type Scheduler } from "./scheduler.js";

/** Rolling average of job durations, for the ETA figures in `queued` and `started` events. */
export class Durations {
  /** The last 50, as a ring: recording one moves nothing. */
  private readonly recent = new Float64Array(50);
  private count = 0;
  private next = 0;
  private sum = 0;
  record(seconds: number) {
    if (this.count === this.recent.length) this.sum -= this.recent[this.next];
    else this.count++;
    this.recent[this.next] = seconds;
    this.sum += seconds;
    this.next = (this.next + 1) % this.recent.length;
  }
  get average(): number | null {
    return this.count ? this.sum / this.count : null;
  }
}

const TAKEN = Promise.resolve();

/** Ranks told per turn of the event loop in a broadcast. */
const BROADCAST_SLICE = 500;

/** A job and, once someone needs it (a cancel, a function that reads its signal), its AbortController. */
export class Held<P = string> {
  private controller: AbortController | null = null;
  /** Left the queue (started or cancelled); its slot in the queue array is skipped until compacted. */
  removed = false;
  /** Holds a slot of its pool. */
  running = false;
  constructor(
    readonly job: JobData,
    /** The concurrency pool it waits for. */
    readonly pool: P,
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
 * A concurrency pool: an event's own, or one several events share through their `concurrencyId`. Its
 * counts are fields, not entries of Maps: a Map that empties and refills on every call (one job running
 * at a time) reallocates its table each time, which was most of a queued call's cost under load.
 */
class Pool {
  waiting = 0;
  running = 0;
  /** Slots dispatch() may still fill in its current pass. */
  free = 0;
  constructor(
    readonly name: string,
    /** An event of the pool, whose policy gives the pool's limit. */
    public eventId: number,
  ) {}
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
  /**
   * Waiting jobs in arrival order from `head` on; entries marked removed are skipped. A job that starts
   * leaves a null behind, so the array does not keep a finished call's data alive until it is compacted
   * (kept, every call would outlive a collection of the young generation and be copied into the old one).
   */
  private queue: (Held<Pool> | null)[] = [];
  private head = 0;
  /** Removed entries still in `queue` past `head`. */
  private holes = 0;
  /** Jobs waiting or running, by id (one Map for both, so its size stays steady as jobs move on). */
  private readonly byId = new Map<string, Held<Pool>>();
  private waitingCount = 0;
  private runningCount = 0;
  /** Pools by name; pools come from the graph's events, so there are few and they are kept. */
  private readonly poolsByName = new Map<string, Pool>();
  private readonly poolList: Pool[] = [];
  private readonly poolByEvent = new Map<number, Pool>();
  private readonly durations = new Map<number, Durations>();
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private runner: JobRunner | null = null;
  private readonly pacer: BroadcastPacer;
  private closed = false;

  constructor(private readonly settings: QueueSettings) {
    this.pacer = new BroadcastPacer(settings.statusUpdateRate, () => this.waitingCount, this.broadcast);
  }

  get waiting(): number {
    return this.waitingCount;
  }
  get running(): number {
    return this.runningCount;
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

  private poolOf(eventId: number): Pool {
    let pool = this.poolByEvent.get(eventId);
    if (pool === undefined) {
      const name = this.runner?.policy(eventId)?.concurrencyId ?? `event:${eventId}`;
      pool = this.poolsByName.get(name);
      if (!pool) {
        pool = new Pool(name, eventId);
        this.poolsByName.set(name, pool);
        this.poolList.push(pool);
      }
      // Before the runner is known an event's pool may change (its concurrencyId is not known yet).
      if (this.runner) this.poolByEvent.set(eventId, pool);
    }
    return pool;
  }

  /** Not `async`: a push is taken at once, and the resolved promise is shared instead of made per call. */
  push(job: JobData): Promise<void> {
    if (this.closed || (this.settings.maxSize !== null && this.waiting >= this.settings.maxSize)) return Promise.reject(queueFull(this.waiting));
    const pool = this.poolOf(job.eventId);
    const held = new Held(job, pool);
    this.queue.push(held);
    this.byId.set(job.id, held);
    this.waitingCount++;
    pool.waiting++;
    pool.eventId = job.eventId;
    this.emitRank(job, this.waiting - 1);
    this.dispatch();
    return TAKEN;
  }

  /** Takes a waiting job out of the queue (it starts, or is cancelled). */
  private remove(held: Held<Pool>): void {
    held.removed = true;
    this.waitingCount--;
    held.pool.waiting--;
    this.holes++;
    for (let first = this.queue[this.head]; this.head < this.queue.length && (first === null || first!.removed); first = this.queue[this.head]) {
      this.queue[this.head++] = null;
      this.holes--;
    }
  }

  /** Drops the entries of jobs that left, once they are many (never during a scan of the queue). */
  private compact(): void {
    if (this.head === this.queue.length) {
      if (this.head > 0) {
        this.queue = [];
        this.head = 0;
        this.holes = 0;
      }
    } else if (this.holes + this.head > 1024 && this.holes + this.head > this.waiting) {
      this.queue = this.queue.slice(this.head).filter((h) => h !== null && !h.removed);
      this.head = 0;
      this.holes = 0;
    }
  }

  async cancel(jobId: string, sessionKey?: string): Promise<boolean> {
    const held = this.byId.get(jobId);
    if (!held || (sessionKey !== undefined && held.job.sessionKey !== sessionKey)) return false;
    if (held.running) {
      held.abort();
      return true;
    }
    this.remove(held);
    this.byId.delete(jobId);
    this.compact();
    held.abort();
    this.emit({ type: "cancelled", jobId });
    this.pacer.schedule();
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.byId.values()];
    const waiting = all.filter((h) => !h.running);
    for (const held of waiting) {
      this.remove(held);
      this.byId.delete(held.job.id);
    }
    this.compact();
    for (const held of waiting) this.emit({ type: "cancelled", jobId: held.job.id });
    for (const held of all) if (held.running) held.abort();
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
    const waiting: Held<Pool>[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const held = this.queue[i];
      if (held !== null && !held.removed) waiting.push(held);
    }
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

  private dispatch(): void {
    const runner = this.runner;
    if (!runner || this.waitingCount === 0) return;
    // Free slots of the pools that have jobs waiting; nothing to scan when every such pool is full.
    let open = 0;
    for (const pool of this.poolList) {
      pool.free = pool.waiting > 0 ? Math.max(0, this.limit(pool.eventId) - pool.running) : 0;
      if (pool.free > 0) open++;
    }
    let started = false;
    for (let i = this.head; i < this.queue.length && open > 0; i++) {
      const held = this.queue[i];
      if (held === null || held.removed || held.pool.free === 0) continue;
      if (--held.pool.free === 0) open--;
      const eventId = held.job.eventId;
      const group = [held];
      const policy = runner.policy(eventId);
      if (policy?.batch) {
        for (let k = i + 1; k < this.queue.length && group.length < policy.maxBatchSize; k++) {
          const other = this.queue[k];
          if (other !== null && !other.removed && other.job.eventId === eventId) {
            group.push(other);
            this.queue[k] = null;
          }
        }
      }
      this.queue[i] = null;
      for (const h of group) this.remove(h);
      started = true;
      void this.runGroup(runner, group);
    }
    this.compact();
    if (started) this.pacer.schedule();
  }

  private async runGroup(runner: JobRunner, group: Held<Pool>[]): Promise<void> {
    const eventId = group[0].job.eventId;
    const pool = group[0].pool;
    pool.running++;
    for (const held of group) held.running = true;
    this.runningCount += group.length;
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
    this.runningCount -= group.length;
    pool.running--;
    for (let k = 0; k < group.length; k++) {
      const held = group[k];
      held.running = false;
      this.byId.delete(held.job.id);
      this.emit(endOf(held.job.id, held.aborted, outcomes[k], seconds, durations.average ?? seconds));
    }
    this.dispatch();
  }
}

/**
 * What a lone job's runner sees: its signal, made only if read. A class, not an object literal with a
 * getter: V8 builds such a literal slowly, and this is made for every job (a third of a call's cost).
 */
class SoloIo {
  constructor(
    private readonly held: Held<unknown>,
    readonly report: (event: JobEvent) => void,
  ) {}
  get signal(): AbortSignal {
    return this.held.signal;
  }
}

/** A group (a batch) is cancelled when every job in it is; one job's cancel ends only that job's wait. */
export function groupSignal(group: Held<unknown>[]): AbortSignal {
  const all = new AbortController();
  const check = () => group.every((h) => h.aborted) && all.abort();
  for (const h of group) h.signal.addEventListener("abort", check, { once: true });
  return all.signal;
}

schedulers.register("memory", (settings) => new MemoryScheduler(settings));
