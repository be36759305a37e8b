import { createHash } from "node:crypto";
import { Queue, WaitingError, Worker, type Job as BullJob } from "bullmq";
import type { Redis } from "ioredis";
import { OptionError } from "../core/errors.js";
import type { ShownFailure } from "../core/errors.js";
import { Durations, groupSignal, Held } from "./memory.js";
import { isDrainTimeout } from "./drain.js";
import { BroadcastPacer } from "./pacer.js";
import { connectRedis } from "./redis-connection.js";
import { ADMIT, RANKS } from "./redis-scripts.js";
import {
  endOf,
  queueFull,
  schedulers,
  isFinal,
  type FinalEvent as Final,
  type JobData,
  type JobEvent,
  type JobOutcome,
  type JobRunner,
  type QueueSettings,
  type Role,
  type Scheduler,
  type SchedulerContext,
  type SharedSessions,
} from "./scheduler.js";

export interface RedisSchedulerOptions {
  url: string;
  /** Prefix of every key and channel of this app in Redis. */
  prefix: string;
  /** The app's events that have a function: one BullMQ queue each. */
  events: readonly number[];
  role?: Role;
  /** Calls of one event this process runs at once (default: the event's concurrency limit, or 1000 without one). */
  workerConcurrency?: number;
  workerLost?: "retry" | "fail";
  /** Seconds (see RedisOptions.lockTimeout). */
  lockTimeout?: number;
}

/** What a BullMQ job carries: the call, and the calls a batch took in with it (so a retry reruns them all). */
interface Carried {
  job: JobData;
  extra?: JobData[];
  /** The process that pushed `job` (its token): a call without a session stream has its updates sent there only. */
  by?: string;
}


/** Ids of recently ended jobs remembered, so an end heard twice (from Redis and locally) is reported once. */
const ENDED_KEPT = 20_000;
/** Finished jobs' outcomes stay in Redis this long, for web processes that missed them while reconnecting. */
const KEEP_SECONDS = 3600;
/** A closing worker waits this long for its running calls to end after aborting them. */
const CLOSE_GRACE_MS = 2_000;

const bullId = (jobId: string) => `j${jobId}`;
/** Of a call's streamed values sent to one process, every this many goes whole (see `shorten`). */
const WHOLE_EVERY = 32;

/** What travels on a process's own channel: events, and streamed values sent as what was appended. */
type Wire = JobEvent | { type: "appended"; jobId: string; at: number[]; tail: string[] };

/** Whether every value is a string that `before` held the start of. */
function grewAtEnd(before: unknown[], after: unknown[]): boolean {
  return before.length === after.length && after.every((v, i) => typeof v === "string" && typeof before[i] === "string" && v.startsWith(before[i] as string));
}
/** A stream opened this long after its session's call ended no longer replays it (as one process forgets an unclaimed session). */
const RECOVER_ENDED_MS = 60_000;
/** Longest wait for a sync mark to come back. */
const SYNC_MS = 2_000;

interface Scripts {
  tradioAdmit(...args: (string | number)[]): Promise<[number, number]>;
  tradioRanks(...args: (string | number)[]): Promise<number>;
}

/**
 * The queue of an app served by several processes, on Redis with BullMQ: one BullMQ queue per event,
 * whose concurrency limit is BullMQ's global concurrency (held across every worker process), and in each
 * worker process a BullMQ Worker running as many calls as `workerConcurrency` allows.
 *
 * Lifecycle events travel over one Redis pub/sub channel per app, published by whichever process has
 * news (the web process admitting a call publishes `queued`; the worker running it `started`, `progress`,
 * `generating` and its end), and every process hears them, except the streamed ones: a call's `progress`
 * and `generating` go only to the process that needs them (see `inboxOf`) once the worker knows which.
 * Pub/sub rather than BullMQ's QueueEvents:
 * one connection per process for every queue, nothing written per streamed token (QueueEvents would
 * store each update in the job and in a stream), and events of our own shape. What pub/sub can lose (a
 * web process reconnecting after Redis restarted) is recovered from the job's outcome, which BullMQ keeps.
 * Cancels go over a second channel to every worker; the one running the call fires its AbortSignal.
 */
