import { Component } from "../components/component.js";
import { Block, type LayoutNode } from "./blocks.js";
import { defaultFileStore, type FileStore } from "../runtime/file-store.js";
import { MemorySessionStore, type SessionStore } from "../runtime/sessions.js";

/** The backend function of an event, after the Interface has adapted the author's function to a list in, list out. */
export type BackendFn = (args: unknown[], ctx: import("../core/context.js").CallContext) => unknown;

export interface EventDef {
  id: number;
  /** Name of the API endpoint without the leading slash, or null for page-only events. */
  apiName: string | null;
  inputs: Component<any, any>[];
  outputs: Component<any, any>[];
  /** What triggers it on the page: [block or component id, event name]. */
  targets: [number, string][];
  fn: BackendFn | null;
  /** A page-side action for events without a backend function (e.g. "reset" for Clear). */
  frontendAction?: string;
  /** fn takes one list per input and returns one list per output. */
  batch: boolean;
  maxBatchSize: number;
  /** Most jobs of this event running at once; "default" uses the queue's default. */
  concurrencyLimit: number | "default" | null;
  /** Listed by `/info`. */
  showApi: boolean;
  /** Runs on every input change, debounced by the page. */
  live: boolean;
  /** false: fn receives the wire values as sent, unchecked (Gradio's `preprocess=False`; the flag event). Default true. */
  preprocess?: boolean;
  /** Called after each successful run for a client (not for calls from the author's code) with the wire inputs and outputs; must not throw. */
  onSuccess?: (inputs: unknown[], outputs: unknown[], ctx: import("../core/context.js").CallContext) => void;
}

export interface AppMeta {
  title: string | null;
  description: string | null;
  article: string | null;
  css: string | null;
  theme: string;
  thumbnail: string | null;
  /** Extra config fields that later features add (flagging, interpretation, examples…). */
  extra: Record<string, unknown>;
}

/**
 * The app graph: components, layout blocks, and events. Interfaces (and later Blocks, Parallel, Series)
 * build it; the server, the page and calls from code only read it.
 */
export class App {
  readonly components: Component<any, any>[] = [];
  readonly blocks: Block[] = [];
  readonly events: EventDef[] = [];
  layout: LayoutNode = { id: 0, children: [] };
  sessions: SessionStore;
  files: FileStore;
  private nextId = 1;

  constructor(
    readonly meta: AppMeta,
    opts: { sessions?: SessionStore; files?: FileStore } = {},
  ) {
    this.sessions = opts.sessions ?? new MemorySessionStore();
    this.files = opts.files ?? defaultFileStore();
  }

  /** Gives a component or block its id in this graph. A component belongs to one graph only. */
  add<T extends Component<any, any> | Block>(item: T): T {
    if (item.id !== -1) {
      throw new Error(
        `${item instanceof Component ? item.className : item.type} is already part of an app; create a new component for each Interface`,
      );
    }
    item.id = this.nextId++;
    if (item instanceof Component) this.components.push(item);
    else this.blocks.push(item);
    return item;
  }

  addEvent(event: Omit<EventDef, "id">): EventDef {
    const def = { ...event, id: this.events.length };
    if (def.apiName !== null && this.events.some((e) => e.apiName === def.apiName)) {
      throw new Error(`an event named "${def.apiName}" already exists`);
    }
    this.events.push(def);
    return def;
  }

  eventByName(apiName: string): EventDef | undefined {
    const name = apiName.replace(/^\//, "");
    return this.events.find((e) => e.apiName === name && e.fn !== null);
  }

  eventByIndex(fnIndex: unknown): EventDef | undefined {
    return typeof fnIndex === "number" && Number.isInteger(fnIndex) ? this.events[fnIndex] : undefined;
  }
}
