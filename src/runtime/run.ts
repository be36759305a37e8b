import { ValidationError, type ComponentContext } from "../components/component.js";
import { State } from "../components/state.js";
import { TradioError } from "../core/errors.js";
import type { App, EventDef } from "../graph/graph.js";
import { codeRequest, makeProgress, type CallContext, type ProgressUnit, type RequestInfo } from "../core/context.js";
import type { FileStore } from "./file-store.js";

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
  /** Called for each value a generator yields; `render` postprocesses it, so a transport that skips
   *  an update (rate limit) skips its postprocessing too. */
  onGenerate?: (render: () => Promise<unknown[]>) => void;
  /** Calls from the author's code may name any readable file as a media input. */
  trusted?: boolean;
  /** Values of state inputs given directly (calls from code); otherwise they come from the session. */
  stateOverride?: Map<number, unknown>;
}

/** Where an error in the run path came from: decides what the caller is told. */
export type RunFailure =
  | { kind: "input"; message: string } // the caller sent a bad value: 4xx
  | { kind: "user"; message: string; title: string; duration: number | null } // tr.Error: shown as is
  | { kind: "internal"; message: string; error: unknown }; // anything else: logged; shown with showError

export class RunError extends globalThis.Error {
  constructor(readonly failure: RunFailure) {
    super(failure.message);
  }
}

function classify(err: unknown): RunFailure {
  if (err instanceof RunError) return err.failure;
  if (err instanceof TradioError) return { kind: "user", message: err.message, title: err.title, duration: err.duration };
  if (err instanceof ValidationError) return { kind: "input", message: err.message };
  const message = err instanceof globalThis.Error ? err.message : String(err);
  return { kind: "internal", message, error: err };
}

function trustedFiles(files: FileStore): FileStore {
  // Code calls may pass a path anywhere on disk: copy it into the store instead of refusing it.
  return Object.assign(Object.create(files) as FileStore, {
    clientPath: async (p: unknown) => {
      if (typeof p === "string") {
        try {
          return await files.clientPath(p);
        } catch {
          return await files.copyIn(p);
        }
      }
      return files.clientPath(p);
    },
  });
}

function isGenerator(v: unknown): v is AsyncIterator<unknown> | Iterator<unknown> {
  if (v === null || typeof v !== "object") return false;
  const o = v as Record<PropertyKey, unknown>;
  return typeof o.next === "function" && (Symbol.asyncIterator in o || Symbol.iterator in o) && !Array.isArray(v);
}

/** With `batch: true` the function returns one list per output (a one-element array for one output), each as long as the batch. */
export function checkBatch(event: EventDef, returned: unknown, size: number): unknown[][] {
  const n = event.outputs.length;
  if (!Array.isArray(returned) || returned.length !== n || !returned.every((l) => Array.isArray(l) && l.length === size)) {
    throw new RunError({
      kind: "internal",
      message: `with batch: true the function must return ${n} list(s), one per output, each with ${size} item(s)`,
      error: null,
    });
  }
  return returned as unknown[][];
}

/** Splits what the function returned into one value per output. */
function spread(event: EventDef, result: unknown): unknown[] {
  const n = event.outputs.length;
  if (n === 0) return [];
  if (n === 1) return [result];
  if (!Array.isArray(result)) {
    throw new RunError({
      kind: "internal",
      message: `the function must return ${n} values (one per output) as an array, got ${result === null ? "null" : typeof result}`,
      error: null,
    });
  }
  if (result.length !== n) {
    throw new RunError({
      kind: "internal",
      message: `the function returned ${result.length} values, but the interface has ${n} outputs`,
      error: null,
    });
  }
  return result;
}

function checkData(event: EventDef, data: unknown): unknown[] {
  if (!event.fn) throw new RunError({ kind: "input", message: `event ${event.apiName ?? event.id} has no backend function` });
  if (!Array.isArray(data)) throw new RunError({ kind: "input", message: '"data" must be an array with one value per input' });
  if (data.length > event.inputs.length) {
    throw new RunError({ kind: "input", message: `expected at most ${event.inputs.length} input values, got ${data.length}` });
  }
  return data;
}

function contextFor(app: App, opts: RunOptions): ComponentContext {
  return { files: opts.trusted ? trustedFiles(app.files) : app.files, root: opts.root, trusted: opts.trusted ?? false };
}

/** Preprocessed arguments, one per input; state inputs come from the session (or the override). */
async function preprocessInputs(
  event: EventDef,
  data: unknown[],
  opts: RunOptions,
  ctx: ComponentContext,
  session: Map<number, unknown> | undefined,
): Promise<unknown[]> {
  const args: unknown[] = [];
  for (const [i, component] of event.inputs.entries()) {
    if (component instanceof State) {
      if (opts.stateOverride?.has(component.id)) args.push(opts.stateOverride.get(component.id));
      else if (session?.has(component.id)) args.push(session.get(component.id));
      else args.push(component.fresh());
    } else if (event.preprocess === false) {
      args.push(data[i] ?? null);
    } else {
      const value = component.preprocess(data[i] ?? null, ctx);
      args.push(value instanceof Promise ? await value : value);
    }
  }
  return args;
}