export class RedisScheduler implements Scheduler {
  private readonly listeners = new Set<(event: JobEvent) => void>();
  /** Session news (joins, refusals, streams opened, sync marks) travel on the events channel too, in order. */
  private readonly joinListeners: ((jobId: string, sessionKey: string) => void)[] = [];
  private readonly dropListeners: ((jobId: string) => void)[] = [];
  private readonly attachListeners: ((sessionKey: string) => void)[] = [];
  private readonly syncs = new Map<string, () => void>();
  /** Tells this process's messages apart from the others'. */
  private readonly token = Math.random().toString(36).slice(2);
  private syncCount = 0;
  readonly sessions: SharedSessions = {
    onJoin: (l) => void this.joinListeners.push(l),
    onDrop: (l) => void this.dropListeners.push(l),
    onAttach: (l) => void this.attachListeners.push(l),
    attached: (sessionKey) => this.say({ attached: sessionKey, by: this.token }),
    sync: () => this.sync(),
    recover: (sessionKey) => this.recoverSession(sessionKey),
  };
  private readonly channel: string;
  /** Admissions in flight (see ADMIT in redis-scripts.ts). */
  private readonly admitting: string;
  private readonly control: string;
  /** This process's own channel: the streamed updates of the calls whose client it serves. */
  private readonly inbox: string;
  private readonly role: Role;
  private readonly lockMs: number;
  private runner: JobRunner | null = null;
  private opening: Promise<void> | null = null;
  private main: (Redis & Scripts) | null = null;
  private sub: Redis | null = null;
  /** Each event's BullMQ queue: events sharing a `concurrencyId` share one queue (and its global concurrency). */
  private readonly queues = new Map<number, Queue>();
  /** Every queue once. */
  private readonly pools = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  /** BullMQ jobs this process's workers are processing, by BullMQ id, with the lock token that holds each. */
  private readonly holding = new Map<string, Holding>();
  /** Leaving (drain): no new job, running ones finish or go back. */
  private draining = false;
  private drained = false;
  /** Calls pushed by this process that have not ended: their event and whether they run. */
  private readonly own = new Map<string, { eventId: number; running: boolean; sessionKey: string | null }>();
  /** Calls running somewhere, heard of over the channel (so any process can cancel them). */
  private readonly runningAnywhere = new Set<string>();
  /** Calls running in this process. */
  private readonly here = new Map<string, Held>();
  /** Calls whose duration this process recorded itself (its own worker ran them). */
  private readonly ranHere = new Set<string>();
  private readonly ended = new Set<string>();
  /**
   * Calls joined through other processes that the transport follows here (a session's stream may open
   * here), by id, with their event: their ends are read back after a reconnect, like this process's own.
   */
  private readonly followed = new Map<string, number>();
  private readonly durations = new Map<number, Durations>();
  /**
   * Where a call's streamed updates go, as a process token: the process that opened the call's session
   * stream (heard as `attached` after the call's join), or, for a call without one, the process that
   * pushed it. A call not in it has its updates published to every process. Every process keeps it, since
   * any may run the call; dropped when the call ends and when this process stops hearing (a reconnect).
   */
  private readonly routes = new Map<string, string>();
  /** Streamed calls joined and not ended, by session (to route them when the session's stream opens). */
  private readonly sessionCalls = new Map<string, Set<string>>();
  private readonly callSession = new Map<string, string>();
  /** Ranks change whenever a call starts or a waiting one leaves; each process tells its own waiting calls. */
  private readonly pacer: BroadcastPacer;
  private closed = false;

  constructor(
    private readonly settings: QueueSettings,
    private readonly opts: RedisSchedulerOptions,
  ) {
    this.channel = `${opts.prefix}:events`;
    this.admitting = `${opts.prefix}:admitting`;
    this.control = `${opts.prefix}:control`;
    this.inbox = this.inboxOf(this.token);
    this.role = opts.role ?? "both";
    this.lockMs = Math.round((opts.lockTimeout ?? 30) * 1000);
    this.pacer = new BroadcastPacer(settings.statusUpdateRate, () => this.waiting, this.broadcast);
  }

  get waiting(): number {
    let n = 0;
    for (const o of this.own.values()) if (!o.running) n++;
    return n;
  }
  get running(): number {
    return this.here.size;
  }

  start(runner: JobRunner): void {
    this.runner = runner;
    this.opening = this.open(runner);
    this.opening.catch(() => {}); // reported by ready() and by every call that needs Redis
  }

