import type { Component } from "../components/component.js";
import type { Shortcuts, ComponentSpec } from "../components/registry.js";
import type { CallContext } from "../core/context.js";

type Resolve<C> = C extends keyof Shortcuts ? Shortcuts[C] : C extends Component<any, any> ? C : never;
/** The argument the function receives for one input component. */
export type InputValue<C> = Resolve<C>["__in"];
/** The value the function returns for one output component. */
export type OutputValue<C> = Resolve<C>["__out"];
type WireValue<C> = Resolve<C>["__wire"];

/** `inputs`/`outputs` as given: one component or shortcut, or a list of them. */
export type Specs = ComponentSpec | readonly ComponentSpec[];
type AsList<S> = S extends readonly unknown[] ? S : readonly [S];

type MapInputs<L extends readonly unknown[]> = { -readonly [K in keyof L]: InputValue<L[K]> };
type MapOutputs<L extends readonly unknown[]> = { -readonly [K in keyof L]: OutputValue<L[K]> };
type MapWires<L extends readonly unknown[]> = { -readonly [K in keyof L]: WireValue<L[K]> };
type MapLists<L extends readonly unknown[]> = { -readonly [K in keyof L]: L[K][] };

/** The function's parameters, one per input, in order. */
export type FnArgs<I> = MapInputs<AsList<I>>;

type OutputList<O> = MapOutputs<AsList<O>>;
/**
 * What the function returns: the value itself for one output (as in Gradio), otherwise one value per
 * output, as a tuple or as a plain array (so `return [history, history]` type-checks without `as const`).
 */
export type FnResult<O> = AsList<O> extends readonly []
  ? void | null | undefined
  : AsList<O> extends readonly [infer Only]
    ? OutputValue<Only>
    : OutputList<O> | ReadonlyArray<OutputList<O>[number]>;

type Awaitable<T> = T | Promise<T>;
/** Generators stream their values (the last one is the result). */
export type Streamed<T> = Generator<T, unknown, undefined> | AsyncGenerator<T, unknown, undefined>;

/**
 * A function for `inputs` I, `outputs` O and `additionalInputs` A (after I). The last argument, always passed,
 * carries the request, progress and an AbortSignal.
 */
export type InterfaceFn<I, O, A = readonly []> = (...args: [...FnArgs<I>, ...FnArgs<A>, CallContext]) => Awaitable<FnResult<O>> | Streamed<FnResult<O>>;

/** With `batch: true` every parameter is a list (one item per sample) and the function returns one list per output, as in Gradio (`[results]` for one output). */
export type BatchFn<I, O, A = readonly []> = (...args: [...MapLists<FnArgs<I>>, ...MapLists<FnArgs<A>>, CallContext]) => Awaitable<BatchResult<O>>;
type BatchResult<O> = MapLists<OutputList<O>> | ReadonlyArray<OutputList<O>[number][]>;

type MapArgs<L extends readonly unknown[]> = { -readonly [K in keyof L]: WireValue<L[K]> | null };
/** Arguments of calling an interface from code: wire values, one per input (a file path works for media); null leaves an input empty. */
export type CallArgs<I, A = readonly []> = [...MapArgs<AsList<I>>, ...MapArgs<AsList<A>>] & unknown[];
type WireList<O> = MapWires<AsList<O>>;
/** What calling the interface resolves to: one output unwrapped, several as an array. */
export type CallResult<O> = AsList<O> extends readonly [infer Only] ? WireValue<Only> : WireList<O>;
