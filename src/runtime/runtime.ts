import type { CallContext, ComponentContext } from "../core/context.js";
import { LocalTotal, WindowCounter, type Counter, type CounterFactory, type Total } from "../core/counter.js";
import type { FileStore } from "../core/files.js";
import type { EventDef, EventRuntime, EventScope, Graph, ScopedRun } from "../graph/graph.js";
import { TradioFailure, ValidationError, type ShownFailure } from "../core/errors.js";
import { RunError, returnError, toRunError, present } from "./failure.js";
import { DiskFileStore } from "./file-store.js";
import {
  checkBatch,
  checkData,
  drain,
  hasState,
  isGenerator,
  isThenable,
  LazyContext,
  postprocessAll,
  preprocessInputs,
  spread,
  type RunOptions,
} from "./run.js";
import { DEFAULT_STATE_SESSION_MAX_BYTES, MemorySessionStore, stateBytes, type SessionStore } from "./sessions.js";
import { TrustedFiles } from "./trusted-files.js";

export type { RunOptions };

export interface RuntimeOptions {
  sessions?: SessionStore;
  files?: FileStore;
  /** Show the text of unexpected exceptions to callers (otherwise a generic message). */
  showError?: boolean;
  /** Prefix of this runtime's session keys (a member graph of a Parallel or Series runs under its mix's sessions). */
  sessionPrefix?: string;
  /** Most bytes of state one session may keep (measured when stored); a call that would keep more fails. Default 16 MiB. */
  stateSessionMaxBytes?: number;
  /** Where the app's limits count (`counter()`): default this process's memory; Redis for processes sharing one. */
  counters?: CounterFactory;
  /** Where the app's running totals are kept (`total()`): likewise. */
  totals?: (name: string) => Total;
}

export type BatchOutcome = { ok: true; data: unknown[] } | { ok: false; error: RunError };

let shared: DiskFileStore | undefined;
/**
 * The store of calls from code, when no launched app gives one. The paths it returns are the author's to
 * keep, so nothing in it expires or is refused for size; it is removed when the process exits.
 */
function defaultFiles(): DiskFileStore {
  return (shared ??= new DiskFileStore({ maxStoreSize: null, deleteCache: null }));
}

/**
 * One launched app (or the calls made from code): a frozen graph with the session store, the file store
 * and the fetch policy (inside the file store) that runs need. `run` is the only code that calls an
 * author's function; the queue, the one-shot route, calls from code, interpretation and Parallel/Series
 * all come through it.
 */
export class Runtime implements EventRuntime {
  readonly sessions: SessionStore;
  readonly files: FileStore;
  readonly showError: boolean;
  readonly stateSessionMaxBytes: number;
  private readonly prefix: string;
  private readonly trusted: FileStore;
  private readonly children = new Map<Graph, Runtime>();
  private readonly makeCounter: CounterFactory;
  private readonly counters = new Map<string, Counter>();
  private readonly makeTotal: (name: string) => Total;
  private readonly totals = new Map<string, Total>();

  constructor(
    readonly graph: Graph,
    opts: RuntimeOptions = {},
  ) {
    this.sessions = opts.sessions ?? new MemorySessionStore();
    this.files = opts.files ?? defaultFiles();
    this.showError = opts.showError ?? false;
    this.prefix = opts.sessionPrefix ?? "";
    this.stateSessionMaxBytes = opts.stateSessionMaxBytes ?? DEFAULT_STATE_SESSION_MAX_BYTES;
    this.trusted = new TrustedFiles(this.files);
    this.makeCounter = opts.counters ?? ((_name, limit) => new WindowCounter(limit));
    this.makeTotal = opts.totals ?? (() => new LocalTotal());
  }

  total(name: string): Total {
    let t = this.totals.get(name);
    if (!t) this.totals.set(name, (t = this.makeTotal(name)));
    return t;
  }

  /** Stops what keeps the app's totals up to date (with Redis, a refresh timer each). */
  close(): void {
    for (const t of this.totals.values()) t.close?.();
    this.totals.clear();
  }

  counter(name: string, limit: number): Counter {
    const key = `${name}:${limit}`;
    let c = this.counters.get(key);
    if (!c) this.counters.set(key, (c = this.makeCounter(name, limit)));
    return c;
  }

  /**
   * Stores a session's state with its size, measured now (v8.serialize's length). Past
   * `stateSessionMaxBytes` the call fails (TR_ERR_TOO_COMPLEX, naming the state component) and the
   * session's state is dropped: the function may have grown the previous value in place (a chat
   * history's push), so keeping it would keep what the bound refuses.
   */
  private async storeState(event: EventDef, key: string, state: Map<number, unknown>): Promise<void> {
    let bytes: number;
    try {
      bytes = this.measureState(event, state);
    } catch (err) {
      await this.sessions.delete(key);
      throw err;
    }
    await this.keep(key, state, bytes);
  }