  ready(): Promise<void> {
    if (!this.opening) return Promise.reject(new Error("the Redis scheduler was not started"));
    return this.opening;
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private limit(eventId: number): number | null {
    const own = this.runner?.policy(eventId)?.concurrencyLimit;
    return typeof own === "number" ? own : own === null ? null : this.settings.defaultConcurrencyLimit;
  }

  private async open(runner: JobRunner): Promise<void> {
    const main = (await connectRedis(this.opts.url, `tradio-${this.role}`)) as Redis & Scripts;
    this.main = main;
    main.on("error", () => {}); // ioredis reconnects by itself; commands wait meanwhile
    main.defineCommand("tradioAdmit", { lua: ADMIT });
    main.defineCommand("tradioRanks", { lua: RANKS });
    const sub = main.duplicate();
    this.sub = sub;
    sub.on("error", () => {});
    sub.on("message", (channel: string, raw: string) => this.heard(channel, raw));
    // What this process heard of streams may be out of date after it could not hear: updates go to
    // every process again until a stream is announced anew.
    sub.on("close", () => this.forgetRoutes());
    let connections = 0;
    sub.on("ready", () => {
      // After Redis restarted: catch up on what was published while this process could not hear.
      if (++connections > 1) void this.recover();
    });
    await sub.subscribe(this.channel, this.control, this.inbox);
    if (this.closed) return;

    const connection = main;
    // One BullMQ queue per concurrency pool: an event's own (`e<id>`), or one named for a shared concurrencyId.
    const pools = new Map<string, number>();
    for (const eventId of this.opts.events) {
      const id = runner.policy(eventId)?.concurrencyId;
      const name = id === undefined ? `e${eventId}` : `c${createHash("sha256").update(id).digest("hex").slice(0, 16)}`;
      let queue = this.pools.get(name);
      if (!queue) {
        queue = new Queue(name, {
          connection,
          prefix: this.opts.prefix,
          defaultJobOptions: { attempts: 1, removeOnComplete: { age: KEEP_SECONDS, count: 10_000 }, removeOnFail: { age: KEEP_SECONDS, count: 10_000 } },
        });
        queue.on("error", () => {});
        this.pools.set(name, queue);
        pools.set(name, eventId);
        // The graph keeps the limit equal within a pool: the first event's is the pool's.
        const limit = this.limit(eventId);
        if (limit === null) await queue.removeGlobalConcurrency();
        else await queue.setGlobalConcurrency(limit);
      }
      this.queues.set(eventId, queue);
    }
    if (this.role === "web" || this.closed) return;
    for (const [name, eventId] of pools) {
      const limit = this.limit(eventId);
      const worker = new Worker(name, (job: BullJob, token?: string) => this.hold(runner, job, token), {
        connection,
        prefix: this.opts.prefix,
        concurrency: this.opts.workerConcurrency ?? limit ?? 1000,
        lockDuration: this.lockMs,
        stalledInterval: Math.max(100, Math.round(this.lockMs / 2)),
        // A call whose worker died is run once more, or failed at once.
        maxStalledCount: this.opts.workerLost === "fail" ? 0 : 1,
      });
      worker.on("error", () => {});
      worker.on("failed", (job, err) => this.lost(job, err));
      this.workers.push(worker);
      await worker.waitUntilReady();
    }
  }

  private emit(event: JobEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Everything heard goes through here once: an end already reported is dropped. */
  private hear(event: JobEvent): void {
    const id = event.jobId;
    if (this.ended.has(id)) return;
    if (isFinal(event)) {
      this.ended.add(id);
      if (this.ended.size > ENDED_KEPT) this.ended.delete(this.ended.values().next().value!);
      const mine = this.own.get(id);
      this.own.delete(id);
      this.followed.delete(id);
      this.runningAnywhere.delete(id);
      this.unroute(id);
      this.sent.delete(id);
      this.received.delete(id);
      if (event.type === "finished" && !this.ranHere.delete(id) && mine) this.record(mine.eventId, event.duration);
      this.ranHere.delete(id);
      if (event.type === "cancelled" && mine && !mine.running) this.pacer.schedule();
    } else if (event.type === "started") {
      this.runningAnywhere.add(id);
      const mine = this.own.get(id);
      if (mine) mine.running = true;
      this.pacer.schedule();
    }
    this.emit(event);
  }

  private heard(channel: string, raw: string): void {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (channel === this.control) {
      const cancel = (message as { cancel?: unknown }).cancel;
      if (typeof cancel === "string") this.here.get(cancel)?.abort();
      return;
    }
    if (Array.isArray(message)) {
      if (channel === this.inbox) for (const event of message as Wire[]) this.hearRouted(event);
      else for (const event of message as JobEvent[]) this.hear(event);
    } else if (message && typeof message === "object") this.news(message as Record<string, unknown>);
  }

  /**
   * An event sent to this process alone: a streamed value sent as what was appended to the one before
   * it (see `shorten`) is made whole again. One whose base is not the value held here (a message lost
   * while reconnecting) is skipped: a whole value follows within WHOLE_EVERY updates, and the end is whole.
   */
  private hearRouted(event: Wire): void {
    if (event.type === "appended") {
      const held = this.received.get(event.jobId);
      if (!held || held.length !== event.at.length || !held.every((v, i) => typeof v === "string" && v.length === event.at[i])) return;
      const data = held.map((v, i) => (v as string) + event.tail[i]);
      this.received.set(event.jobId, data);
      return this.hear({ type: "generating", jobId: event.jobId, data });
    }
    if (event.type === "generating") this.received.set(event.jobId, event.data);
    this.hear(event);
  }

  /**
   * A streamed value going to one process, which holds the call's previous one: when every output only
   * grew at its end (text streamed token by token), only what was appended is sent, instead of the whole
   * text so far each time. Every WHOLE_EVERY-th value of a call on one route goes whole.
   */
  private shorten(e: JobEvent, to: string): Wire {
    if (e.type !== "generating") return e;
    const last = this.sent.get(e.jobId);
    const count = last?.to === to ? last.count + 1 : 0;
    this.sent.set(e.jobId, { to, data: e.data, count });
    if (!last || count % WHOLE_EVERY === 0 || !grewAtEnd(last.data, e.data)) return e;
    return { type: "appended", jobId: e.jobId, at: last.data.map((v) => (v as string).length), tail: e.data.map((v, i) => (v as string).slice((last.data[i] as string).length)) };
  }

  private news(m: Record<string, unknown>): void {
    if (typeof m.joined === "string" && typeof m.session === "string") {
      if (this.ended.has(m.joined)) return;
      if (typeof m.event === "number" && !this.own.has(m.joined)) this.follow(m.joined, m.event);
      this.joined(m.joined, m.session);
      for (const l of this.joinListeners) l(m.joined, m.session);
    } else if (typeof m.dropped === "string") {
      this.followed.delete(m.dropped);
      this.unroute(m.dropped);
      for (const l of this.dropListeners) l(m.dropped);
    } else if (typeof m.attached === "string" && typeof m.by === "string") {
      // The calls of the session joined so far stream to that process from now on. A call joined after
      // this is routed only when its stream is announced again (the process holding it does so on join).
      for (const jobId of this.sessionCalls.get(m.attached) ?? []) this.routes.set(jobId, m.by);
      if (m.by !== this.token) for (const l of this.attachListeners) l(m.attached);
    } else if (typeof m.sync === "string") {
      this.syncs.get(m.sync)?.();
    }
  }

  private joined(jobId: string, sessionKey: string): void {
    this.callSession.set(jobId, sessionKey);
    let calls = this.sessionCalls.get(sessionKey);
    if (!calls) this.sessionCalls.set(sessionKey, (calls = new Set()));
    calls.add(jobId);
    // Ends lost for good must not pile up (as `followed`).
    if (this.callSession.size > ENDED_KEPT) this.unroute(this.callSession.keys().next().value!);
  }

  private unroute(jobId: string): void {
    this.routes.delete(jobId);
    const sessionKey = this.callSession.get(jobId);
    if (sessionKey === undefined) return;
    this.callSession.delete(jobId);
    const calls = this.sessionCalls.get(sessionKey);
    calls?.delete(jobId);
    if (calls?.size === 0) this.sessionCalls.delete(sessionKey);
  }

  private forgetRoutes(): void {
    this.routes.clear();
    // What the other side holds is no longer known: values go whole until the next is heard whole.
    this.sent.clear();
    this.received.clear();
    this.sessionCalls.clear();
    this.callSession.clear();
  }

  /** A process's own channel, named by its token. */
  private inboxOf(token: string): string {
    return `${this.opts.prefix}:p:${token}`;
  }

  private say(message: object): void {
    if (this.closed || !this.main) return;
    this.main.publish(this.channel, JSON.stringify(message)).catch(() => {});
  }

  /**
   * A mark published and heard back: pub/sub delivers in the order Redis ran the publishes, so once it
   * is heard, so is everything published before it (a join taken by another process before this
   * process got the session's stream). Gives up after a while rather than hold a request.
   */
  private async sync(): Promise<void> {
    if (this.closed) return;
    await this.ready();
    const id = `${this.token}:${++this.syncCount}`;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, SYNC_MS);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.syncs.set(id, done);
      this.say({ sync: id });
    });
    this.syncs.delete(id);
  }

  /**
   * Events published in one turn of the event loop (the tokens of many streaming calls) leave as one
   * message per destination: one publish and one parse per receiving process instead of one per event.
   */
  private publish(events: JobEvent[]): void {
    // Also while closing: the ends of the calls a closing worker stops still reach their clients.
    if (!this.main || events.length === 0) return;
    if (this.outbox.length === 0) setImmediate(this.flush);
    for (const e of events) this.outbox.push(e);
  }

  /** Where an event goes: streamed updates to the one process that shows them, when known; the rest to all. */
  private destination(e: JobEvent): string {
    if (e.type !== "progress" && e.type !== "generating") return this.channel;
    const to = this.routes.get(e.jobId);
    return to === undefined ? this.channel : this.inboxOf(to);
  }

  private readonly flush = (): void => {
    if (this.outbox.length === 0 || !this.main) return;
    const main = this.main;
    for (const [channel, batch] of routeBatches(this.outbox, (e) => this.destination(e))) {
      const to = channel === this.channel ? null : channel;
      main.publish(channel, JSON.stringify(to === null ? batch : batch.map((e) => this.shorten(e, to)))).catch(() => {});
    }
    this.outbox = [];
  };
  /** The last streamed value sent to one process, by call (see `shorten`), and how many went there. */
  private readonly sent = new Map<string, { to: string; data: unknown[]; count: number }>();
  /** The last streamed value heard on this process's own channel, by call. */
  private readonly received = new Map<string, unknown[]>();
  private outbox: JobEvent[] = [];

  private record(eventId: number, seconds: number): Durations {
    let d = this.durations.get(eventId);
    if (!d) this.durations.set(eventId, (d = new Durations()));
    d.record(seconds);
    return d;
  }

  private keys(eventId: number): string[] {
    const queue = this.queues.get(eventId)!;
    return [queue.toKey("wait"), queue.toKey("active"), this.admitting, ...[...this.pools.values()].map((q) => q.toKey("wait"))];
  }

  private scriptArgs(eventId: number): (string | number)[] {
    const keys = this.keys(eventId);
    return [keys.length, ...keys, this.channel, this.limit(eventId) ?? -1, this.durations.get(eventId)?.average ?? -1];
  }

  async push(job: JobData): Promise<void> {
    if (this.closed) throw queueFull(this.waiting);
    await this.ready();
    const queue = this.queues.get(job.eventId);
    if (!queue) throw new OptionError("TR_ERR_NOT_FOUND", `the Redis scheduler holds no queue for event ${job.eventId}`);
    this.own.set(job.id, { eventId: job.eventId, running: false, sessionKey: job.sessionKey });
    // Published on the same connection just before admission, so every process hears it before the job's
    // `queued`; kept in Redis too, for a process that could not hear it (see recoverSession).
    if (job.streamed && job.sessionKey !== null) {
      const key = this.streamsKey(job.sessionKey);
      this.main!.multi()
        .hset(key, job.id, job.eventId)
        .expire(key, KEEP_SECONDS)
        .publish(this.channel, JSON.stringify({ joined: job.id, session: job.sessionKey, event: job.eventId }))
        .exec()
        .catch(() => {});
    }
    const key = queue.toKey(bullId(job.id));
    try {
      const [admitted, waiting] = await this.main!.tradioAdmit(...this.scriptArgs(job.eventId), this.settings.maxSize ?? -1, job.id, key);
      if (!admitted) throw queueFull(waiting);
      try {
        await queue.add("call", { job, by: this.token } satisfies Carried, { jobId: bullId(job.id) });
      } finally {
        // Counted in its wait list from now on (or never, if the add failed). No maxSize: nothing was reserved.
        if (this.settings.maxSize !== null) this.main!.zrem(this.admitting, key).catch(() => {});
      }
    } catch (err) {
      this.own.delete(job.id);
      if (job.streamed && job.sessionKey !== null) {
        this.main!.hdel(this.streamsKey(job.sessionKey), job.id).catch(() => {});
        this.say({ dropped: job.id });
      }
      throw err;
    }
    if (this.closed) void this.cancel(job.id);
  }

  async cancel(jobId: string, sessionKey?: string): Promise<boolean> {
    if (this.ended.has(jobId)) return false;
    await this.ready();
    const mine = this.own.get(jobId);
    if (mine && sessionKey !== undefined && mine.sessionKey !== sessionKey) return false;
    const queues = mine ? [this.queues.get(mine.eventId)!] : [...this.pools.values()];
    let active = false;
    for (const queue of queues) {
      if (!mine && sessionKey !== undefined) {
        // Pushed by another process: its session is read from the job (a call taken into a batch has
        // left the queue and cannot be checked, so it is not cancelled from here).
        const bjob = await queue.getJob(bullId(jobId));
        if (!bjob) continue;
        if ((bjob.data as Carried).job.sessionKey !== sessionKey) return false;
      }
      const state = await queue.getJobState(bullId(jobId));
      if (state === "waiting" && (await queue.remove(bullId(jobId))) === 1) {
        const event: JobEvent = { type: "cancelled", jobId };
        this.hear(event);
        this.publish([event]);
        return true;
      }
      if (state === "active" || state === "waiting") active = true;
    }
    // Running (or taken into a batch): the worker holding it aborts it. The mark covers a worker that
    // took the call just now and has not yet registered it.
    if (!(active || ((mine || sessionKey === undefined) && (this.runningAnywhere.has(jobId) || this.here.has(jobId))))) return false;
    this.here.get(jobId)?.abort();
    await this.main!.set(this.cancelKey(jobId), "1", "EX", KEEP_SECONDS);
    await this.main!.publish(this.control, JSON.stringify({ cancel: jobId }));
    return true;
  }

  /** A session's streamed calls (call id -> event id), kept as long as finished jobs are. */
  private streamsKey(sessionKey: string): string {
    return `${this.opts.prefix}:streams:${sessionKey}`;
  }

  /**
   * A session's stream asked for here, with nothing heard of the session (its joins were announced while
   * this process was reconnecting): its streamed calls are read from Redis and their joins heard again,
   * then the ends of those that ended (from the jobs' results, as after a reconnect). A call that ended
   * more than RECOVER_ENDED_MS ago is left out (its client has had its answer), and one no longer in
   * BullMQ (cancelled while waiting, or taken into a batch) too. An end heard twice reaches the
   * session's stream once: the follower stops at the first.
   */
  private async recoverSession(sessionKey: string): Promise<void> {
    if (this.closed) return;
    await this.ready();
    const calls = await this.main!.hgetall(this.streamsKey(sessionKey));
    const found: { jobId: string; bjob: BullJob }[] = [];
    for (const [jobId, eventId] of Object.entries(calls)) {
      const bjob = await this.queues.get(Number(eventId))?.getJob(bullId(jobId)).catch(() => undefined);
      if (!bjob || (bjob.finishedOn && Date.now() - bjob.finishedOn > RECOVER_ENDED_MS)) continue;
      found.push({ jobId, bjob });
    }
    for (const { jobId, bjob } of found) {
      this.follow(jobId, (bjob.data as Carried).job.eventId);
      for (const l of this.joinListeners) l(jobId, sessionKey);
    }
    for (const { jobId, bjob } of found) {
      const final = this.finalOf(jobId, bjob);
      if (final) {
        this.followed.delete(jobId);
        this.emit(final);
      } else if (bjob.processedOn) {
        // Running: its client is told it started (as it would have been), and the call's next streamed
        // value reaches it whole (this process's frames for it start afresh).
        this.hear({ type: "started", jobId, eta: null });
      }
    }
  }

  private follow(jobId: string, eventId: number): void {
    this.followed.set(jobId, eventId);
    // Ends lost for good (a job removed from the queue by another process) must not pile up.
    if (this.followed.size > ENDED_KEPT) this.followed.delete(this.followed.keys().next().value!);
  }

  /** A job's end, read from BullMQ (undefined while it waits or runs). */
  private finalOf(jobId: string, bjob: BullJob): Final | undefined {
    const finals = bjob.returnvalue as Final[] | null;
    const final = Array.isArray(finals) ? finals.find((f) => f.jobId === jobId) : undefined;
    if (final) return final;
    if (bjob.failedReason && /stalled/i.test(bjob.failedReason)) return { type: "failed", jobId, error: lostFailure(this.opts.workerLost ?? "retry") };
    return undefined;
  }

  private cancelKey(jobId: string): string {
    return `${this.opts.prefix}:cancelled:${jobId}`;
  }

  /** The BullMQ processor: one job held by this process while it runs. */
  private async hold(runner: JobRunner, bjob: BullJob, token: string | undefined): Promise<Final[]> {
    const holding: Holding = { bjob, token, back: this.draining, moved: false };
    this.holding.set(bjob.id!, holding);
    try {
      return await this.process(runner, (bjob.data as Carried).job.eventId, holding);
    } finally {
      this.holding.delete(bjob.id!);
    }
  }

  /** Puts a job this process holds back in its queue, for another worker; BullMQ is told by the error thrown. */
  private async handBack(holding: Holding): Promise<never> {
    if (!holding.moved) {
      holding.moved = true;
      await holding.bjob.moveToWait(holding.token);
    }
    throw new WaitingError();
  }

  /** Runs one call, or a batch of them, and answers their ends (kept as the job's result). */
  private async process(runner: JobRunner, eventId: number, holding: Holding): Promise<Final[]> {
    const bjob = holding.bjob;
    // Taken just as the drain began.
    if (holding.back) return this.handBack(holding);
    const carried = bjob.data as Carried;
    const jobs = [carried.job, ...(carried.extra ?? [])];
    const policy = runner.policy(eventId);
    if (policy?.batch && jobs.length < policy.maxBatchSize) {
      const more = await this.takeWaiting(eventId, bjob.id!, policy.maxBatchSize - jobs.length);
      if (more.length > 0) {
        jobs.push(...more);
        await bjob.updateData({ job: carried.job, extra: jobs.slice(1), by: carried.by } satisfies Carried);
      }
    }
    const group = jobs.map((j) => new Held(j, String(eventId)));
    for (const h of group) {
      this.here.set(h.job.id, h);
      this.ranHere.add(h.job.id);
    }
    // A call without a session stream: only the process that pushed it (and waits for its answer) hears its updates.
    if (carried.by !== undefined && !carried.job.streamed) this.routes.set(carried.job.id, carried.by);
    const eta = this.durations.get(eventId)?.average ?? null;
    this.publish(group.map((h) => ({ type: "started", jobId: h.job.id, eta })));
    const marks = await this.main!.mget(...group.map((h) => this.cancelKey(h.job.id)));
    marks.forEach((m, k) => m && group[k].abort());

    const began = performance.now();
    let outcomes: JobOutcome[];
    try {
      const report = (event: JobEvent) => this.publish([event]);
      outcomes = await runner.run(
        jobs,
        group.length === 1 ? { get signal() { return group[0].signal; }, report } : { signal: groupSignal(group), report },
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      outcomes = group.map((): JobOutcome => ({ ok: false, cancelled: false, error: { message, title: "Error", duration: null, visible: true, code: "TR_ERR_INTERNAL", status: 500 } }));
    }
    if (holding.back) {
      // Still running when the drain's grace period ended: it runs again elsewhere, nothing is told.
      for (const h of group) {
        this.here.delete(h.job.id);
        this.ranHere.delete(h.job.id);
        if (!h.job.streamed) this.routes.delete(h.job.id);
      }
      return this.handBack(holding);
    }
    const seconds = (performance.now() - began) / 1000;
    const average = this.record(eventId, seconds).average ?? seconds;
    const finals = group.map((held, k): Final => {
      this.here.delete(held.job.id);
      return endOf(held.job.id, held.aborted, outcomes[k], seconds, average);
    });
    this.publish(finals);
    return finals;
  }

  /** Takes up to `n` waiting calls of the event out of the queue, for a batch (a call another worker took first is skipped). */
  private async takeWaiting(eventId: number, carrier: string, n: number): Promise<JobData[]> {
    const queue = this.queues.get(eventId)!;
    const waiting = await queue.getJobs(["wait"], 0, n * 2, true);
    const taken: JobData[] = [];
    for (const j of waiting) {
      if (taken.length >= n) break;
      // A pool's queue holds calls of every event sharing it; a batch takes only its own event's.
      if (j.id === carrier || !j.id || (j.data as Carried).job.eventId !== eventId) continue;
      if ((await queue.remove(j.id)) === 1) {
        const carried = j.data as Carried;
        taken.push(carried.job, ...(carried.extra ?? []));
      }
    }
    return taken;
  }

  /** A call whose worker died: BullMQ fails it (after the one retry, with "retry") and this tells its client. */
  private lost(bjob: BullJob | undefined, err: Error): void {
    if (!bjob || !/stalled/i.test(err.message)) return;
    const carried = bjob.data as Carried;
    const error = lostFailure(this.opts.workerLost ?? "retry");
    this.publish([carried.job, ...(carried.extra ?? [])].map((j): JobEvent => ({ type: "failed", jobId: j.id, error })));
  }

  /** After a reconnect: ends that were published while this process could not hear are read from the jobs. */
  private async recover(): Promise<void> {
    const calls: [string, number][] = [...[...this.own].map(([jobId, o]): [string, number] => [jobId, o.eventId]), ...this.followed];
    for (const [jobId, eventId] of calls) {
      const bjob = await this.queues.get(eventId)?.getJob(bullId(jobId)).catch(() => undefined);
      if (!bjob) continue;
      const final = this.finalOf(jobId, bjob);
      if (final) this.hear(final);
    }
    this.pacer.schedule();
  }

  private readonly broadcast = (): void => {
    if (this.closed || !this.main) return;
    const byEvent = new Map<number, string[]>();
    for (const [jobId, o] of this.own) if (!o.running) byEvent.set(o.eventId, [...(byEvent.get(o.eventId) ?? []), bullId(jobId)]);
    for (const [eventId, ids] of byEvent) this.main.tradioRanks(...this.scriptArgs(eventId), ...ids).catch(() => {});
  };

  /**
   * This process leaves, handing its work to the others: its workers take no new job, the jobs they run
   * finish within `graceMs` or go back to the queue (their signal fires; one whose function ignores it is
   * moved back anyway), and what it queued stays queued.
   */
  async drain(graceMs: number): Promise<void> {
    if (this.closed || this.draining) return;
    this.draining = true;
    if (!(await this.opening?.then(() => true, () => false))) return;
    await Promise.all(this.workers.map((w) => w.pause(true).catch(() => {})));
    await until(() => this.holding.size === 0, graceMs);
    if (this.holding.size > 0) {
      for (const holding of this.holding.values()) holding.back = true;
      for (const held of this.here.values()) held.abort();
      await until(() => this.holding.size === 0, CLOSE_GRACE_MS);
      for (const holding of this.holding.values()) {
        if (holding.moved) continue;
        holding.moved = true;
        await holding.bjob.moveToWait(holding.token).catch(() => {});
      }
    }
    this.drained = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.pacer.stop();
    const opened = await this.opening?.then(() => true, () => false);
    // This process's waiting calls leave the queue (their clients are leaving too); its running ones stop.
    // After a drain they stay: the other processes take them.
    if (opened && !this.drained) {
      for (const [jobId, o] of [...this.own]) {
        if (o.running) await this.main!.publish(this.control, JSON.stringify({ cancel: jobId })).catch(() => {});
        else await this.cancel(jobId).catch(() => false);
      }
    }
    this.closed = true;
    for (const held of this.here.values()) held.abort();
    // BullMQ's close waits for running calls; one whose function ignores its signal is left behind after
    // a grace period (its lock expires and another worker takes it, as if this one had died).
    for (let waited = 0; this.here.size > 0 && waited < CLOSE_GRACE_MS; waited += 20) await new Promise((r) => setTimeout(r, 20));
    const force = this.here.size > 0;
    await Promise.all(this.workers.map((w) => w.close(force).catch(() => {})));
    await Promise.all([...this.pools.values()].map((q) => q.close().catch(() => {})));
    this.flush();
    this.sub?.disconnect();
    await this.main?.quit().catch(() => {});
  }
}

