import type { EventDef } from "../../graph/graph.js";
import type { CallContext } from "../../core/context.js";
import { checkBatch, RunError } from "../../runtime/run.js";

/** Builds the function's arguments for one evaluation (lazily, so only the calls in flight hold them). */
export type Task = () => unknown[] | Promise<unknown[]>;

export interface EvaluateOptions {
  /** The prediction event: its function, its batching and its outputs. */
  event: EventDef;
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
 */
export async function evaluate<R>(tasks: readonly Task[], map: (first: unknown) => R, opts: EvaluateOptions): Promise<R[]> {
  const { event, ctx } = opts;
  const results = new Array<R>(tasks.length);
  const chunk = event.batch ? event.maxBatchSize : 1;
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async () => {
    while (next < tasks.length && !failed) {
      if (ctx.signal.aborted) throw new RunError({ kind: "user", message: "Cancelled", title: "Cancelled", duration: null });
      const start = next;
      const end = Math.min(tasks.length, start + chunk);
      next = end;
      try {
        const args = await Promise.all(tasks.slice(start, end).map((t) => t()));
        const firsts = event.batch ? await callBatch(event, args, ctx) : [await callOne(event, args[0], ctx)];
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

async function callOne(event: EventDef, args: unknown[], ctx: CallContext): Promise<unknown> {
  const result = await last(await event.fn!(args, ctx));
  const n = event.outputs.length;
  if (n === 1) return result;
  if (!Array.isArray(result) || result.length !== n) {
    throw new RunError({
      kind: "internal",
      message: `the function must return ${n} values (one per output) as an array`,
      error: null,
    });
  }
  return result[0];
}

async function callBatch(event: EventDef, args: unknown[][], ctx: CallContext): Promise<unknown[]> {
  const lists = event.inputs.map((_, j) => args.map((a) => a[j]));
  return checkBatch(event, await event.fn!(lists, ctx), args.length)[0];
}

/** A generator's last value (what the page would end up showing); anything else as it is. */
async function last(v: unknown): Promise<unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  const o = v as Record<PropertyKey, unknown>;
  if (typeof o.next !== "function" || !(Symbol.asyncIterator in o || Symbol.iterator in o)) return v;
  let value: unknown = undefined;
  for await (const item of v as AsyncIterable<unknown>) value = item;
  return value;
}