  private measureState(event: EventDef, state: Map<number, unknown>): number {
    let total = 0;
    let largest: [number, number] = [-1, 0];
    for (const [id, value] of state) {
      const bytes = stateBytes(value);
      total += bytes;
      if (bytes >= largest[1]) largest = [id, bytes];
    }
    if (total > this.stateSessionMaxBytes) {
      const c = [...event.outputs, ...event.inputs].find((x) => x.id === largest[0]);
      const name = c ? `${c.className}${c.label ? ` "${c.label}"` : ""}` : "State";
      throw new ValidationError(
        `${name}: this session's state would take ${mebibytes(total)}, more than the ${mebibytes(this.stateSessionMaxBytes)} a session may keep (stateSessionMaxBytes); its state is cleared`,
        "TR_ERR_TOO_COMPLEX",
      );
    }
    return total;
  }

  /** What a caller is told of a failure of this app's runs; internal failures are logged here. */
  present(err: RunError, where: string): ShownFailure {
    const f = err.failure;
    if (f.kind === "internal") console.error(`tradio: ${where} failed:`, f.error ?? f.message);
    return present(f, this.showError);
  }

  /**
   * The file store as the caller of a run sees it: a client's own uploads and outputs (per login when the
   * app has auth) and the author's files; calls from the author's code may name any readable file.
   */
  filesFor(opts: Pick<RunOptions, "request" | "trusted">): FileStore {
    if (opts.trusted) return this.trusted;
    const request = typeof opts.request === "function" ? opts.request() : opts.request;
    return this.files.forCaller(request?.username ?? null);
  }

  private context(opts: RunOptions): ComponentContext {
    return { files: this.filesFor(opts), root: opts.root, trusted: opts.trusted ?? false };
  }

  private scope(opts: RunOptions, files: FileStore): EventScope {
    const signal = typeof opts.signal === "function" ? undefined : opts.signal;
    const request = typeof opts.request === "function" ? undefined : opts.request;
    return { runtime: this, sessionKey: opts.sessionKey, root: opts.root, trusted: opts.trusted, signal, request, files };
  }

  private key(sessionKey: string): string {
    return this.prefix + sessionKey;
  }

  /** Stores a session's state; a value the store cannot serialise fails naming its component. */
  private async keep(key: string, state: Map<number, unknown>, bytes: number): Promise<void> {
    try {
      await this.sessions.set(key, state, bytes);
    } catch (err) {
      const id = (err as { componentId?: unknown }).componentId;
      if (typeof id !== "number") throw err;
      const c = this.graph.components.find((x) => x.id === id);
      const name = c ? `${c.className}${c.label ? ` "${c.label}"` : ""} (component ${id})` : `component ${id}`;
      const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : String((err as Error).message);
      throw new TradioFailure("TR_ERR_STATE_UNSERIALISABLE", `the value returned for ${name} cannot be kept as session state in Redis (structured clone failed: ${cause}); keep plain data (objects, arrays, Maps, Sets, Dates, typed arrays) in state`, { cause: err });
    }
  }

  /**
   * The one run path: preprocess every input (state from the session), call the function, postprocess
   * every output (state back into the session). Throws a RunError that says whose fault a failure is.
   */
  async run(event: EventDef, data: unknown, opts: RunOptions): Promise<unknown[]> {
    try {
      const values = checkData(event, data, opts.trusted);
      const ctx = this.context(opts);
      const stateful = opts.sessionKey !== null && (hasState(event.inputs) || hasState(event.outputs));
      const session = stateful ? await this.sessions.get(this.key(opts.sessionKey!)) : undefined;
      // Awaited only when a promise: most components and many functions answer at once.
      const prepared = preprocessInputs(event, values, ctx, session, opts.stateOverride);
      const args = prepared instanceof Promise ? await prepared : prepared;
      const callContext = new LazyContext(opts);
      let result: unknown;
      if (event.batch) {
        const lists = checkBatch(event, await event.fn!(args.map((a) => [a]), callContext, this.scope(opts, ctx.files)), 1);
        result = event.outputs.length === 1 ? lists[0][0] : lists.map((l) => l[0]);
      } else {
        result = event.fn!(args, callContext, this.scope(opts, ctx.files));
        if (isThenable(result)) result = await result;
      }
      const onGenerate = opts.onGenerate;
      const last = isGenerator(result)
        ? await drain(result, callContext, onGenerate && ((v) => onGenerate(async () => postprocessAll(event, spread(event, v), ctx, undefined))))
        : result;
      // New state values, over the session's; most events have no state, and skip the copy.
      const stateOutputs = hasState(event.outputs);
      const stateOut = opts.stateOverride || stateOutputs ? new Map<number, unknown>(session ?? []) : undefined;
      const processed = postprocessAll(event, spread(event, last), ctx, stateOut);
      const wire = processed instanceof Promise ? await processed : processed;
      if (stateful && stateOut && stateOutputs) await this.storeState(event, this.key(opts.sessionKey!), stateOut);
      if (opts.stateOverride) for (const [id, v] of stateOut!) opts.stateOverride.set(id, v);
      if (!opts.trusted) for (const hook of event.onSuccess) hook(values, wire, callContext, ctx.files, this);
      return wire;
    } catch (err) {
      throw toRunError(err);
    }
  }

