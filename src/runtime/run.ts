import type { Component } from "../components/component.js";
import type { CallContext, ComponentContext, ProgressUnit, RequestInfo } from "../core/context.js";
import { ValidationError } from "../core/errors.js";
import { MAX_DEPTH, nestedDeeperThan } from "../core/limits.js";
import type { EventDef } from "../graph/graph.js";
import { cancelled, returnError, RunError, toRunError } from "./failure.js";
import { codeRequest, makeProgress } from "./progress.js";

/** How one run is made: who calls, under which session, and where its updates go. */
export interface RunOptions {
  /** Key of the session whose state the event reads and writes; null gives a one-off session. */
  sessionKey: string | null;
  /** Absolute URL of the app, for output file URLs. */
  root: string;
  /** Who is calling; a function is only called if the event's function reads `ctx.request`. */
  request?: RequestInfo | (() => RequestInfo);
  /** Fires on cancel; a function is only called if the event's function reads `ctx.signal`. */
  signal?: AbortSignal | (() => AbortSignal);
  onProgress?: (data: ProgressUnit[]) => void;
  /** Called for each value a generator yields; `render` postprocesses it, so a transport that skips an
   *  update (rate limit) skips its postprocessing too. */
  onGenerate?: (render: () => Promise<unknown[]>) => void;
  /** Calls from the author's code may name any readable file as a media input. */
  trusted?: boolean;
  /** Values of state inputs given directly (calls from code); new state values are written back into it. */
  stateOverride?: Map<number, unknown>;
}

export function isGenerator(v: unknown): v is AsyncIterator<unknown> | Iterator<unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const o = v as Record<PropertyKey, unknown>;
  return typeof o.next === "function" && (Symbol.asyncIterator in o || Symbol.iterator in o);
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v instanceof Promise || (v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as { then?: unknown }).then === "function");
}

/** With `batch: true` the function returns one list per output (a one-element array for one output), each as long as the batch. */
export function checkBatch(event: EventDef, returned: unknown, size: number): unknown[][] {
  const n = event.outputs.length;
  if (!Array.isArray(returned) || returned.length !== n || !returned.every((l) => Array.isArray(l) && l.length === size)) {
    throw returnError(`with batch: true the function must return ${n} list(s), one per output, each with ${size} item(s)`);
  }
  return returned as unknown[][];
}

/** Splits what the function returned into one value per output. */
export function spread(event: EventDef, result: unknown): unknown[] {
  const n = event.outputs.length;
  if (n === 0) return [];
  if (n === 1) return [result];
  if (!Array.isArray(result)) {
    throw returnError(`the function must return ${n} values (one per output) as an array, got ${result === null ? "null" : typeof result}`);
  }
  if (result.length !== n) throw returnError(`the function returned ${result.length} values, but the interface has ${n} outputs`);
  return result;
}

/**
 * The request's values, checked before any component sees them: one per input at most, and (from a
 * client) no value nested deeper than MAX_DEPTH, so nothing that walks a value can overflow the stack.
 */
export function checkData(event: EventDef, data: unknown, trusted = false): unknown[] {
  if (!event.fn) throw new ValidationError(`event ${event.apiName ?? event.id} has no backend function`, "TR_ERR_NOT_FOUND");
  if (!Array.isArray(data)) throw new ValidationError('"data" must be an array with one value per input', "TR_ERR_BAD_REQUEST");
  if (data.length > event.inputs.length) {
    throw new ValidationError(`expected at most ${event.inputs.length} input values, got ${data.length}`, "TR_ERR_BAD_REQUEST");
  }
  if (!trusted) {
    data.forEach((value, i) => {
      if (nestedDeeperThan(value, MAX_DEPTH)) {
        const c = event.inputs[i];
        throw new ValidationError(
          `${c.className}${c.label ? ` "${c.label}"` : ""}: expected a value nested at most ${MAX_DEPTH} levels deep, got arrays and objects nested deeper`,
          "TR_ERR_TOO_COMPLEX",
        );
      }
    });
  }
  return data;
}

export const hasState = (list: readonly Component<any, any>[]): boolean => list.some((c) => c.stateful);

/** One input's argument: from the session for state, else preprocessed (maybe a promise). */
function argument(
  event: EventDef,
  i: number,
  data: readonly unknown[],
  ctx: ComponentContext,
  session: Map<number, unknown> | undefined,
  override: Map<number, unknown> | undefined,
): unknown {
  const component = event.inputs[i];
  if (component.stateful) {
    if (override?.has(component.id)) return override.get(component.id);
    if (session?.has(component.id)) return session.get(component.id);
    return (component as unknown as { fresh(): unknown }).fresh();
  }
  return event.preprocess ? component.preprocess(data[i] ?? null, ctx) : (data[i] ?? null);
}