/** A BullMQ job held by this process's worker. */
interface Holding {
  bjob: BullJob;
  token: string | undefined;
  /** Goes back to the queue when its run ends (the drain's grace period is over). */
  back: boolean;
  /** Already moved back to the queue. */
  moved: boolean;
}

async function until(done: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Splits events into one batch per channel, keeping each call's events in order for whoever hears them:
 * a run in which every call's events go to one channel is sent as one batch per channel (their order
 * between channels does not matter, being of different calls); a call whose events change channel (its
 * `started` to all, then its updates to one process) starts a new run. One subscriber connection hears
 * its channels in the order Redis ran the publishes, so a process gets a call's events in order.
 */
export function routeBatches<E extends { jobId: string }>(events: readonly E[], channelOf: (e: E) => string): [string, E[]][] {
  const out: [string, E[]][] = [];
  let run = new Map<string, E[]>();
  let where = new Map<string, string>();
  for (const e of events) {
    const channel = channelOf(e);
    const before = where.get(e.jobId);
    if (before !== undefined && before !== channel) {
      out.push(...run);
      run = new Map();
      where = new Map();
    }
    where.set(e.jobId, channel);
    const batch = run.get(channel);
    if (batch) batch.push(e);
    else run.set(channel, [e]);
  }
  out.push(...run);
  return out;
}

