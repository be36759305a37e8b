import { existsSync, readFileSync } from "node:fs";
import type { Component } from "../components/component.js";
import { resolveComponent } from "../components/registry.js";
import { OptionError } from "../core/errors.js";
import { checkOptions, describe, isPositiveInt } from "../core/options.js";
import { addExamples, normaliseExamples } from "../features/examples/examples.js";
import { addFlagging } from "../features/flagging/graph.js";
import { addInterpretation, planInterpretation } from "../features/interpretation/index.js";
import { Block } from "../graph/graph.js";
import { GraphBuilder } from "../graph/builder.js";
import type { BackendFn, Graph } from "../graph/graph.js";
import { RunError, thrownToCode } from "../runtime/failure.js";
import { Runtime } from "../runtime/runtime.js";
import type { QueueOptions } from "../queue/scheduler.js";
import type { LaunchOptions, Launched } from "../server/launch.js";
import { interfaceLayout } from "./layout.js";
import { callerOrigin } from "./origin.js";
import { INTERFACE_KINDS, type FlaggingMode, type InterfaceOptions, type InterpretationMethod, type LoadOptions } from "./options.js";
import { parameterNames } from "./params.js";
import type { CallArgs, CallResult, Specs } from "./types.js";

export type { FlaggingMode, InterfaceOptions, InterpretationMethod, LoadOptions };

/** What `load()` returns: an ordinary Interface whose components are known at run time only, so calls take and give `any`. */
export type LoadedInterface = ((...args: any[]) => Promise<any>) & Interface<any, any>;

/** `Interface.load` is `load()` of interface/load.ts, which builds on Interface and hands itself over here. */
let loadImpl: ((name: string, options?: LoadOptions) => Promise<LoadedInterface>) | undefined;
export function provideLoad(fn: (name: string, options?: LoadOptions) => Promise<LoadedInterface>): void {
  loadImpl = fn;
}

/**
 * Builders of an Interface other than the author (Parallel, Series) give the graph their function this
 * way: it receives the argument list and the run's scope, not the author's spread arguments.
 */
export const BACKEND = Symbol("tradio.backend");
type Internal = { [BACKEND]?: BackendFn };

function specList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** `css` is a path when it names an existing .css file, else CSS text. */
function readCss(css: string | undefined): string | null {
  if (css === undefined) return null;
  const trimmed = css.trim();
  if (/\.css$/i.test(trimmed) && !trimmed.includes("{")) {
    if (!existsSync(trimmed)) throw new OptionError("TR_ERR_OPTION_INVALID", `Interface: option "css" names a file that does not exist: ${trimmed}`);
    return readFileSync(trimmed, "utf8");
  }
  return css;
}

const QUEUE_KINDS = {
  defaultConcurrencyLimit: isPositiveInt,
  maxSize: (v: unknown) => v === null || isPositiveInt(v),
  maxPerClient: isPositiveInt,
  statusUpdateRate: (v: unknown) => v === "auto" || (typeof v === "number" && v > 0),
};

/** Runtimes of calls made from code, one per graph: no server, a one-off session per call. */
const codeRuntimes = new WeakMap<Graph, Runtime>();
function codeRuntime(graph: Graph): Runtime {
  let runtime = codeRuntimes.get(graph);
  if (!runtime) codeRuntimes.set(graph, (runtime = new Runtime(graph)));
  return runtime;
}

export interface Interface<I extends Specs, O extends Specs, A extends Specs = readonly []> {
  /** Calling an interface runs it like the page does (preprocess → fn → postprocess) and returns its outputs. */
  (...args: CallArgs<I, A>): Promise<CallResult<O>>;
}

/**
 * Gradio's `Interface`: wraps a function with input and output components and builds the app graph
 * that the server, the page and `@gradio/client` read. An instance is also a function.
 *
 * @example
 * const iface = new tr.Interface({
 *   fn: (name: string, n: number) => `Hello ${name}${"!".repeat(n)}`,
 *   inputs: ["text", new tr.Slider({ minimum: 1, maximum: 5, step: 1 })],
 *   outputs: "text",
 * });
 * await iface.launch();            // the page and the API on http://127.0.0.1:7860/
 * await iface("Ada", 3);           // "Hello Ada!!!", from code
 */