/**
 * `count` values, each from `item(i)`: an array at once when none of them is to be awaited (most
 * components answer at once, and every await is a turn of the microtask queue and an allocation on the
 * hot path), else a promise of it. `awaited(i, v)` says whether item i's value is a promise to wait for.
 */
function collect(count: number, item: (i: number) => unknown, awaited: (i: number, v: unknown) => boolean): unknown[] | Promise<unknown[]> {
  const values: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const value = item(i);
    if (awaited(i, value)) return collectRest(values, value as Promise<unknown>, count, item, awaited);
    values.push(value);
  }
  return values;
}

async function collectRest(values: unknown[], pending: Promise<unknown>, count: number, item: (i: number) => unknown, awaited: (i: number, v: unknown) => boolean): Promise<unknown[]> {
  values.push(await pending);
  for (let i = values.length; i < count; i++) {
    const value = item(i);
    values.push(awaited(i, value) ? await value : value);
  }
  return values;
}

/** Preprocessed arguments, one per input; state inputs come from the session (or the override). */
export function preprocessInputs(
  event: EventDef,
  data: readonly unknown[],
  ctx: ComponentContext,
  session: Map<number, unknown> | undefined,
  override: Map<number, unknown> | undefined,
): unknown[] | Promise<unknown[]> {
  // A state value is passed as it is, even a promise.
  return collect(
    event.inputs.length,
    (i) => argument(event, i, data, ctx, session, override),
    (i, v) => v instanceof Promise && !event.inputs[i].stateful,
  );
}

/** A value the function returned does not fit its output: the function's fault, not the caller's. */
function misfit(err: unknown): unknown {
  return err instanceof ValidationError ? returnError(`invalid return value: ${err.message}`, err) : err;
}

/** Wire values of the outputs; state outputs go into `stateOut` and leave a null on the wire. */
export function postprocessAll(
  event: EventDef,
  outputs: readonly unknown[],
  ctx: ComponentContext,
  stateOut: Map<number, unknown> | undefined,
): unknown[] | Promise<unknown[]> {
  const list = event.outputs;
  const wire = (i: number): unknown => {
    const component = list[i];
    if (component.stateful) {
      stateOut?.set(component.id, outputs[i]);
      return null;
    }
    try {
      const value = component.postprocess(outputs[i], ctx);
      return value instanceof Promise ? value.catch((err) => Promise.reject(misfit(err))) : value;
    } catch (err) {
      throw misfit(err);
    }
  };
  return collect(list.length, wire, (_, v) => v instanceof Promise);
}

/**
 * Streams a generator's values through `onValue`, and returns its last value. A cancelled call stops
 * the generator (its `finally` runs) and ends as cancelled, never as a success with a partial result.
 */
export async function drain(result: unknown, ctx: { readonly signal: AbortSignal }, onValue?: (value: unknown) => void): Promise<unknown> {
  if (!isGenerator(result)) return result;
  const signal = ctx.signal;
  const iterator = result as AsyncIterator<unknown>;
  let last: unknown = undefined;
  let any = false;
  // A flag the abort sets, read at each step: Node's `signal.aborted` getter validates its receiver on
  // every read, a few percent of a server's CPU with a thousand streams.
  let aborted = signal.aborted;
  const onAbort = () => void (aborted = true);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      if (aborted) {
        await iterator.return?.();
        throw cancelled();
      }
      const step = await iterator.next();
      if (step.done) break;
      last = step.value;
      any = true;
      onValue?.(last);
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  if (aborted) throw cancelled();
  if (!any) throw returnError("the generator yielded no value");
  return last;
}

/** Most functions never read their context, so its parts are built on first use (this is the hot path). */
export class LazyContext implements CallContext {
  private req?: RequestInfo;
  private prog?: CallContext["progress"];
  private sig?: AbortSignal;
  constructor(private readonly opts: Pick<RunOptions, "request" | "signal" | "onProgress">) {}
  get request(): RequestInfo {
    const r = this.opts.request;
    return (this.req ??= typeof r === "function" ? r() : (r ?? codeRequest()));
  }
  get progress(): CallContext["progress"] {
    return (this.prog ??= makeProgress(this.opts.onProgress ?? (() => {})));
  }
  get signal(): AbortSignal {
    const s = this.opts.signal;
    return (this.sig ??= typeof s === "function" ? s() : (s ?? NEVER));
  }
}

const NEVER = new AbortController().signal;

export { RunError, toRunError };
