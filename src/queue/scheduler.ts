import type { EventDef } from "../graph/graph.js";

/** A message on a session's SSE stream, in the sse_v3 protocol's shape. */
export type QueueMessage = Record<string, unknown> & { msg: string };

/** One call waiting for or holding a worker slot. */
export interface Job {
  /** The protocol's event_id: unguessable, hex. */
  id: string;
  sessionHash: string;
  event: EventDef;
  /** Fired when the job is cancelled or its client goes away. */
  controller: AbortController;
  /** Runs the job; resolves when its final message has been sent. */
  run(): Promise<void>;
  /** For `batch: true` events: runs this job together with others of the same event in one call. */
  runBatch?(jobs: Job[]): Promise<void>;
  /** Sends a status message to the job's client. */
  send(msg: QueueMessage): void;
}

export interface QueueSettings {
  /** Jobs of one event running at once unless the event sets its own limit. Gradio's default is 1. */
  defaultConcurrencyLimit: number;
  /** Most jobs waiting; more are refused with the protocol's queue-full answer. Null: no bound. */
  maxSize: number | null;
  /** "auto": waiting jobs hear of their new rank when jobs start (coalesced); N: every N seconds. */
  statusUpdateRate?: "auto" | number;
}

export class QueueFullError extends globalThis.Error {
  constructor(size: number) {
    super(`Queue is full (${size} jobs waiting); try again later`);
  }
}

/**
 * The scheduler decides when jobs run. The routes only talk to this interface, so a scheduler shared
 * by several processes can replace the in-memory one.
 */
export interface Scheduler {
  /** Adds a job; throws QueueFullError when the queue is full. */
  push(job: Job): void;
  /** Removes a waiting job or aborts a running one. Returns false when no such job is known. */
  cancel(jobId: string): boolean;
  /** Jobs waiting (not running). */
  readonly waiting: number;
  readonly running: number;
}
