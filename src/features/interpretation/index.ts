import type { Component } from "../../components/component.js";
import type { CallContext, ComponentContext } from "../../core/context.js";
import { OptionError } from "../../core/errors.js";
import type { FileStore } from "../../core/files.js";
import { Block } from "../../graph/graph.js";
import type { GraphBuilder } from "../../graph/builder.js";
import type { EventDef, EventRuntime } from "../../graph/graph.js";
import { Interpretation } from "./component.js";
import { runCustom, runCustomFor, type CustomInterpretation } from "./custom.js";
import { interpretationMethods, tooComplex, type InputPlan } from "./methods.js";
import { evaluate, type Task } from "./run.js";
import { measure } from "./value.js";

export type { CustomInterpretation } from "./custom.js";
export { interpretationMethods, MAX_SHAP_TOKENS, tooComplex, type InterpretationMethodDef, type InputPlan } from "./methods.js";

/** Most perturbed calls one interpretation request may make, unless the Interface's `maxPerturbations` says otherwise. */
export const DEFAULT_MAX_PERTURBATIONS = 500;

/** The Interface's `interpretation` option. */
export type InterpretationOption = string | CustomInterpretation | (string | CustomInterpretation | null)[];

/** A method name (registered) or a function, per input; null leaves an input unexplained. */
type Method = string | CustomInterpretation | null;

export interface InterpretationPlan {
  inputs: Component<any, any>[];
  /** One per input; unused when `custom` is set. */
  methods: Method[];
  /** A function for the whole interface. */
  custom: CustomInterpretation | null;
  /** The output that the methods score. */
  output: Component<any, any> | undefined;
  numShap: number;
  concurrency: number;
  /** Most perturbed calls per request (the original prediction not counted); more is a 422 TR_ERR_TOO_COMPLEX. */
  maxPerturbations: number;
}

const WHERE = 'Interface: option "interpretation"';

/** Checks the option against the interface's components when it is built; throws an OptionError naming the problem. */
export function planInterpretation(
  option: InterpretationOption,
  inputs: Component<any, any>[],
  outputs: Component<any, any>[],
  numShap = 2,
  concurrency = 4,
  maxPerturbations = DEFAULT_MAX_PERTURBATIONS,
): InterpretationPlan {
  const fail = (message: string): never => {
    throw new OptionError("TR_ERR_INTERPRETATION", `${WHERE}${message}`);
  };
  if (inputs.some((c) => c.stateful) || outputs.some((c) => c.stateful)) {
    fail(" cannot be used with state (every perturbed call would change the session's state)");
  }
  if (inputs.length === 0) fail(" needs at least one input");
  const plan: InterpretationPlan = { inputs, methods: [], custom: null, output: outputs[0], numShap, concurrency, maxPerturbations };
  if (typeof option === "function") {
    plan.custom = option;
    return plan;
  }
  const canonical = (m: Method): Method => (m === "shapley" ? "shap" : m);
  if (Array.isArray(option)) {
    if (option.length !== inputs.length) {
      fail(` lists ${option.length} method(s), but the interface has ${inputs.length} input(s): give one method (or null) per input`);
    }
    plan.methods = option.map(canonical);
  } else {
    plan.methods = inputs.map(() => canonical(option));
  }
  plan.methods.forEach((m, i) => {
    if (typeof m !== "string") return;
    const c = inputs[i];
    const problem = interpretationMethods.get(m).check(c, plan.output);
    if (problem) fail(`: input ${i} (${c.className}${c.label ? ` "${c.label}"` : ""}) ${problem}`);
  });
  return plan;
}

/**
 * Puts interpretation into the graph while it is built: an Interpret button, one hidden Interpretation
 * output per input, and the `/interpret` event, queued in the prediction's concurrency pool (a running
 * interpretation takes one of the prediction's slots). Returns the button for the layout.
 *
 * Wire contract: `/interpret` takes the inputs' values, exactly as `/predict` does (Gradio's button also sent
 * the outputs, which it never read: the original prediction is recomputed), and returns one entry per
 * input, each the scores in that input's shape or null.
 */
export function addInterpretation(builder: GraphBuilder, predict: EventDef, plan: InterpretationPlan): Block {
  const button = builder.add(new Block("button", { value: "Interpret", elem_classes: ["interpret"] }));
  const views = plan.inputs.map((c) => builder.add(new Interpretation(c)));
  builder.addEvent({
    apiName: "interpret",
    inputs: plan.inputs,
    outputs: views,
    targets: [[button.id, "click"]],
    // The run path spreads a function's result over the outputs: one output takes the value itself.
    fn: async (args, ctx, scope) => {
      const result = await interpret(scope.runtime, scope.files, predict, plan, args, ctx);
      return result.length === 1 ? result[0] : result;
    },
    // Interpreting is predicting many times over: it takes the prediction's slots, not slots of its own.
    concurrencyLimit: predict.concurrencyLimit,
    concurrencyId: predict.concurrencyId,
    showApi: true,
    description: `Explains a prediction of /${predict.apiName}: for each input, how much each part of it (word, image region, value) raised or lowered the first output`,
  });
  builder.setConfig("interpretation", true);
  return button;
}

/** One run of the interpretation: every perturbation of every input, evaluated together. */
async function interpret(runtime: EventRuntime, files: FileStore, predict: EventDef, plan: InterpretationPlan, args: unknown[], ctx: CallContext): Promise<unknown[]> {
  if (plan.custom) return runCustom(plan.custom, plan.inputs, args, ctx);
  // Perturbed files are the caller's, like the input they come from.
  const cctx: ComponentContext = { files, root: "" };
  // The original prediction is task 0 when any input is scored: it runs alongside the perturbations,
  // since only the final scores need it.
  const scored = plan.methods.some((m) => typeof m === "string");
  const tasks: Task[] = scored ? [() => args.map(copy)] : [];
  const originals = tasks.length;
  const finish: ((values: number[], original: number) => unknown)[] = [];
  const slices: [number, number][] = [];
  for (const [i, method] of plan.methods.entries()) {
    const start = tasks.length;
    if (method === null) {
      finish.push(() => null);
    } else if (typeof method === "function") {
      finish.push(() => runCustomFor(method, plan.inputs[i], i, args, ctx));
    } else {
      // Each input gets what the inputs before it left of the bound, so nothing past it is ever built.
      const left = plan.maxPerturbations - (tasks.length - originals);
      const input: InputPlan = await interpretationMethods.get(method).plan(plan.inputs[i], args[i], { ctx: cctx, numShap: plan.numShap, maxPerturbations: left });
      if (input.tries.length > left) throw tooComplex(plan.inputs[i], input.tries.length, left);
      const withValue = (value: unknown) => args.map((a, j) => (j === i ? value : copy(a)));
      for (const make of input.tries) tasks.push(async () => withValue(await make()));
      finish.push((values, original) => input.finish(values, original));
    }
    slices.push([start, tasks.length]);
  }

  let shown = -1;
  const options = {
    event: predict,
    runtime,
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
  let original = 0;
  if (scored) {
    const v = measure(plan.output!, outputs[0]);
    values = outputs.map(v);
    original = values[0];
  }
  return Promise.all(finish.map((f, i) => f(values.slice(...slices[i]), original)));
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