/** Streams a generator's values (rendered only when the transport asks), then postprocesses the final outputs and stores state. */
async function complete(
  app: App,
  event: EventDef,
  result: unknown,
  opts: RunOptions,
  ctx: ComponentContext,
  session: Map<number, unknown> | undefined,
  callContext: CallContext,
): Promise<unknown[]> {
  if (isGenerator(result)) {
    let last: unknown = undefined;
    let any = false;
    const iterator = result as AsyncIterator<unknown>;
    for (;;) {
      if (callContext.signal.aborted) {
        await iterator.return?.();
        break;
      }
      const step = await iterator.next();
      if (step.done) break;
      const value = step.value;
      last = value;
      any = true;
      opts.onGenerate?.(() => postprocessAll(event, spread(event, value), ctx, undefined));
    }
    if (!any) throw new RunError({ kind: "internal", message: "the generator yielded no value", error: null });
    result = last;
  }
  const outputs = spread(event, result);
  const stateOut = new Map<number, unknown>(session ?? []);
  const wire = await postprocessAll(event, outputs, ctx, stateOut);
  if (opts.sessionKey !== null && event.outputs.some((c) => c instanceof State)) {
    app.sessions.set(opts.sessionKey, stateOut);
  }
  if (opts.stateOverride) for (const [id, v] of stateOut) opts.stateOverride.set(id, v);
  return wire;
}

/**
 * The one run path: preprocess every input (state from the session), call the function, postprocess
 * every output (state back into the session). The server, the queue and calls from code all use it.
 */
export async function runEvent(app: App, event: EventDef, data: unknown, opts: RunOptions): Promise<unknown[]> {
  const values = checkData(event, data);
  const ctx = contextFor(app, opts);
  const session = opts.sessionKey === null ? undefined : app.sessions.get(opts.sessionKey);
  try {
    const args = await preprocessInputs(event, values, opts, ctx, session);
    const callContext = new LazyContext(opts);
    let result: unknown;
    if (event.batch) {
      const lists = checkBatch(event, await event.fn!(args.map((a) => [a]), callContext), 1);
      result = event.outputs.length === 1 ? lists[0][0] : lists.map((l) => l[0]);
    } else {
      result = await event.fn!(args, callContext);
    }
    const wire = await complete(app, event, result, opts, ctx, session, callContext);
    if (event.onSuccess && !opts.trusted) event.onSuccess(values, wire, callContext);
    return wire;
  } catch (err) {
    // A ValidationError thrown while postprocessing is the function's fault, not the caller's (see postprocessAll).
    throw err instanceof RunError ? err : new RunError(classify(err));
  }
}

export type BatchOutcome = { ok: true; data: unknown[] } | { ok: false; error: RunError };

/**
 * Several calls of a `batch: true` event in one function call (the queue groups waiting jobs). A call
 * whose inputs are bad fails alone; the rest still run together. The first call's context is passed.
 */
export async function runEventBatch(app: App, event: EventDef, calls: { data: unknown; opts: RunOptions }[]): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = new Array(calls.length);
  const ready: { index: number; args: unknown[]; ctx: ComponentContext }[] = [];
  for (const [index, call] of calls.entries()) {
    try {
      const ctx = contextFor(app, call.opts);
      const args = await preprocessInputs(event, checkData(event, call.data), call.opts, ctx, undefined);
      ready.push({ index, args, ctx });
    } catch (err) {
      outcomes[index] = { ok: false, error: err instanceof RunError ? err : new RunError(classify(err)) };
    }
  }
  if (ready.length === 0) return outcomes;
  try {
    const columns = event.inputs.map((_, i) => ready.map((r) => r.args[i]));
    const callContext = new LazyContext(calls[ready[0].index].opts);
    const lists = checkBatch(event, await event.fn!(columns, callContext), ready.length);
    for (const [k, r] of ready.entries()) {
      try {
        const outputs = lists.map((l) => l[k]);
        const data = await postprocessAll(event, outputs, r.ctx, undefined);
        outcomes[r.index] = { ok: true, data };
        const call = calls[r.index];
        if (event.onSuccess && !call.opts.trusted) event.onSuccess(call.data as unknown[], data, new LazyContext(call.opts));
      } catch (err) {
        outcomes[r.index] = { ok: false, error: err instanceof RunError ? err : new RunError(classify(err)) };
      }
    }
  } catch (err) {
    const error = err instanceof RunError ? err : new RunError(classify(err));
    for (const r of ready) outcomes[r.index] = { ok: false, error };
  }
  return outcomes;
}

async function postprocessAll(
  event: EventDef,
  outputs: unknown[],
  ctx: ComponentContext,
  stateOut: Map<number, unknown> | undefined,
): Promise<unknown[]> {
  const wire: unknown[] = [];
  for (const [i, component] of event.outputs.entries()) {
    if (component instanceof State) {
      stateOut?.set(component.id, outputs[i]);
      wire.push(null);
      continue;
    }
    try {
      const value = component.postprocess(outputs[i], ctx);
      wire.push(value instanceof Promise ? await value : value);
    } catch (err) {
      if (err instanceof ValidationError) {
        throw new RunError({ kind: "internal", message: `invalid return value: ${err.message}`, error: err });
      }
      throw err;
    }
  }
  return wire;
}

/** Most functions never read their context, so its parts are built on first use (this is the hot path). */
class LazyContext implements CallContext {
  private req?: RequestInfo;
  private prog?: CallContext["progress"];
  private sig?: AbortSignal;
  constructor(private readonly opts: RunOptions) {}
  get request(): RequestInfo {
    const r = this.opts.request;
    return (this.req ??= typeof r === "function" ? r() : (r ?? codeRequest()));
  }
  get progress(): CallContext["progress"] {
    return (this.prog ??= makeProgress(this.opts.onProgress ?? (() => {})));
  }
  get signal(): AbortSignal {
    const s = this.opts.signal;
    return (this.sig ??= typeof s === "function" ? s() : (s ?? new AbortController().signal));
  }
}

/** What a caller is told about a failure: tr.Error and bad input as they are; the rest only with showError. */
export function publicMessage(failure: RunFailure, showError: boolean): string | null {
  if (failure.kind === "internal") return showError ? failure.message : null;
  return failure.message;
}
