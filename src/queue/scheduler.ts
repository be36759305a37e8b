import type { RequestInfo } from "../core/context.js";
import { HttpError, type ShownFailure } from "../core/errors.js";
import { Registry } from "../core/registry.js";
import type { ProgressUnit } from "../protocol/types.js";

/**
 * One call waiting for or holding a worker slot, as plain data: nothing in it is a function or a socket,
 * so a scheduler in another process can hold it (a test structuredClones one).
 */
export interface JobData {
  /** The protocol's event_id: unguessable, hex. */
  id: string;
  /** The event's id in the graph (Gradio's fn_index). */
  eventId: number;
  /** Whose state the call reads and writes; null for none. */
  sessionKey: string | null;
  /** One wire value per input. */
  data: unknown[];
  /** Who called, as the function sees it. */
  request: RequestInfo;
  /** The app's public URL for this caller, for output file URLs. */
  root: string;
  /** Its events go to the session's event stream (sse_v3), which any process of a shared queue may serve. */
  streamed?: boolean;
}

/** What happens to a job, reported by the scheduler to whoever listens (the transport turns it into frames). */
export type JobEvent =
  | { type: "queued"; jobId: string; rank: number; queueSize: number; eta: number | null }
  | { type: "started"; jobId: string; eta: number | null }
  | { type: "progress"; jobId: string; progress: ProgressUnit[] }
  /** A generator's latest value, postprocessed: whole wire values, one per output. */
  | { type: "generating"; jobId: string; data: unknown[] }
  | { type: "finished"; jobId: string; data: unknown[]; duration: number; averageDuration: number }
  | { type: "failed"; jobId: string; error: ShownFailure }
  | { type: "cancelled"; jobId: string };

/** A job's last event: it finished, failed or was cancelled. */
export type FinalEvent = Extract<JobEvent, { type: "finished" | "failed" | "cancelled" }>;

/** Whether the event ends its job (it is the job's last). */
export function isFinal(e: JobEvent): e is FinalEvent {
  return e.type === "finished" || e.type === "failed" || e.type === "cancelled";
}

export type JobOutcome = { ok: true; data: unknown[] } | { ok: false; cancelled: boolean; error: ShownFailure };

/** The last event of a job that ran. A cancelled call ends cancelled even if its function returned anyway: what it returned is dropped. */
export function endOf(jobId: string, aborted: boolean, outcome: JobOutcome, duration: number, averageDuration: number): FinalEvent {
  if (aborted || (!outcome.ok && outcome.cancelled)) return { type: "cancelled", jobId };
  if (outcome.ok) return { type: "finished", jobId, data: outcome.data, duration, averageDuration };
  return { type: "failed", jobId, error: outcome.error };
}

/** How the scheduler treats an event's jobs. */
export interface EventPolicy {
  /** Most jobs running at once: a number, "default" (the queue's default) or null (no limit). */
  concurrencyLimit: number | "default" | null;
  /**
   * The pool whose slots the event's jobs take (Gradio's `concurrency_id`): jobs of events with the same
   * id count against one limit (each event's, which the graph keeps equal within a pool). Default: the
   * event's own pool.
   */
  concurrencyId?: string;
  /** Jobs of a batch event start together, up to maxBatchSize, in one slot. */
  batch: boolean;
  maxBatchSize: number;
}

/** What runs jobs: the runtime, seen by the scheduler. */
export interface JobRunner {
  policy(eventId: number): EventPolicy | undefined;
  /**
   * Runs jobs of one event (several only for a batch event) and answers one outcome per job; `report`
   * carries progress and generator updates as they happen; `signal` fires when a job is cancelled.
   */
  run(jobs: readonly JobData[], io: { signal: AbortSignal; report(event: JobEvent): void }): Promise<JobOutcome[]>;
}

export interface QueueSettings {
  /** Jobs of one event running at once unless the event sets its own limit. Gradio's default is 1. */
  defaultConcurrencyLimit: number;
  /** Most jobs waiting; more are refused with the protocol's queue-full answer. Null: no bound. */
  maxSize: number | null;
  /** "auto": waiting jobs hear of their new rank when jobs start (coalesced); N: every N seconds. */
  statusUpdateRate: "auto" | number;
}

/** `iface.queue(...)`: Gradio's queue settings, and tradio's bound per client. */
export interface QueueOptions {
  /** Calls of one event running at once unless the event sets its own `concurrencyLimit` (default 1). */
  defaultConcurrencyLimit?: number;
  /** Most calls waiting; more get HTTP 503. Default 10 000 (Gradio's is unbounded); null for no bound. */
  maxSize?: number | null;
  /** Most calls one client address may have waiting or running; more get HTTP 429. Default 2000. */
  maxPerClient?: number;
  /** "auto": waiting calls hear their new rank when calls start; a number N: every N seconds. */
  statusUpdateRate?: number | "auto";
}