  /**
   * Several calls of a `batch: true` event in one function call (the queue groups waiting jobs). A call
   * whose inputs are bad fails alone; the rest still run together. The first call's context is passed.
   */
  async runBatch(event: EventDef, calls: { data: unknown; opts: RunOptions }[]): Promise<BatchOutcome[]> {
    const outcomes: BatchOutcome[] = new Array(calls.length);
    const ready: { index: number; args: unknown[]; ctx: ComponentContext }[] = [];
    for (const [index, call] of calls.entries()) {
      try {
        const ctx = this.context(call.opts);
        ready.push({ index, args: await preprocessInputs(event, checkData(event, call.data, call.opts.trusted), ctx, undefined, undefined), ctx });
      } catch (err) {
        outcomes[index] = { ok: false, error: toRunError(err) };
      }
    }
    if (ready.length === 0) return outcomes;
    try {
      const columns = event.inputs.map((_, i) => ready.map((r) => r.args[i]));
      const first = calls[ready[0].index].opts;
      const lists = checkBatch(event, await event.fn!(columns, new LazyContext(first), this.scope(first, ready[0].ctx.files)), ready.length);
      for (const [k, r] of ready.entries()) {
        try {
          const data = await postprocessAll(event, lists.map((l) => l[k]), r.ctx, undefined);
          outcomes[r.index] = { ok: true, data };
          const call = calls[r.index];
          if (!call.opts.trusted) for (const hook of event.onSuccess) hook(call.data as unknown[], data, new LazyContext(call.opts), r.ctx.files, this);
        } catch (err) {
          outcomes[r.index] = { ok: false, error: toRunError(err) };
        }
      }
    } catch (err) {
      const error = toRunError(err);
      for (const r of ready) outcomes[r.index] = { ok: false, error };
    }
    return outcomes;
  }

  /** Calls the function on preprocessed arguments; a generator gives its last value. No state, no postprocessing. */
  async call(event: EventDef, args: unknown[], ctx: CallContext): Promise<unknown[]> {
    const scope: EventScope = { runtime: this, sessionKey: null, root: "", request: ctx.request, signal: ctx.signal, files: this.filesFor(ctx) };
    const result = event.batch
      ? (await this.callBatch(event, args.map((a) => [a]), ctx)).map((column) => column[0])
      : spread(event, await drain(await event.fn!(args, ctx, scope), ctx));
    return result;
  }

  async callBatch(event: EventDef, columns: unknown[][], ctx: CallContext): Promise<unknown[][]> {
    if (!event.batch) throw returnError(`${event.apiName ?? event.id} is not a batch event`);
    const size = columns[0]?.length ?? 0;
    const scope: EventScope = { runtime: this, sessionKey: null, root: "", request: ctx.request, signal: ctx.signal, files: this.filesFor(ctx) };
    return checkBatch(event, await event.fn!(columns, ctx, scope), size);
  }

  async runGraph(graph: Graph, event: EventDef, data: unknown[], opts: ScopedRun): Promise<unknown[]> {
    let child = this.children.get(graph);
    if (!child) {
      child = new Runtime(graph, {
        sessions: this.sessions,
        files: this.files,
        showError: this.showError,
        sessionPrefix: `${this.prefix}${graph.key}:`,
        stateSessionMaxBytes: this.stateSessionMaxBytes,
        // A member's limits and totals are the app's.
        counters: (name, limit) => this.counter(name, limit),
        totals: (name) => this.total(name),
      });
      this.children.set(graph, child);
    }
    return child.run(event, data, opts);
  }
}

function mebibytes(bytes: number): string {
  return bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

export { RunError, returnError };
