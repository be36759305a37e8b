import type { App, EventDef } from "../../graph/graph.js";
import type { CallContext } from "../../core/context.js";
import { runEvent, RunError } from "../../runtime/run.js";
import type { Component, ComponentContext } from "../../components/component.js";
import { Label } from "../../components/label.js";
import { Block } from "../../graph/blocks.js";
import { NumberComponent } from "../../components/number.js";
import { State } from "../../components/state.js";
import { TradioError } from "../../core/errors.js";
import { Interpretation } from "./component.js";
import { runCustom, runCustomFor, type CustomInterpretation } from "./custom.js";
import { leaveOneOutMasks, leaveOneOutScores, neighbourScores } from "./leave-one-out.js";
import { evaluate, type Task } from "./run.js";
import { isNeighbourInterpretable, isTokenInterpretable } from "../../core/interpretable.js";
import { measure } from "./value.js";

export type { CustomInterpretation } from "./custom.js";
export type InterpretationMethod = "default" | "shap" | "shapley";
/** The Interface's `interpretation` option. */
export type InterpretationOption =
  | InterpretationMethod
  | CustomInterpretation
  | (InterpretationMethod | CustomInterpretation | null)[];

type Method = "default" | "shap" | CustomInterpretation | null;

export interface InterpretationPlan {
  inputs: Component<any, any>[];
  /** One per input; unused when `custom` is set. */
  methods: Method[];
  /** A function for the whole interface. */
  custom: CustomInterpretation | null;
  /** The output that built-in methods score. */
  output: Component<any, any> | undefined;
  numShap: number;
  concurrency: number;
}

const TOKEN_KINDS = "Textbox, Image or Audio";
/** SHAP's regression is cubic in the number of tokens: past this, leave-one-out is the sensible method. */
export const MAX_SHAP_TOKENS = 1000;
const DEFAULT_KINDS = "Textbox, Image, Audio, Number, Slider, Checkbox, CheckboxGroup, Radio or Dropdown";

/** Checks the option against the interface's components when it is built; throws a TypeError naming the problem. */
export function planInterpretation(
  option: InterpretationOption,
  inputs: Component<any, any>[],
  outputs: Component<any, any>[],
  numShap = 2,
  concurrency = 4,
): InterpretationPlan {
  const where = 'Interface: option "interpretation"';
  if (inputs.some((c) => c instanceof State) || outputs.some((c) => c instanceof State)) {
    throw new TypeError(`${where} cannot be used with state (every perturbed call would change the session's state)`);
  }
  if (inputs.length === 0) throw new TypeError(`${where} needs at least one input`);
  const plan: InterpretationPlan = { inputs, methods: [], custom: null, output: outputs[0], numShap, concurrency };
  if (typeof option === "function") {
    plan.custom = option;
    return plan;
  }
  if (Array.isArray(option)) {
    if (option.length !== inputs.length) {
      throw new TypeError(`${where} lists ${option.length} method(s), but the interface has ${inputs.length} input(s): give one method (or null) per input`);
    }
    plan.methods = option.map((m) => (m === "shapley" ? "shap" : m));
  } else {
    plan.methods = inputs.map(() => (option === "shapley" ? "shap" : option));
  }
  plan.methods.forEach((m, i) => {
    const c = inputs[i];
    const name = `input ${i} (${c.className}${c.label ? ` "${c.label}"` : ""})`;
    if (m === "shap" && !isTokenInterpretable(c)) {
      throw new TypeError(`${where}: "shap" needs a token input (${TOKEN_KINDS}), but ${name} is not one; use "default" or null for it`);
    }
    if (m === "default" && !isTokenInterpretable(c) && !isNeighbourInterpretable(c)) {
      throw new TypeError(`${where}: ${name} has no "default" interpretation (supported: ${DEFAULT_KINDS}); use null for it or a custom function`);
    }
  });
  const builtIn = plan.methods.filter((m) => m === "default" || m === "shap");
  if (builtIn.length > 0) {
    const out = plan.output;
    if (!(out instanceof Label) && !(out instanceof NumberComponent)) {
      throw new TypeError(`${where}: the first output must be a Label or a Number for "default" or "shap" interpretation, got ${out ? out.className : "no output"}`);
    }
    if (builtIn.includes("shap") && !(out instanceof Label)) {
      throw new TypeError(`${where}: "shap" needs a Label as the first output (a Number works with "default" only)`);
    }
  }
  return plan;
}

const events = new WeakMap<App, EventDef>();

/**
 * Puts interpretation into the graph: an Interpret button, one hidden Interpretation output per input, and
 * the `/interpret` event, queued like any other under the prediction's concurrency limit. Returns the
 * button for the layout.
 *
 * Wire contract: `/interpret` takes the inputs' values, exactly as `/predict` does (Gradio's button also sent
 * the outputs, which it never read: the original prediction is recomputed), and returns one entry per
 * input, each the scores in that input's shape or null.
 */
