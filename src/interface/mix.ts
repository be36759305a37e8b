import type { CallContext } from "../core/context.js";
import { runEvent, RunError } from "../runtime/run.js";
import { describe, ValidationError, type Component } from "../components/component.js";
import { State } from "../components/state.js";
import { TradioError } from "../core/errors.js";
import { Interface, type InterfaceOptions } from "./interface.js";
import { Relay } from "../load/relay.js";
import type { Specs } from "./types.js";

/** Interface options a Parallel or Series takes (its function, inputs and outputs come from its interfaces). */
export type MixOptions = Partial<Omit<InterfaceOptions<Specs, Specs>, "fn" | "batch" | "maxBatchSize" | "inputs" | "outputs">>;
type Item = Interface<any, any> | MixOptions;

/** Names of mixes without a title (for labels when they are nested). */
const names = new WeakMap<Interface<any, any>, string>();

function nameOf(iface: Interface<any, any>, index: number): string {
  return iface.app.meta.title ?? names.get(iface) ?? `interface ${index + 1}`;
}

const visible = (list: Component<any, any>[]) => list.filter((c) => !(c instanceof State));

/** Splits the arguments into interfaces and a trailing options object, checking each. */
function parse(kind: string, items: Item[]): [Interface<any, any>[], MixOptions] {
  const last = items[items.length - 1];
  const hasOptions = items.length > 0 && !(last instanceof Interface) && last !== null && typeof last === "object" && !Array.isArray(last);
  const ifaces = (hasOptions ? items.slice(0, -1) : items) as unknown[];
  const options = (hasOptions ? last : {}) as MixOptions;
  ifaces.forEach((x, i) => {
    if (!(x instanceof Interface)) throw new TypeError(`${kind}: argument ${i} must be an Interface, got ${describe(x)}`);
  });
  if (ifaces.length === 0) throw new TypeError(`${kind}: give at least one Interface`);
  for (const key of ["fn", "inputs", "outputs", "batch", "maxBatchSize"]) {
    if (key in options) throw new TypeError(`${kind}: option "${key}" cannot be set; it comes from the interfaces`);
  }
  return [ifaces as Interface<any, any>[], options];
}

/**
 * Runs one interface's own run path (preprocess → fn → postprocess) on wire values for its visible
 * inputs and returns the wire values of its visible outputs. State lives in that interface's own store,
 * under the caller's session, so a stateful interface keeps its state inside a mix too.
 */
async function runSource(iface: Interface<any, any>, values: unknown[], ctx: CallContext): Promise<unknown[]> {
  const event = iface.app.eventByName(iface.apiName)!;
  let k = 0;
  const data = event.inputs.map((c) => (c instanceof State ? null : values[k++] ?? null));
  const { sessionHash, username } = ctx.request;
  const wire = await runEvent(iface.app, event, data, {
    sessionKey: sessionHash === null ? null : `mix:${username ?? ""}:${sessionHash}`,
    root: "",
    request: ctx.request,
    signal: ctx.signal,
  });
  return wire.filter((_, i) => !(event.outputs[i] instanceof State));
}

/** A failure inside one interface, rethrown so the mix reports it as that interface's. */
function rethrow(err: unknown, where: string, callerInput: boolean): never {
  if (!(err instanceof RunError)) throw err;
  const f = err.failure;
  if (f.kind === "input") {
    if (callerInput) throw new ValidationError(f.message);
    throw new Error(`${where} could not take the value it was given: ${f.message}`);
  }
  if (f.kind === "user") throw new TradioError(f.message, { title: f.title, duration: f.duration });
  throw f.error instanceof globalThis.Error ? f.error : new Error(`${where}: ${f.message}`);
}

/** The mix's Interface options; examples default to the first interface's. */
function build(
  options: MixOptions,
  first: Interface<any, any>,
  inputs: Component<any, any>[],
  outputs: Component<any, any>[],
  fn: (...args: unknown[]) => Promise<unknown>,
): InterfaceOptions<any, any> {
  const examples = options.examples ?? (first.options.examples as unknown[] | string | undefined);
  return { ...(examples !== undefined ? { examples } : {}), ...options, fn, inputs, outputs } as InterfaceOptions<any, any>;
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
 */
export class Parallel extends Interface<any, any> {
  constructor(...items: Item[]) {
    const [ifaces, options] = parse("Parallel", items);
    const shape = (i: Interface<any, any>) => visible(i.inputComponents).map((c) => c.type);
    const want = shape(ifaces[0]);
    ifaces.forEach((iface, i) => {
      const got = shape(iface);
      if (got.length !== want.length || got.some((t, k) => t !== want[k])) {
        throw new TypeError(
          `Parallel: interface ${i} ("${nameOf(iface, i)}") takes inputs [${got.join(", ")}], but interface 0 ("${nameOf(ifaces[0], 0)}") ` +
            `takes [${want.join(", ")}]; every interface in a Parallel must take the same inputs`,
        );
      }
    });
    const inputs = visible(ifaces[0].inputComponents).map((c) => new Relay(c));
    const outputs = ifaces.flatMap((iface, i) => visible(iface.outputComponents).map((c) => new Relay(c, { label: `${nameOf(iface, i)}: ${c.label ?? "output"}` })));
    const fn = async (...args: unknown[]) => {
      const ctx = args.pop() as CallContext;
      const results = await Promise.all(
        ifaces.map((iface, i) => runSource(iface, args, ctx).catch((err) => rethrow(err, `interface ${i} ("${nameOf(iface, i)}")`, true))),
      );
      const flat = results.flat();
      return flat.length === 1 ? flat[0] : flat;
    };
    super(build(options, ifaces[0], inputs, outputs, fn));
    if (options.title === undefined) names.set(this, ifaces.map(nameOf).join(" | "));
  }
}

/**
 * Gradio's `Series`: the first interface's inputs, the last one's outputs; each interface's outputs
 * (postprocessed by its output components) are preprocessed by the next one's inputs. Counts that do
 * not line up are an error here, at construction.
 */
export class Series extends Interface<any, any> {
  constructor(...items: Item[]) {
    const [ifaces, options] = parse("Series", items);
    for (let i = 0; i + 1 < ifaces.length; i++) {
      const outs = visible(ifaces[i].outputComponents).length;
      const ins = visible(ifaces[i + 1].inputComponents).length;
      if (outs !== ins) {
        throw new TypeError(
          `Series: interface ${i} ("${nameOf(ifaces[i], i)}") has ${outs} output(s), but interface ${i + 1} ` +
            `("${nameOf(ifaces[i + 1], i + 1)}") takes ${ins} input(s); they must line up`,
        );
      }
    }
    const last = ifaces[ifaces.length - 1];
    const inputs = visible(ifaces[0].inputComponents).map((c) => new Relay(c));
    const outputs = visible(last.outputComponents).map((c) => new Relay(c));
    const fn = async (...args: unknown[]) => {
      const ctx = args.pop() as CallContext;
      let values = args;
      for (const [i, iface] of ifaces.entries()) {
        values = await runSource(iface, values, ctx).catch((err) => rethrow(err, `Series step ${i} ("${nameOf(iface, i)}")`, i === 0));
      }
      return values.length === 1 ? values[0] : values;
    };
    super(build(options, ifaces[0], inputs, outputs, fn));
    if (options.title === undefined) names.set(this, ifaces.map(nameOf).join(" → "));
  }
}
