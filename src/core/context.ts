import type { ProgressUnit } from "../protocol/types.js";
import type { FileStore } from "./files.js";

export type { ProgressUnit };

/** Who is calling, as the function sees it (Gradio's `gr.Request`). Plain data: it crosses processes. */
export interface RequestInfo {
  /** The logged-in user when the app has `auth`, else null. */
  username: string | null;
  /** Request headers of the call (lower-case names); empty for calls from code. */
  headers: Record<string, string | string[] | undefined>;
  /** The page load's session id; state is keyed by it. */
  sessionHash: string | null;
  /** Client address. */
  client: { host: string | null };
}

/**
 * Reports progress to the page: a fraction in [0, 1] and an optional description.
 *
 * @example
 * async function train(epochs: number, { progress }: tr.CallContext) {
 *   for await (const epoch of progress.track(range(epochs), { desc: "Training" })) await step(epoch);
 * }
 */
export interface Progress {
  (fraction: number, desc?: string): void;
  /** Wraps an iterable and reports progress as it is consumed; a plain array or iterable also works with `for...of`. */
  track<T>(items: Iterable<T>, opts?: { desc?: string; total?: number; unit?: string }): Iterable<T> & AsyncIterable<T>;
  track<T>(items: AsyncIterable<T>, opts?: { desc?: string; total?: number; unit?: string }): AsyncIterable<T>;
}

/** Passed as the function's last argument on every call. */
export interface CallContext {
  request: RequestInfo;
  progress: Progress;
  /** Aborted when the caller cancels or goes away; long functions should stop when it fires. */
  signal: AbortSignal;
}

/** What a component may need while converting values: the file store and the public root URL. */
export interface ComponentContext {
  files: FileStore;
  /** Absolute URL of the app, used to build output file URLs (`<root>/gradio_api/file=<path>`). */
  root: string;
  /** True for calls made from the author's own code, which may name any readable file. */
  trusted?: boolean;
}