export class Interface<const I extends Specs, const O extends Specs, const A extends Specs = readonly []> {
  /** The frozen graph this interface built: the server, the page, the queue and code calls read it. */
  declare readonly graph: Graph;
  declare readonly inputComponents: readonly Component<any, any>[];
  declare readonly outputComponents: readonly Component<any, any>[];
  declare readonly options: Readonly<InterfaceOptions<I, O, A>>;
  declare readonly apiName: string;
  declare readonly queueOptions: Readonly<Record<string, unknown>>;

  constructor(options: InterfaceOptions<I, O, A>) {
    checkOptions("Interface", options as unknown as Record<string, unknown>, INTERFACE_KINDS);
    if (options.flaggingMode !== undefined && options.allowFlagging !== undefined && options.flaggingMode !== options.allowFlagging) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `Interface: options "flaggingMode" ("${options.flaggingMode}") and "allowFlagging" ("${options.allowFlagging}") disagree; give one`);
    }
    if (typeof options.fn !== "function") throw new OptionError("TR_ERR_OPTION_MISSING", `Interface: option "fn" must be a function, got ${describe(options.fn)}`);
    if (options.inputs === undefined) throw new OptionError("TR_ERR_OPTION_MISSING", 'Interface: option "inputs" is required (use [] for none)');
    if (options.outputs === undefined) throw new OptionError("TR_ERR_OPTION_MISSING", 'Interface: option "outputs" is required (use [] for none)');

    const self = function (...args: unknown[]) {
      return (self.predict as (...a: unknown[]) => unknown).apply(self, args);
    } as unknown as Interface<I, O, A>;
    Object.setPrototypeOf(self, new.target.prototype);
    const define = (key: string, value: unknown) => Object.defineProperty(self, key, { value, writable: key === "queueOptions", enumerable: true, configurable: true });

    const mainInputs = specList(options.inputs).map((s, i) => resolveComponent(s, `Interface: inputs[${i}]`));
    const additional = specList(options.additionalInputs).map((s, i) => resolveComponent(s, `Interface: additionalInputs[${i}]`));
    if (additional.some((c) => c.stateful)) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", 'Interface: option "additionalInputs" cannot hold state (put it in "inputs")');
    }
    if (additional.some((c) => mainInputs.includes(c))) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", 'Interface: a component cannot be in both "inputs" and "additionalInputs"');
    }
    if (options.additionalInputsAccordion !== undefined && additional.length === 0) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", 'Interface: option "additionalInputsAccordion" needs "additionalInputs"');
    }
    // The function gets them after the main inputs; from here on they are inputs like the others.
    const inputs = [...mainInputs, ...additional];
    const outputs = specList(options.outputs).map((s, i) => resolveComponent(s, `Interface: outputs[${i}]`));
    const statesIn = inputs.filter((c) => c.stateful).length;
    const statesOut = outputs.filter((c) => c.stateful).length;
    if (statesIn > 1 || statesOut > 1) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", "Interface: only one state input and one state output are supported (use a list or an object to hold more)");
    }
    if (statesIn !== statesOut) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `Interface: a state input needs a state output and vice versa (got ${statesIn} in, ${statesOut} out)`);
    }
    // The state output writes the slot the state input reads: one component for both.
    const stateIn = inputs.findIndex((c) => c.stateful);
    if (stateIn >= 0) outputs[outputs.findIndex((c) => c.stateful)] = inputs[stateIn];
    if (options.batch && statesIn) throw new OptionError("TR_ERR_OPTION_CONFLICT", 'Interface: option "batch" cannot be used with state');

    // Default labels, as Gradio: the function's parameter names, then "output" / "output N".
    const names = parameterNames(options.fn as (...args: never[]) => unknown);
    inputs.forEach((c, i) => {
      if (c.label === undefined && !c.stateful) c.label = names[i] ?? `input ${i}`;
    });
    const visibleOutputs = outputs.filter((c) => !c.stateful);
    visibleOutputs.forEach((c, i) => {
      if (c.label === undefined) c.label = visibleOutputs.length === 1 ? "output" : `output ${i}`;
    });

    const interpretation =
      options.interpretation === undefined
        ? null
        : planInterpretation(options.interpretation, inputs, outputs, options.numShap, options.interpretationConcurrency, options.maxPerturbations);
    const examples = normaliseExamples(options.examples, inputs, additional);
    const live = options.live ?? false;
    const builder = new GraphBuilder({
      title: options.title ?? null,
      description: options.description ?? null,
      article: options.article ?? null,
      css: readCss(options.css),
      theme: options.theme ?? "default",
      thumbnail: options.thumbnail ?? null,
    });
    builder.setConfig("live", live);

    const head: Block[] = [];
    if (options.title) head.push(builder.add(new Block("html", { value: `<h1>${escapeHtml(options.title)}</h1>`, elem_classes: ["title"] })));
    if (options.description) head.push(builder.add(new Block("markdown", { value: options.description, elem_classes: ["description"] })));
    for (const c of inputs) builder.add(c);
    for (const c of outputs) if (!inputs.includes(c)) builder.add(c);
    const clearText = options.clearBtn === undefined ? "Clear" : options.clearBtn;
    const clear = clearText === null || clearText === false ? null : builder.add(new Block("button", { value: clearText, variant: "secondary", elem_classes: ["clear"] }));
    // An interface without inputs makes something from nothing: Gradio's button says "Generate".
    const action = options.submitBtn ?? (inputs.some((c) => !c.stateful) ? "Submit" : "Generate");
    // The page turns the run button into a Stop button while a run goes on; `stop_value` is its text then.
    const submit = live ? null : builder.add(new Block("button", { value: action, stop_value: options.stopBtn ?? "Stop", variant: "primary", elem_classes: ["submit"] }));

    const apiName = options.apiName ?? "predict";
    const userFn = options.fn as (...args: unknown[]) => unknown;
    const backend: BackendFn = (options as Internal)[BACKEND] ?? ((args, ctx) => userFn(...args, ctx));
    // A live interface with streaming inputs runs on each chunk they send, as Gradio's (their `stream` event).
    const streams = inputs.filter((c) => (c as { streaming?: unknown }).streaming === true);
    const targets: [number, string][] = live
      ? streams.length > 0
        ? streams.map((c) => [c.id, "stream"])
        : inputs.filter((c) => !c.stateful).map((c) => [c.id, "change"])
      : [[submit!.id, "click"], ...inputs.filter((c) => c.type === "textbox" || c.type === "number").map((c): [number, string] => [c.id, "submit"])];
    const predict = builder.addEvent({
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
      // A stream's outputs update in place, chunk after chunk, with no status over them (as in Gradio).
      showProgress: live && streams.length > 0 ? "hidden" : "full",
      description: options.toolDescription ?? null,
      origin: (options as Internal)[BACKEND] ? null : callerOrigin(options.fn),
    });
    if (clear) builder.addEvent({ apiName: null, inputs: [], outputs: [...inputs, ...outputs], targets: [[clear.id, "click"]], fn: null, frontendAction: "reset", concurrencyLimit: null, showApi: false });

    // Features attach while the graph is built.
    const flagMode = options.flaggingMode ?? options.allowFlagging ?? (visibleOutputs.length > 0 ? "manual" : "never");
    const flagButtons = addFlagging(builder, predict, {
      mode: flagMode,
      options: options.flaggingOptions,
      dir: options.flaggingDir,
      callback: options.flaggingCallback,
      maxBytes: options.maxFlaggedBytes,
      perMinute: options.flagsPerMinute,
    });
    const interpretButton = interpretation ? addInterpretation(builder, predict, interpretation) : null;
    const examplesBlock = examples ? addExamples(builder, predict, examples, { perPage: options.examplesPerPage ?? 10, cache: options.cacheExamples ?? false }) : null;
    builder.setLayout(
      interfaceLayout(builder, {
        head,
        inputs: mainInputs,
        additional: additional.length > 0 ? { accordion: builder.add(accordionBlock(options.additionalInputsAccordion)), inputs: additional } : null,
        outputs,
        buttons: [...(clear ? [clear] : []), ...(submit ? [submit] : [])],
        examples: examplesBlock,
        outputButtons: [...flagButtons, ...(interpretButton ? [interpretButton] : [])],
        article: options.article ? builder.add(new Block("markdown", { value: options.article, elem_classes: ["article"] })) : null,
      }),
    );

    define("graph", builder.build());
    define("inputComponents", Object.freeze(inputs));
    define("outputComponents", Object.freeze(outputs));
    define("options", Object.freeze({ ...options }));
    define("apiName", apiName);
    define("queueOptions", Object.freeze({}));
    return self;
  }

  /**
   * Runs the interface from code, through the same path as the server. A state input takes its value as
   * an argument (undefined = the initial value) and its new value is returned with the outputs.
   *
   * @example
   * const [reply, history] = await chat.predict("Hi", undefined);
   */
  async predict(...args: CallArgs<I, A>): Promise<CallResult<O>> {
    const event = this.graph.eventByName(this.apiName)!;
    const stateOverride = new Map<number, unknown>();
    const data: unknown[] = [];
    event.inputs.forEach((c, i) => {
      if (c.stateful) {
        if ((args as unknown[])[i] !== undefined) stateOverride.set(c.id, (args as unknown[])[i]);
        data.push(null);
      } else data.push((args as unknown[])[i] ?? null);
    });
    let wire: unknown[];
    try {
      wire = await codeRuntime(this.graph).run(event, data, { sessionKey: null, root: "", trusted: true, stateOverride });
    } catch (err) {
      throw err instanceof RunError ? thrownToCode(err) : err;
    }
    const result = event.outputs.map((c, i) => (c.stateful ? stateOverride.get(c.id) : wire[i]));
    return (result.length === 1 ? result[0] : result) as CallResult<O>;
  }

  /**
   * Interprets one set of inputs (wire values, as `predict` takes them) with the `interpretation` option and
   * returns one entry per input: the scores the page lays over that input, or null.
   *
   * @example
   * const [scores] = await iface.interpret(["I loved this film"]); // [[token, score], …]
   */
  async interpret(inputs: CallArgs<I, A>): Promise<unknown[]> {
    const event = this.graph.eventByName("interpret");
    if (!event || !this.graph.config.interpretation) {
      throw new OptionError("TR_ERR_INTERPRETATION", "Interface.interpret: this interface has no interpretation (set the interpretation option)");
    }
    if (!Array.isArray(inputs)) throw new OptionError("TR_ERR_CALL", "Interface.interpret: expected an array with one value per input");
    try {
      return await codeRuntime(this.graph).run(event, inputs, { sessionKey: null, root: "", trusted: true });
    } catch (err) {
      throw err instanceof RunError ? thrownToCode(err) : err;
    }
  }

  /**
   * Queue settings (Gradio's `queue()`); the queue is always on. Returns the interface for chaining.
   *
   * @example
   * iface.queue({ defaultConcurrencyLimit: 2, maxSize: 50 }).launch();
   */
  queue(opts: QueueOptions = {}): this {
    checkOptions("queue", opts as Record<string, unknown>, QUEUE_KINDS);
    (this as { queueOptions: Readonly<Record<string, unknown>> }).queueOptions = Object.freeze({ ...this.queueOptions, ...opts });
    return this;
  }

  /**
   * Starts a server for this interface and prints its URL.
   *
   * @example
   * const app = await iface.launch({ port: 7860, auth: ["admin", "pass1234"] });
   * await app.close();
   */
  async launch(opts: LaunchOptions = {}): Promise<Launched> {
    const { launch } = await import("../server/launch.js");
    return launch(this, opts);
  }

  /** Gradio's `Interface.load`: the same as `tr.load(name, options)`. */
  static async load(name: string, options?: LoadOptions): Promise<LoadedInterface> {
    if (!loadImpl) throw new OptionError("TR_ERR_LOAD_NAME", "Interface.load: import tradio's load (it is part of the package's entry point)");
    return loadImpl(name, options);
  }
}

/** Gradio's accordion for the additional inputs: "Additional Inputs", closed, unless the option says otherwise. */
function accordionBlock(opt: InterfaceOptions<any, any, any>["additionalInputsAccordion"]): Block {
  const o = typeof opt === "string" ? { label: opt } : (opt ?? {});
  return new Block("accordion", { label: o.label ?? "Additional Inputs", open: o.open ?? false, elem_classes: ["additional-inputs"] });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
