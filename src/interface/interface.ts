import { existsSync, readFileSync } from "node:fs";
import { App, type BackendFn } from "../graph/graph.js";
import { runEvent, RunError } from "../runtime/run.js";
import { parameterNames } from "./params.js";
import { checkOptions, Component, describe, type OptionKind } from "../components/component.js";
import { Block, type LayoutNode } from "../graph/blocks.js";
import { resolveComponent } from "../components/registry.js";
import { State } from "../components/state.js";
import type { BatchFn, CallArgs, CallResult, InterfaceFn, Specs } from "./types.js";
import type { LaunchOptions, Launched } from "../server/launch.js";
import { examplesBlock, normaliseExamples } from "../features/examples/examples.js";
import { isFlaggingCallback, type FlaggingCallback } from "../features/flagging/callback.js";
import type { Flagger, FlaggingMode } from "../features/flagging/flagger.js";
import { addFlagging } from "../features/flagging/graph.js";
import { addInterpretation, interpretFromCode, planInterpretation } from "../features/interpretation/index.js";

export type { FlaggingMode };
export type InterpretationMethod = "default" | "shap" | "shapley";

interface CommonOptions<I extends Specs, O extends Specs> {
  inputs: I;
  outputs: O;
  /** Shown as the page heading and the tab title. */
  title?: string;
  /** Markdown above the components. */
  description?: string;
  /** Markdown below the components. */
  article?: string;
  /** A CSS string, or the path to a .css file. */
  css?: string;
  /** A list of examples (one list per example, or a flat list for one input), or a flagging folder. */
  examples?: unknown[] | string;
  examplesPerPage?: number;
  /** Run the examples once at launch so a click also fills the outputs. */
  cacheExamples?: boolean;
  /** No Submit button: the function runs whenever an input changes. */
  live?: boolean;
  maxBatchSize?: number;
  /** "manual" (default; "never" for an interface without outputs): Flag buttons; "auto": every run is flagged; "never". */
  allowFlagging?: FlaggingMode;
  /** One button per option: a string gives "Flag as <option>", a [label, value] pair sets both. */
  flaggingOptions?: (string | [string, string])[];
  /** Where flagged samples go (default "flagged", relative to the working directory). */
  flaggingDir?: string;
  /** Default: a CSVLogger writing `<flaggingDir>/log.csv`. */
  flaggingCallback?: FlaggingCallback;
  interpretation?: InterpretationMethod | ((...args: any[]) => unknown) | (InterpretationMethod | ((...args: any[]) => unknown) | null)[];
  numShap?: number;
  interpretationConcurrency?: number;
  theme?: string;
  thumbnail?: string;
  /** Name of the API endpoint (default "predict"). */
  apiName?: string;
  /** Most calls of this function running at once (default: the queue's default, 1). */
  concurrencyLimit?: number | "default" | null;
  /** Accepted for Gradio code; the screenshot button is gone from Gradio too. */
  allowScreenshot?: boolean;
}

export type InterfaceOptions<I extends Specs, O extends Specs> = CommonOptions<I, O> &
  ({ fn: InterfaceFn<I, O>; batch?: false } | { fn: BatchFn<I, O>; batch: true });

const isPositiveInt = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v > 0;
const OPTION_KINDS: Record<string, OptionKind> = {
  fn: "function",
  inputs: "any",
  outputs: "any",
  title: "string",
  description: "string",
  article: "string",
  css: "string",
  examples: (v) => typeof v === "string" || Array.isArray(v),
  examplesPerPage: isPositiveInt,
  cacheExamples: "boolean",
  live: "boolean",
  batch: "boolean",
  maxBatchSize: isPositiveInt,
  allowFlagging: (v) => v === "manual" || v === "auto" || v === "never",
  flaggingOptions: (v) =>
    Array.isArray(v) &&
    v.every((o) => typeof o === "string" || (Array.isArray(o) && o.length === 2 && o.every((x) => typeof x === "string"))),
  flaggingDir: "string",
  flaggingCallback: isFlaggingCallback,
  interpretation: (v) => isMethod(v) || (Array.isArray(v) && v.every((m) => m === null || isMethod(m))),
  numShap: (v) => typeof v === "number" && Number.isFinite(v) && v > 0,
  interpretationConcurrency: isPositiveInt,
  theme: "string",
  thumbnail: "string",
  apiName: (v) => typeof v === "string" && /^[A-Za-z_][\w-]*$/.test(v),
  concurrencyLimit: (v) => v === null || v === "default" || isPositiveInt(v),
  allowScreenshot: "boolean",
};