export function addInterpretation(app: App, predict: EventDef, plan: InterpretationPlan): Block {
  const button = app.add(new Block("button", { value: "Interpret", elem_classes: ["interpret"] }));
  const views = plan.inputs.map((c) => app.add(new Interpretation(c)));
  const event = app.addEvent({
    apiName: "interpret",
    inputs: plan.inputs,
    outputs: views,
    targets: [[button.id, "click"]],
    // The run path spreads a function's result over the outputs: one output takes the value itself.
    fn: async (args, ctx) => {
      const result = await interpret(app, predict, plan, args, ctx);
      return result.length === 1 ? result[0] : result;
    },
    batch: false,
    maxBatchSize: 1,
    concurrencyLimit: predict.concurrencyLimit,
    showApi: true,
    live: false,
  });
  events.set(app, event);
  return button;
}

/** `iface.interpret(inputs)`: the same event as the page and the API, run from the author's code. */
export async function interpretFromCode(app: App, inputs: unknown): Promise<unknown[]> {
  const event = events.get(app);
  if (!event) throw new Error("Interface.interpret: this interface has no interpretation (set the interpretation option)");
  if (!Array.isArray(inputs)) throw new TypeError("Interface.interpret: expected an array with one value per input");
  try {
    return await runEvent(app, event, inputs, { sessionKey: null, root: "", trusted: true });
  } catch (err) {
    if (err instanceof RunError) {
      const f = err.failure;
      throw f.kind === "internal" && f.error instanceof globalThis.Error ? f.error : new globalThis.Error(f.message);
    }
    throw err;
  }
}

/** One run of the interpretation: every perturbation of every input, evaluated together. */
async function interpret(app: App, predict: EventDef, plan: InterpretationPlan, args: unknown[], ctx: CallContext): Promise<unknown[]> {
  if (plan.custom) return runCustom(plan.custom, plan.inputs, args, ctx);
  const cctx: ComponentContext = { files: app.files, root: "" };
  // The original prediction is task 0 when any input is scored: it runs alongside the perturbations,
  // since only the final scores need it.
  const scored = plan.methods.some((m) => m === "default" || m === "shap");
  const tasks: Task[] = scored ? [() => args.map(copy)] : [];
  let v0 = 0;
  const finish: ((values: number[]) => unknown)[] = [];
  const slices: [number, number][] = [];
  for (const [i, method] of plan.methods.entries()) {
    const c = plan.inputs[i];
    const start = tasks.length;
    const withValue = (value: unknown) => args.map((a, j) => (j === i ? value : copy(a)));
    if (method === null) {
      finish.push(() => null);
    } else if (typeof method === "function") {
      finish.push(() => runCustomFor(method, c, i, args, ctx));
    } else if (isTokenInterpretable(c)) {
      const tokens = await c.interpretationTokens(args[i], cctx);
      if (method === "default") {
        for (const z of leaveOneOutMasks(tokens.count)) tasks.push(async () => withValue(await tokens.build(z)));
        finish.push((values) => tokens.shape(leaveOneOutScores(v0, values)));
      } else if (tokens.count === 0) {
        finish.push(() => tokens.shape([]));
      } else {
        if (tokens.count > MAX_SHAP_TOKENS) {
          throw new TradioError(`SHAP interpretation handles at most ${MAX_SHAP_TOKENS} tokens; this ${c.className} has ${tokens.count}`);
        }
        const { planShap, shapBudget, shapValues } = await import("./kernel-shap.js");
        const shap = planShap(tokens.count, shapBudget(plan.numShap, tokens.count));
        for (const z of [new Uint8Array(tokens.count), ...shap.coalitions]) tasks.push(async () => withValue(await tokens.build(z)));
        finish.push((values) => tokens.shape(shapValues(shap, values.slice(1), v0, values[0])));
      }
    } else if (isNeighbourInterpretable(c)) {
      const neighbours = c.interpretationNeighbours(args[i]);
      for (const value of neighbours.values) tasks.push(() => withValue(value));
      finish.push((values) => neighbours.shape(neighbourScores(v0, values)));
    }
    slices.push([start, tasks.length]);
  }

  let shown = -1;
  const options = {
    event: predict,
    concurrency: plan.concurrency,
    ctx,
    onProgress: (done: number, total: number) => {
      const twentieth = Math.floor((done / total) * 20);
      if (twentieth !== shown) {
        shown = twentieth;
        ctx.progress(done / total, "Interpreting");
      }
    },
  };
  // The original prediction is not a perturbed input: it runs beside the perturbations, outside their
  // `interpretationConcurrency` pool (a batch function takes it in its first batch instead). With a
  // concurrency of 1 every call waits for the one before, the original included.
  const apart = scored && !predict.batch && plan.concurrency > 1 && tasks.length > 1;
  const outputs = apart
    ? (await Promise.all([evaluate(tasks.slice(0, 1), (y) => y, { ...options, onProgress: undefined }), evaluate(tasks.slice(1), (y) => y, options)])).flat()
    : await evaluate(tasks, (y) => y, options);
  let values: number[] = [];
  if (scored) {
    const v = measure(plan.output!, outputs[0]);
    values = outputs.map(v);
    v0 = values[0];
  }
  return Promise.all(finish.map((f, i) => f(values.slice(...slices[i]))));
}

/**
 * Each call gets its own copy of the inputs, so a function that changes its arguments in place (a common
 * shortcut with pixel buffers) cannot disturb the calls running beside it.
 */
function copy(a: unknown): unknown {
  if (a === null || typeof a !== "object") return a;
  if (Buffer.isBuffer(a)) return Buffer.from(a);
  try {
    return structuredClone(a);
  } catch {
    return a; // not cloneable (a function inside, say): shared as it is
  }
}
