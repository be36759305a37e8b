import type { Component } from "../components/component.js";
import type { Counter, Total } from "../core/counter.js";
import type { FileStore } from "../core/files.js";
import type { CallContext, ComponentContext, RequestInfo } from "../core/context.js";
import type { LayoutNode } from "../protocol/types.js";

export type { LayoutNode };

/** How a feature's function runs another event: the session and caller of the run it is part of. */
export interface ScopedRun {
  sessionKey: string | null;
  root: string;
  request?: RequestInfo;
  signal?: AbortSignal;
  /** Calls from the author's code may name any readable file as a media input. */
  trusted?: boolean;
}

/**
 * The runtime, as the graph's own functions see it. Features whose function runs other events
 * (interpretation, Parallel/Series, cached examples) go through it, so the runtime stays the only
 * caller of an author's function. The runtime implements it; the graph never holds one.
 */
export interface EventRuntime {
  readonly files: FileStore;
  /** Runs an event like a client call: wire values in, wire values out (state from the session). */
  run(event: EventDef, data: unknown[], opts: ScopedRun): Promise<unknown[]>;
  /** Runs an event of another graph (a member of a Parallel or Series), keeping its state under this session. */
  runGraph(graph: Graph, event: EventDef, data: unknown[], opts: ScopedRun): Promise<unknown[]>;
  /** Calls an event's function on arguments already preprocessed; returns its outputs as the function gave them. */
  call(event: EventDef, args: unknown[], ctx: CallContext): Promise<unknown[]>;
  /** The same for a `batch: true` event: one column per input in, one column per output back. */
  callBatch(event: EventDef, columns: unknown[][], ctx: CallContext): Promise<unknown[][]>;
  /**
   * The app's counter of one limit (say, flags a minute per client address), made on first use: in this
   * process, or in Redis when the app's processes share one, so the limit holds for the app as a whole.
   */
  counter(name: string, limit: number): Counter;
  /**
   * The app's running total of one name (say, the bytes of its flagging folder), made on first use: in
   * this process, or in Redis when the app's processes share one, so each sees what the others added.
   */
  total(name: string): Total;
}

/** What a block's props may depend on when the config is built: the request's root, the files, the runtime. */
export interface ResolveContext extends ComponentContext {
  runtime: EventRuntime;
}

/**
 * Blocks that arrange components or trigger events on the page (rows, columns, buttons, the examples
 * table). They carry no value through the API, so they are not `Component`s, but they take ids from the
 * same counter and appear in the config's `components` list, as in Gradio.
 */
export class Block {
  id = -1;
  constructor(
    readonly type: string,
    private readonly blockProps: Record<string, unknown> = {},
    /** Props computed when the config is built (example values whose file URLs depend on the request). */
    readonly resolve?: (ctx: ResolveContext) => Promise<Record<string, unknown>>,
  ) {}
  props(): Record<string, unknown> {
    return { visible: true, ...this.blockProps };
  }
  /** Fixes the block's props once its graph is built. */
  freeze(): void {
    Object.freeze(this.blockProps);
    Object.freeze(this);
  }
}

/** The run a feature's function is part of. */
export interface EventScope extends ScopedRun {
  runtime: EventRuntime;
  /** The file store as this run's caller sees it (their own files and the author's). */
  files: FileStore;
}

/**
 * The function of an event, after the builder adapted the author's function to a list in, list out.
 * Features' own functions also read the scope; an author's function never sees it.
 */
export type BackendFn = (args: unknown[], ctx: CallContext, scope: EventScope) => unknown;

/** The source file (a path) and line of the code that built an event, and its function's name. */
export interface FnOrigin {
  readonly file: string;
  readonly line: number;
  readonly name: string;
}

/** Called after each successful run for a client (not for calls from the author's code); must not throw. */
export type SuccessHook = (inputs: readonly unknown[], outputs: readonly unknown[], ctx: CallContext, files: FileStore, runtime: EventRuntime) => void;