/** Each interface's flagging, kept off the public surface. */
const FLAGGERS = new WeakMap<object, Flagger>();

function isMethod(v: unknown): boolean {
  return v === "default" || v === "shap" || v === "shapley" || typeof v === "function";
}

function specList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** `css` is a path when it names an existing .css file, else CSS text. */
function readCss(css: string | undefined): string | null {
  if (css === undefined) return null;
  const trimmed = css.trim();
  if (/\.css$/i.test(trimmed) && !trimmed.includes("{")) {
    if (!existsSync(trimmed)) throw new TypeError(`Interface: option "css" names a file that does not exist: ${trimmed}`);
    return readFileSync(trimmed, "utf8");
  }
  return css;
}

export interface Interface<I extends Specs, O extends Specs> {
  /** Calling an interface runs it like the page does (preprocess → fn → postprocess) and returns its outputs. */
  (...args: CallArgs<I>): Promise<CallResult<O>>;
}

/**
 * Gradio's `Interface`: wraps a function with input and output components and builds the app graph
 * that the server, the page and `@gradio/client` read. An instance is also a function.
 */
export class Interface<const I extends Specs, const O extends Specs> {
  declare readonly app: App;
  declare readonly inputComponents: Component<any, any>[];
  declare readonly outputComponents: Component<any, any>[];
  declare readonly options: Readonly<InterfaceOptions<I, O>>;
  declare readonly apiName: string;
  declare queueOptions: Record<string, unknown>;

