import type { CallContext } from "../../core/context.js";
import type { EventDef, EventRuntime } from "../../graph/graph.js";
import { cancelled } from "../../runtime/failure.js";

/**
 * A synchronous function keeps the event loop to itself for as long as its calls run back to back; after
 * this long without a pause, the next call waits for the loop to serve what came in meanwhile (other
 * requests, `/config`, streams).
 */
const SLICE_MS = 10;

/** Builds the function's arguments for one evaluation (lazily, so only the calls in flight hold them). */
export type Task = () => unknown[] | Promise<unknown[]>;

export interface EvaluateOptions {
  /** The prediction event: its function, its batching and its outputs. */
  event: EventDef;
  /** Calls the function (the runtime is the only caller of an author's function). */
  runtime: EventRuntime;
  /** Most calls (or batches) in flight at once. */
  concurrency: number;
  ctx: CallContext;
  /** Called as evaluations finish. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs the function on every task's arguments and maps each call's first output. Calls overlap, up to
 * `concurrency` at a time, so an async model is never awaited one input after another; with
 * `batch: true` the inputs go in batches of `maxBatchSize`. These calls happen inside the job that the
 * queue already admitted, so the queue's limits are unchanged. A cancelled job stops starting calls.
 * Between calls the event loop gets a turn every SLICE_MS, so a synchronous model does not stall the server.
 */
export async function evaluate<R>(tasks: readonly Task[], map: (first: unknown) => R, opts: EvaluateOptions): Promise<R[]> {
  const { event, ctx, runtime } = opts;
  const results = new Array<R>(tasks.length);
  const chunk = event.batch ? event.maxBatchSize : 1;
  let next = 0;
  let done = 0;
  let failed = false;
  let slice = performance.now();
  const worker = async () => {
    while (next < tasks.length && !failed) {
      if (performance.now() - slice > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      if (ctx.signal.aborted) throw cancelled();
      if (next >= tasks.length || failed) break;
      const start = next;
      const end = Math.min(tasks.length, start + chunk);
      next = end;
      try {
        const args = await Promise.all(tasks.slice(start, end).map((t) => t()));
        const firsts = event.batch
          ? (await runtime.callBatch(event, event.inputs.map((_, j) => args.map((a) => a[j])), ctx))[0]
          : [(await runtime.call(event, args[0], ctx))[0]];
        firsts.forEach((y, i) => (results[start + i] = map(y)));
      } catch (err) {
        failed = true;
        throw err;
      }
      done += end - start;
      opts.onProgress?.(done, tasks.length);
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency, Math.ceil(tasks.length / chunk)));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
