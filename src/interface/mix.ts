import type { Component } from "../components/component.js";
import type { CallContext } from "../core/context.js";
import { OptionError } from "../core/errors.js";
import { checkOptions, describe } from "../core/options.js";
import type { EventScope } from "../graph/graph.js";
import { Relay } from "../load/relay.js";
import { RunError } from "../runtime/failure.js";
import { BACKEND, Interface, type InterfaceOptions } from "./interface.js";
import { COMMON_KINDS, type CommonOptions } from "./options.js";

/** Interface options a Parallel or Series takes (its function, inputs and outputs come from its interfaces). */
export type MixOptions = Partial<CommonOptions>;
type Item = Interface<any, any> | MixOptions;

/** Names of mixes without a title (for labels when they are nested). */
const names = new WeakMap<Interface<any, any>, string>();

function nameOf(iface: Interface<any, any>, index: number): string {
  return iface.graph.meta.title ?? names.get(iface) ?? `interface ${index + 1}`;
}

const visible = (list: readonly Component<any, any>[]) => list.filter((c) => !c.stateful);

/** Splits the arguments into interfaces and a trailing options object, checking each. */
function parse(kind: string, items: Item[]): [Interface<any, any>[], MixOptions] {
  const last = items[items.length - 1];
  const hasOptions = items.length > 0 && !(last instanceof Interface) && last !== null && typeof last === "object" && !Array.isArray(last);
  const ifaces = (hasOptions ? items.slice(0, -1) : items) as unknown[];
  const options = (hasOptions ? last : {}) as MixOptions;
  ifaces.forEach((x, i) => {
    if (!(x instanceof Interface)) throw new OptionError("TR_ERR_OPTION_INVALID", `${kind}: argument ${i} must be an Interface, got ${describe(x)}`);
  });
  if (ifaces.length === 0) throw new OptionError("TR_ERR_OPTION_MISSING", `${kind}: give at least one Interface`);
  for (const key of ["fn", "inputs", "outputs", "batch", "maxBatchSize"]) {
    if (key in options) throw new OptionError("TR_ERR_OPTION_CONFLICT", `${kind}: option "${key}" cannot be set; it comes from the interfaces`);
  }
  checkOptions(kind, options as Record<string, unknown>, COMMON_KINDS);
  return [ifaces as Interface<any, any>[], options];
}

/**
 * Runs one member interface through the runtime (preprocess → fn → postprocess) on wire values for its
 * visible inputs and returns the wire values of its visible outputs. Its state is kept under the caller's
 * session, so a stateful interface keeps its state inside a mix too. A bad value handed on from an earlier
 * member is that member's fault, not the caller's: it is reported as an internal failure naming the step.
 */
async function runMember(iface: Interface<any, any>, values: unknown[], ctx: CallContext, scope: EventScope, where: string, callerInput: boolean): Promise<unknown[]> {
  const event = iface.graph.eventByName(iface.apiName)!;
  let k = 0;
  const data = event.inputs.map((c) => (c.stateful ? null : (values[k++] ?? null)));
  try {
    const wire = await scope.runtime.runGraph(iface.graph, event, data, { sessionKey: scope.sessionKey, root: "", request: ctx.request, signal: ctx.signal, trusted: scope.trusted });
    return wire.filter((_, i) => !event.outputs[i].stateful);
  } catch (err) {
    const f = err instanceof RunError ? err.failure : null;
    if (f?.kind === "input" && !callerInput) {
      throw new RunError({ kind: "internal", code: "TR_ERR_RETURN", message: `${where} could not take the value it was given: ${f.message}`, error: null });
    }
    if (f?.kind === "internal" && !(f.error instanceof Error)) throw new RunError({ ...f, message: `${where}: ${f.message}` });
    throw err;
  }
}

/** The mix's Interface options; examples default to the first interface's. */
function build(options: MixOptions, first: Interface<any, any>, inputs: Component<any, any>[], outputs: Component<any, any>[], backend: (args: unknown[], ctx: CallContext, scope: EventScope) => Promise<unknown>): InterfaceOptions<any, any> {
  const examples = options.examples ?? (first.options.examples as unknown[] | string | undefined);
  // The Interface sees an ordinary function (for its checks and labels); the graph gets the backend.
  const fn = () => undefined;
  return { ...(examples !== undefined ? { examples } : {}), ...options, fn, inputs, outputs, [BACKEND]: backend } as InterfaceOptions<any, any>;
}