  constructor(options: InterfaceOptions<I, O>) {
    checkOptions("Interface", options as unknown as Record<string, unknown>, OPTION_KINDS);
    if (typeof options.fn !== "function") throw new TypeError(`Interface: option "fn" must be a function, got ${describe(options.fn)}`);
    if (options.inputs === undefined) throw new TypeError('Interface: option "inputs" is required (use [] for none)');
    if (options.outputs === undefined) throw new TypeError('Interface: option "outputs" is required (use [] for none)');

    const self = function (...args: unknown[]) {
      return (self.predict as (...a: unknown[]) => unknown).apply(self, args);
    } as unknown as Interface<I, O>;
    Object.setPrototypeOf(self, new.target.prototype);
    const define = (key: string, value: unknown) =>
      Object.defineProperty(self, key, { value, writable: key === "queueOptions", enumerable: true, configurable: true });

    const inputs = specList(options.inputs).map((s, i) => resolveComponent(s, `Interface: inputs[${i}]`));
    const outputs = specList(options.outputs).map((s, i) => resolveComponent(s, `Interface: outputs[${i}]`));
    const statesIn = inputs.filter((c) => c instanceof State).length;
    const statesOut = outputs.filter((c) => c instanceof State).length;
    if (statesIn > 1 || statesOut > 1) {
      throw new TypeError("Interface: only one state input and one state output are supported (use a list or an object to hold more)");
    }
    if (statesIn !== statesOut) {
      throw new TypeError(`Interface: a state input needs a state output and vice versa (got ${statesIn} in, ${statesOut} out)`);
    }
    // The state output writes the slot the state input reads: one component for both.
    const stateIn = inputs.findIndex((c) => c instanceof State);
    if (stateIn >= 0) outputs[outputs.findIndex((c) => c instanceof State)] = inputs[stateIn];
    if (options.batch && statesIn) throw new TypeError('Interface: option "batch" cannot be used with state');

    // Default labels, as Gradio: the function's parameter names, then "output" / "output N".
    const names = parameterNames(options.fn as (...args: never[]) => unknown);
    inputs.forEach((c, i) => {
      if (c.label === undefined && !(c instanceof State)) c.label = names[i] ?? `input ${i}`;
    });
    const visibleOutputs = outputs.filter((c) => !(c instanceof State));
    visibleOutputs.forEach((c, i) => {
      if (c.label === undefined) c.label = visibleOutputs.length === 1 ? "output" : `output ${i}`;
    });

    const interpretation =
      options.interpretation === undefined
        ? null
        : planInterpretation(options.interpretation, inputs, outputs, options.numShap, options.interpretationConcurrency);
    const flagMode = options.allowFlagging ?? (visibleOutputs.length > 0 ? "manual" : "never");
    const app = new App({
      title: options.title ?? null,
      description: options.description ?? null,
      article: options.article ?? null,
      css: readCss(options.css),
      theme: options.theme ?? "default",
      thumbnail: options.thumbnail ?? null,
      extra: {
        allow_flagging: flagMode,
        flagging_options: (options.flaggingOptions ?? []).map((o) => (typeof o === "string" ? [`Flag as ${o}`, o] : o)),
        interpretation: options.interpretation ? true : false,
        live: options.live ?? false,
      },
    });

    const layout = (block: Block | Component<any, any>, children?: LayoutNode[]): LayoutNode =>
      children ? { id: block.id, children } : { id: block.id };
    const root: LayoutNode[] = [];
    if (options.title) root.push(layout(app.add(new Block("html", { value: `<h1>${escapeHtml(options.title)}</h1>`, elem_classes: ["title"] }))));
    if (options.description) root.push(layout(app.add(new Block("markdown", { value: options.description, elem_classes: ["description"] }))));

    const row = app.add(new Block("row", { equal_height: false }));
    const inCol = app.add(new Block("column", { scale: 1, variant: "panel", elem_classes: ["inputs"] }));
    const outCol = app.add(new Block("column", { scale: 1, variant: "panel", elem_classes: ["outputs"] }));
    for (const c of inputs) app.add(c);
    for (const c of outputs) if (!inputs.includes(c)) app.add(c);
    const live = options.live ?? false;
    const clear = app.add(new Block("button", { value: "Clear", variant: "secondary", elem_classes: ["clear"] }));
    const submit = live ? null : app.add(new Block("button", { value: "Submit", variant: "primary", elem_classes: ["submit"] }));
    const buttons = app.add(new Block("row", { elem_classes: ["buttons"] }));

    const apiName = options.apiName ?? "predict";
    const userFn = options.fn as (...args: unknown[]) => unknown;
    const backend: BackendFn = (args, ctx) => userFn(...args, ctx);
    const targets: [number, string][] = live
      ? inputs.filter((c) => !(c instanceof State)).map((c) => [c.id, "change"])
      : [[submit!.id, "click"], ...inputs.filter((c) => c.type === "textbox").map((c): [number, string] => [c.id, "submit"])];
    const predict = app.addEvent({
      apiName,
      inputs,
      outputs,
      targets,
      fn: backend,
      batch: options.batch ?? false,
      maxBatchSize: options.maxBatchSize ?? 4,
      concurrencyLimit: options.concurrencyLimit === undefined ? "default" : options.concurrencyLimit,
      showApi: true,
      live,
    });
    app.addEvent({
      apiName: null,
      inputs: [],
      outputs: [...inputs, ...outputs],
      targets: [[clear.id, "click"]],
      fn: null,
      frontendAction: "reset",
      batch: false,
      maxBatchSize: 1,
      concurrencyLimit: null,
      showApi: false,
      live: false,
    });

    const flagging = addFlagging(app, predict, {
      mode: flagMode,
      options: options.flaggingOptions,
      dir: options.flaggingDir,
      callback: options.flaggingCallback,
    });
    FLAGGERS.set(self, flagging.flagger);
    const interpretButton = interpretation ? addInterpretation(app, predict, interpretation) : null;

    const inChildren: LayoutNode[] = inputs.filter((c) => !(c instanceof State)).map((c) => layout(c));
    inChildren.push(layout(buttons, [layout(clear), ...(submit ? [layout(submit)] : [])]));
    const examples = normaliseExamples(options.examples, inputs);
    if (examples) {
      const block = app.add(examplesBlock(app, examples, inputs, outputs, options.examplesPerPage ?? 10, options.cacheExamples ?? false));
      inChildren.push(layout(block));
    }
    const outChildren: LayoutNode[] = outputs.filter((c) => !(c instanceof State)).map((c) => layout(c));
    const outButtons = app.add(new Block("row", { elem_classes: ["output-buttons"] }));
    outChildren.push(layout(outButtons, [...flagging.buttons, ...(interpretButton ? [interpretButton] : [])].map((b) => layout(b))));
    root.push(layout(row, [layout(inCol, inChildren), layout(outCol, outChildren)]));
    if (options.article) root.push(layout(app.add(new Block("markdown", { value: options.article, elem_classes: ["article"] }))));
    app.layout = { id: 0, children: root };

    define("app", app);
    define("inputComponents", inputs);
    define("outputComponents", outputs);
    define("options", Object.freeze({ ...options }));
    define("apiName", apiName);
    define("queueOptions", {});
    return self;
  }

