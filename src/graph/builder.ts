import { Component } from "../components/component.js";
import { OptionError } from "../core/errors.js";
import { Block, Graph, type AppMeta, type BackendFn, type EventDef, type EventRuntime, type FnOrigin, type LayoutNode, type SuccessHook } from "./graph.js";

/** An event as a builder adds it; the omitted fields take their defaults. */
export interface EventInput {
  apiName: string | null;
  inputs: Component<any, any>[];
  outputs: Component<any, any>[];
  targets: [number, string][];
  fn: BackendFn | null;
  frontendAction?: string | null;
  batch?: boolean;
  maxBatchSize?: number;
  concurrencyLimit?: number | "default" | null;
  /** Share another event's concurrency pool (its `concurrencyId`); the limits must then be the same. */
  concurrencyId?: string;
  showApi?: boolean;
  live?: boolean;
  preprocess?: boolean;
  showProgress?: "full" | "minimal" | "hidden";
  description?: string | null;
  origin?: FnOrigin | null;
}

/** An event while its graph is being built: features add success hooks to it. */
export interface EventDraft extends EventDef {
  readonly onSuccess: SuccessHook[];
}

/**
 * Builds one graph. Interface (and Parallel, Series, later Blocks) drive it; features that need the graph
 * (flagging, interpretation, examples, the Clear button) add their components, events, hooks and config
 * fields while it is built. `build()` freezes the result; the builder takes nothing after that.
 */
export class GraphBuilder {
  private readonly components: Component<any, any>[] = [];
  private readonly blocks: Block[] = [];
  private readonly events: EventDraft[] = [];
  private readonly config: Record<string, unknown> = {};
  private readonly onLaunch: ((runtime: EventRuntime) => Promise<void>)[] = [];
  private readonly onClose: (() => Promise<void>)[] = [];
  private layout: LayoutNode = { id: 0, children: [] };
  private nextId = 1;
  private built: Graph | null = null;

  constructor(private readonly meta: AppMeta) {}

  private open(): void {
    if (this.built) throw new OptionError("TR_ERR_GRAPH_FROZEN", "this graph is built; a built graph cannot be changed");
  }

  /** Gives a component or block its id in this graph. A component belongs to one graph only. */
  add<T extends Component<any, any> | Block>(item: T): T {
    this.open();
    if (item.id !== -1) {
      throw new OptionError(
        "TR_ERR_COMPONENT_REUSED",
        `${item instanceof Component ? item.className : item.type} is already part of an app; create a new component for each Interface`,
      );
    }
    item.id = this.nextId++;
    if (item instanceof Component) this.components.push(item);
    else this.blocks.push(item);
    return item;
  }

  addEvent(input: EventInput): EventDraft {
    this.open();
    if (input.apiName !== null && this.events.some((e) => e.apiName === input.apiName)) {
      throw new OptionError("TR_ERR_EVENT_DUPLICATE", `an event named "${input.apiName}" already exists`);
    }
    const id = this.events.length;
    const concurrencyLimit = input.concurrencyLimit === undefined ? "default" : input.concurrencyLimit;
    const concurrencyId = input.concurrencyId ?? String(id);
    const sharing = this.events.find((e) => e.concurrencyId === concurrencyId);
    if (sharing && sharing.concurrencyLimit !== concurrencyLimit) {
      throw new OptionError(
        "TR_ERR_OPTION_CONFLICT",
        `event "${input.apiName ?? id}" shares the concurrency pool "${concurrencyId}" of event "${sharing.apiName ?? sharing.id}" but not its concurrency limit (${String(concurrencyLimit)} vs ${String(sharing.concurrencyLimit)})`,
      );
    }
    const event: EventDraft = {
      id,
      apiName: input.apiName,
      inputs: input.inputs,
      outputs: input.outputs,
      targets: input.targets,
      fn: input.fn,
      frontendAction: input.frontendAction ?? null,
      batch: input.batch ?? false,
      maxBatchSize: input.maxBatchSize ?? 4,
      concurrencyLimit,
      concurrencyId,
      showApi: input.showApi ?? input.apiName !== null,
      live: input.live ?? false,
      preprocess: input.preprocess ?? true,
      showProgress: input.showProgress ?? "full",
      description: input.description ?? null,
      origin: input.origin ?? null,
      onSuccess: [],
    };
    this.events.push(event);
    return event;
  }

  setLayout(root: LayoutNode): void {
    this.open();
    this.layout = root;
  }

  /** A top-level field of `/config` (Gradio's allow_flagging, interpretation, live…). */
  setConfig(key: string, value: unknown): void {
    this.open();
    this.config[key] = value;
  }

  /** Work to do when an app of this graph is launched (before it listens) and when it is closed. */
  lifecycle(hooks: { onLaunch?: (runtime: EventRuntime) => Promise<void>; onClose?: () => Promise<void> }): void {
    this.open();
    if (hooks.onLaunch) this.onLaunch.push(hooks.onLaunch);
    if (hooks.onClose) this.onClose.push(hooks.onClose);
  }

  /** Freezes the graph. A component is editable on the page when it feeds a function and shows no function's result. */
  build(): Graph {
    this.open();
    const fed = new Set<number>();
    const shown = new Set<number>();
    for (const e of this.events) {
      if (!e.fn) continue;
      for (const c of e.inputs) fed.add(c.id);
      for (const c of e.outputs) shown.add(c.id);
    }
    const interactive = new Map<number, boolean>();
    for (const c of this.components) {
      if (c.stateful) continue;
      interactive.set(c.id, c.interactive ?? (!c.displayOnly && fed.has(c.id) && !shown.has(c.id)));
      // A component's place in its graph is fixed once built.
      Object.defineProperty(c, "id", { value: c.id, writable: false, configurable: false });
      Object.defineProperty(c, "label", { value: c.label, writable: false, configurable: false });
    }
    this.built = new Graph({
      meta: this.meta,
      components: this.components,
      blocks: this.blocks,
      events: this.events,
      layout: this.layout,
      config: this.config,
      interactive,
      lifecycle: { onLaunch: this.onLaunch, onClose: this.onClose },
    });
    return this.built;
  }
}