/** Calling a Parallel or Series: its inputs and outputs are known at run time only. */
export interface Parallel {
  (...args: any[]): Promise<any>;
}
export interface Series {
  (...args: any[]): Promise<any>;
}

/**
 * Gradio's `Parallel`: interfaces that take the same inputs, run concurrently on one submission; the
 * outputs of all of them are shown side by side, each labelled with its interface's title
 * ("gpt2: Output"). The inputs must match in count and kind, checked here.
 *
 * @example
 * await new tr.Parallel(await tr.load("huggingface/gpt2"), await tr.load("huggingface/distilgpt2")).launch();
 */
export class Parallel extends Interface<any, any> {
  constructor(...items: Item[]) {
    const [ifaces, options] = parse("Parallel", items);
    const shape = (i: Interface<any, any>) => visible(i.inputComponents).map((c) => c.type);
    const want = shape(ifaces[0]);
    ifaces.forEach((iface, i) => {
      const got = shape(iface);
      if (got.length !== want.length || got.some((t, k) => t !== want[k])) {
        throw new OptionError(
          "TR_ERR_OPTION_CONFLICT",
          `Parallel: interface ${i} ("${nameOf(iface, i)}") takes inputs [${got.join(", ")}], but interface 0 ("${nameOf(ifaces[0], 0)}") ` +
            `takes [${want.join(", ")}]; every interface in a Parallel must take the same inputs`,
        );
      }
    });
    const inputs = visible(ifaces[0].inputComponents).map((c) => new Relay(c));
    const outputs = ifaces.flatMap((iface, i) => visible(iface.outputComponents).map((c) => new Relay(c, { label: `${nameOf(iface, i)}: ${c.label ?? "output"}` })));
    const backend = async (args: unknown[], ctx: CallContext, scope: EventScope) => {
      const results = await Promise.all(ifaces.map((iface, i) => runMember(iface, args, ctx, scope, `interface ${i} ("${nameOf(iface, i)}")`, true)));
      const flat = results.flat();
      return flat.length === 1 ? flat[0] : flat;
    };
    super(build(options, ifaces[0], inputs, outputs, backend));
    if (options.title === undefined) names.set(this, ifaces.map(nameOf).join(" | "));
  }
}

/**
 * Gradio's `Series`: the first interface's inputs, the last one's outputs; each interface's outputs
 * (postprocessed by its output components) are preprocessed by the next one's inputs. Counts that do
 * not line up are an error here, at construction.
 *
 * @example
 * await new tr.Series(await tr.load("huggingface/gpt2"), await tr.load("huggingface/t5-small")).launch();
 */
export class Series extends Interface<any, any> {
  constructor(...items: Item[]) {
    const [ifaces, options] = parse("Series", items);
    for (let i = 0; i + 1 < ifaces.length; i++) {
      const outs = visible(ifaces[i].outputComponents).length;
      const ins = visible(ifaces[i + 1].inputComponents).length;
      if (outs !== ins) {
        throw new OptionError(
          "TR_ERR_OPTION_CONFLICT",
          `Series: interface ${i} ("${nameOf(ifaces[i], i)}") has ${outs} output(s), but interface ${i + 1} ` +
            `("${nameOf(ifaces[i + 1], i + 1)}") takes ${ins} input(s); they must line up`,
        );
      }
    }
    const last = ifaces[ifaces.length - 1];
    const inputs = visible(ifaces[0].inputComponents).map((c) => new Relay(c));
    const outputs = visible(last.outputComponents).map((c) => new Relay(c));
    const backend = async (args: unknown[], ctx: CallContext, scope: EventScope) => {
      let values = args;
      for (const [i, iface] of ifaces.entries()) values = await runMember(iface, values, ctx, scope, `Series step ${i} ("${nameOf(iface, i)}")`, i === 0);
      return values.length === 1 ? values[0] : values;
    };
    super(build(options, ifaces[0], inputs, outputs, backend));
    if (options.title === undefined) names.set(this, ifaces.map(nameOf).join(" → "));
  }
}