export function queueFull(size: number): HttpError {
  return new HttpError(503, "TR_ERR_QUEUE_FULL", `Queue is full (${size} jobs waiting); try again later`);
}

/**
 * The scheduler decides when jobs run, in this process or across several. The transport pushes jobs and
 * listens to their lifecycle; the runner runs them. Every scheduler passes the same conformance tests.
 */
export interface Scheduler {
  /** Starts handing jobs to the runner. */
  start(runner: JobRunner): void;
  /**
   * Resolves once the scheduler can take and run jobs (after start); rejects with a clear error when it
   * never will (a Redis that does not answer). Schedulers that are ready at once need not have it.
   */
  ready?(): Promise<void>;
  /** Adds a job; rejects with TR_ERR_QUEUE_FULL (HTTP 503) when the queue is full. */
  push(job: JobData): Promise<void>;
  /**
   * Removes a waiting job or aborts a running one, wherever it runs. With `sessionKey`, only a job of
   * that session is touched (a client cancels its own calls only). Resolves false when no such job is known.
   */
  cancel(jobId: string, sessionKey?: string): Promise<boolean>;
  /** Every lifecycle event of every job. Returns a function that stops listening. */
  subscribe(listener: (event: JobEvent) => void): () => void;
  /** Stops taking jobs; running jobs are cancelled. */
  close(): Promise<void>;
  /**
   * Shared schedulers: this process is leaving (SIGTERM) and its work goes to the others. It takes no
   * new job; the jobs it runs finish, or, still running after `graceMs`, have their signal fired and go
   * back to the queue to run again elsewhere (neither failed nor counted as a lost worker); the jobs it
   * queued stay queued. `close()` after it cancels nothing.
   */
  drain?(graceMs: number): Promise<void>;
  /**
   * Schedulers shared by several processes: which session each job belongs to, so a session's event
   * stream can be served by any process, not only the one that took the join.
   */
  readonly sessions?: SharedSessions;
  /** Jobs waiting (not running), where the scheduler can tell at once. */
  readonly waiting: number;
  readonly running: number;
}

/** A shared scheduler's news of sessions, heard by every process (in the order it was published). */
export interface SharedSessions {
  /** A job of `sessionKey` was pushed by some process (before any of its lifecycle events). */
  onJoin(listener: (jobId: string, sessionKey: string) => void): void;
  /** A job announced by `onJoin` was refused (queue full): it will have no events. */
  onDrop(listener: (jobId: string) => void): void;
  /** Another process opened the session's stream. */
  onAttach(listener: (sessionKey: string) => void): void;
  /** Tells the other processes that this one opened the session's stream. */
  attached(sessionKey: string): void;
  /** Resolves once this process has heard everything published before the call. */
  sync(): Promise<void>;
  /**
   * For a session this process knows nothing of (its joins were announced while this process could not
   * hear, reconnecting to Redis): hears again, from Redis, the joins of the session's streamed calls that
   * have not ended or ended lately, then the ends of those that ended.
   */
  recover(sessionKey: string): Promise<void>;
}

/** What a process does with an app's queue when the queue is shared by several processes. */
export type Role = "web" | "worker" | "both";
export const ROLES: readonly Role[] = ["web", "worker", "both"];

/** Where and how a shared scheduler keeps the queue (`launch({ redis })`). */
export interface RedisOptions {
  /** `redis://[user:pass@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /**
   * The prefix of this app's keys and channels in Redis. Processes of one app must agree on it; apps
   * sharing a Redis must not. Default: "tradio:" and a fingerprint of the app's events and components.
   */
  prefix?: string;
  /** A call whose worker process died mid-run: run it once more on another worker ("retry", default) or fail it. */
  workerLost?: "retry" | "fail";
  /**
   * Seconds a worker may go without renewing its hold on a running call (it renews every half of it)
   * before the call is taken as lost and handed on. Default 30. A function that blocks the event loop
   * longer than this is taken as lost too.
   */
  lockTimeout?: number;
  /**
   * Seconds a worker given SIGTERM lets its running calls finish before it hands them back to the queue
   * and exits. Default 30 (or env TRADIO_DRAIN_TIMEOUT).
   */
  drainTimeout?: number;
}

/** What a scheduler learns of the app and the process besides the queue settings. */
export interface SchedulerContext {
  /** The app's events that have a function (the queues a shared scheduler holds). */
  events: readonly number[];
  /** A name for the app that every process serving it derives the same way. */
  app: string;
  redis?: RedisOptions;
  role?: Role;
  /** Calls of one event this process runs at once (default: the event's concurrency limit). */
  workerConcurrency?: number;
}

/** Schedulers by name (`launch({ scheduler: "memory" })`, `"redis"`). */
export const schedulers = new Registry<(settings: QueueSettings, context?: SchedulerContext) => Scheduler>("schedulers");