  /** Runs the interface from code, through the same path as the server. A state input takes its value as an argument (undefined = the initial value) and its new value is returned with the outputs. */
  async predict(...args: CallArgs<I>): Promise<CallResult<O>> {
    const event = this.app.eventByName(this.apiName)!;
    const stateOverride = new Map<number, unknown>();
    const data: unknown[] = [];
    event.inputs.forEach((c, i) => {
      if (c instanceof State) {
        if ((args as unknown[])[i] !== undefined) stateOverride.set(c.id, (args as unknown[])[i]);
        data.push(null);
      } else data.push((args as unknown[])[i] ?? null);
    });
    let wire: unknown[];
    try {
      wire = await runEvent(this.app, event, data, { sessionKey: null, root: "", trusted: true, stateOverride });
    } catch (err) {
      if (err instanceof RunError) {
        const f = err.failure;
        throw f.kind === "internal" && f.error instanceof globalThis.Error ? f.error : new globalThis.Error(f.message);
      }
      throw err;
    }
    const result = event.outputs.map((c, i) => (c instanceof State ? stateOverride.get(c.id) : wire[i]));
    return (result.length === 1 ? result[0] : result) as CallResult<O>;
  }

  /**
   * Interprets one set of inputs (wire values, as `predict` takes them) with the `interpretation` option and
   * returns one entry per input: the scores the page lays over that input, or null.
   */
  async interpret(inputs: CallArgs<I>): Promise<unknown[]> {
    return interpretFromCode(this.app, inputs);
  }

  /** Queue settings (Gradio's `queue()`); the queue is always on. Returns the interface for chaining. */
  queue(opts: { defaultConcurrencyLimit?: number; maxSize?: number; statusUpdateRate?: number | "auto" } = {}): this {
    checkOptions("queue", opts as Record<string, unknown>, {
      defaultConcurrencyLimit: isPositiveInt,
      maxSize: isPositiveInt,
      statusUpdateRate: (v) => v === "auto" || (typeof v === "number" && v > 0),
    });
    this.queueOptions = { ...this.queueOptions, ...opts };
    return this;
  }

  /** Starts a server for this interface and prints its URL. */
  async launch(opts: LaunchOptions = {}): Promise<Launched> {
    const { launch } = await import("../server/launch.js");
    const flagger = FLAGGERS.get(this);
    // A flagging log this interface cannot append to is reported now, not at the first flag.
    if (flagger && flagger.opts.mode !== "never") await flagger.setup();
    const launched = await launch(this, opts);
    if (!flagger) return launched;
    // Closing waits for automatic flags still being written.
    return { ...launched, close: async () => (await launched.close(), await flagger.settled()) };
  }

  /** Gradio's `Interface.load`: the same as `tr.load(name, options)`. */
  static async load(name: string, options?: import("./load.js").LoadOptions): Promise<import("./load.js").LoadedInterface> {
    const { load } = await import("./load.js");
    return load(name, options);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