export interface EventDef {
  readonly id: number;
  /** Name of the API endpoint without the leading slash, or null for page-only events. */
  readonly apiName: string | null;
  readonly inputs: readonly Component<any, any>[];
  readonly outputs: readonly Component<any, any>[];
  /** What triggers it on the page: [block or component id, event name]. */
  readonly targets: readonly (readonly [number, string])[];
  readonly fn: BackendFn | null;
  /** A page-side action for events without a backend function (e.g. "reset" for Clear). */
  readonly frontendAction: string | null;
  /** fn takes one list per input and returns one list per output. */
  readonly batch: boolean;
  readonly maxBatchSize: number;
  /** Most jobs of this event's pool running at once; "default" uses the queue's default; null is no limit. */
  readonly concurrencyLimit: number | "default" | null;
  /**
   * The concurrency pool the event's jobs count against (Gradio's `concurrency_id`): events that share
   * an id share one limit, so one event's jobs wait for another's slots. By default each event has its own.
   */
  readonly concurrencyId: string;
  /** Listed by `/info`. */
  readonly showApi: boolean;
  /** Runs on every input change, debounced by the page. */
  readonly live: boolean;
  /** false: fn receives the wire values as sent, unchecked (Gradio's `preprocess=False`). */
  readonly preprocess: boolean;
  /**
   * What the page shows on the outputs while a job runs (Gradio's `show_progress`): "hidden" for a
   * streaming input's event, whose outputs update in place chunk after chunk.
   */
  readonly showProgress: "full" | "minimal" | "hidden";
  /** What the endpoint does, for `/info` and MCP tools (Gradio's api_description); null when unsaid. */
  readonly description: string | null;
  /** Where the author's function was written, so its JSDoc can describe the endpoint; null when unknown. */
  readonly origin: FnOrigin | null;
  readonly onSuccess: readonly SuccessHook[];
}

export interface AppMeta {
  readonly title: string | null;
  readonly description: string | null;
  readonly article: string | null;
  readonly css: string | null;
  readonly theme: string;
  readonly thumbnail: string | null;
}

/** What features of the graph need done when an app is launched or closed (flagging opens its log). */
export interface Lifecycle {
  readonly onLaunch: readonly ((runtime: EventRuntime) => Promise<void>)[];
  readonly onClose: readonly (() => Promise<void>)[];
}

export interface GraphParts {
  meta: AppMeta;
  components: Component<any, any>[];
  blocks: Block[];
  events: EventDef[];
  layout: LayoutNode;
  /** Top-level config fields that features add (allow_flagging, interpretation, live…). */
  config: Record<string, unknown>;
  /** Whether a person edits each value component on the page, by id. */
  interactive: Map<number, boolean>;
  lifecycle: Lifecycle;
}

let graphs = 0;

/**
 * The app graph: components, layout blocks and events, built once by a GraphBuilder (an Interface,
 * Parallel, Series, later Blocks) and frozen. The server, the page, the queue and calls from code
 * only read it; sessions, files and runs belong to a Runtime.
 */
export class Graph {
  /** A name for this graph in session keys, stable when the same app file builds it in another process. */
  readonly key: string;
  readonly meta: AppMeta;
  readonly components: readonly Component<any, any>[];
  readonly blocks: readonly Block[];
  readonly events: readonly EventDef[];
  readonly layout: LayoutNode;
  readonly config: Readonly<Record<string, unknown>>;
  readonly lifecycle: Lifecycle;
  private readonly interactive: ReadonlyMap<number, boolean>;
  private readonly byName: ReadonlyMap<string, EventDef>;

  constructor(parts: GraphParts) {
    this.key = `g${++graphs}`;
    this.meta = Object.freeze({ ...parts.meta });
    this.components = Object.freeze([...parts.components]);
    this.blocks = Object.freeze([...parts.blocks]);
    this.events = Object.freeze(parts.events.map(freezeEvent));
    this.layout = freezeLayout(parts.layout);
    this.config = deepFreeze(structuredClone(parts.config));
    this.lifecycle = Object.freeze({ onLaunch: Object.freeze([...parts.lifecycle.onLaunch]), onClose: Object.freeze([...parts.lifecycle.onClose]) });
    this.interactive = new Map(parts.interactive);
    this.byName = new Map(this.events.filter((e) => e.apiName !== null && e.fn !== null).map((e) => [e.apiName!, e]));
    for (const b of this.blocks) b.freeze();
    Object.freeze(this);
  }

  eventByName(apiName: string): EventDef | undefined {
    return this.byName.get(apiName.startsWith("/") ? apiName.slice(1) : apiName);
  }

  eventByIndex(fnIndex: unknown): EventDef | undefined {
    return typeof fnIndex === "number" && Number.isInteger(fnIndex) ? this.events[fnIndex] : undefined;
  }

  /** Whether a person edits this component on the page. */
  isInteractive(c: Component<any, any>): boolean {
    return this.interactive.get(c.id) ?? false;
  }
}

function freezeEvent(e: EventDef): EventDef {
  return Object.freeze({
    ...e,
    inputs: Object.freeze([...e.inputs]),
    outputs: Object.freeze([...e.outputs]),
    targets: Object.freeze(e.targets.map((t) => Object.freeze([t[0], t[1]] as const))),
    onSuccess: Object.freeze([...e.onSuccess]),
    origin: e.origin && Object.freeze({ ...e.origin }),
  });
}

function freezeLayout(node: LayoutNode): LayoutNode {
  return Object.freeze(node.children ? { id: node.id, children: Object.freeze(node.children.map(freezeLayout)) } : { id: node.id });
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