function lostFailure(mode: "retry" | "fail"): ShownFailure {
  const message =
    mode === "retry"
      ? "The worker running this call stopped (it crashed or was killed) and so did the worker that ran it again; it was not run a third time."
      : "The worker running this call stopped (it crashed or was killed) before it finished; it was not run again.";
  return { message, title: "Error", duration: null, visible: true, code: "TR_ERR_WORKER_LOST", status: 500 };
}

/** Checks `redis` options (launch's and the CLI's): a URL, or { url, prefix, workerLost, lockTimeout, drainTimeout }. */
export function checkRedisOptions(value: unknown, where: string): { url: string; prefix?: string; workerLost?: "retry" | "fail"; lockTimeout?: number; drainTimeout?: number } {
  const o = typeof value === "string" ? { url: value } : value;
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new OptionError("TR_ERR_OPTION_INVALID", `${where}: redis must be a URL or { url, prefix, workerLost, lockTimeout, drainTimeout }`);
  const { url, prefix, workerLost, lockTimeout, drainTimeout, ...rest } = o as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new OptionError("TR_ERR_OPTION_UNKNOWN", `${where}: redis.${unknown[0]} is not an option (url, prefix, workerLost, lockTimeout, drainTimeout)`);
  if (drainTimeout !== undefined && !isDrainTimeout(drainTimeout)) throw new OptionError("TR_ERR_OPTION_INVALID", `${where}: redis.drainTimeout must be seconds from 0 to 86400, got ${JSON.stringify(drainTimeout)}`);
  if (typeof url !== "string" || !/^rediss?:\/\//.test(url)) throw new OptionError("TR_ERR_OPTION_INVALID", `${where}: redis URL must start with redis:// or rediss://, got ${JSON.stringify(url)}`);
  if (prefix !== undefined && (typeof prefix !== "string" || prefix === "")) throw new OptionError("TR_ERR_OPTION_INVALID", `${where}: redis.prefix must be a non-empty string`);
  if (workerLost !== undefined && workerLost !== "retry" && workerLost !== "fail") throw new OptionError("TR_ERR_OPTION_INVALID", `${where}: redis.workerLost must be "retry" or "fail", got ${JSON.stringify(workerLost)}`);
  if (lockTimeout !== undefined && !(typeof lockTimeout === "number" && lockTimeout >= 0.2 && lockTimeout <= 3600)) throw new OptionError("TR_ERR_OPTION_INVALID", `${where}: redis.lockTimeout must be seconds from 0.2 to 3600, got ${JSON.stringify(lockTimeout)}`);
  return { url, prefix: prefix as string | undefined, workerLost: workerLost as "retry" | "fail" | undefined, lockTimeout: lockTimeout as number | undefined, drainTimeout: drainTimeout as number | undefined };
}

schedulers.register("redis", (settings: QueueSettings, context?: SchedulerContext) => {
  if (!context?.redis) throw new OptionError("TR_ERR_OPTION_MISSING", 'scheduler "redis" needs the `redis` option (a URL such as redis://127.0.0.1:6379)');
  const redis = checkRedisOptions(context.redis, "redis scheduler");
  return new RedisScheduler(settings, {
    url: redis.url,
    prefix: redis.prefix ?? `tradio:${context.app}`,
    events: context.events,
    role: context.role,
    workerConcurrency: context.workerConcurrency,
    workerLost: redis.workerLost,
    lockTimeout: redis.lockTimeout,
  });
});
