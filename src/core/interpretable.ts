import { type ComponentContext } from "./context.js";

/**
 * The contract between interpretation and the input components. A component takes part by having one
 * of the two methods below; each lives on the component because only it knows its value's shape.
 */

/**
 * Token inputs (Textbox, Image, Audio) split their value into M parts that can each be present or absent.
 * Leave-one-out removes one part at a time; SHAP evaluates coalitions of parts.
 */
export interface Tokens<In> {
  /** M, the number of parts. */
  readonly count: number;
  /** The input with part i as it is where `present[i]`, and absent (dropped, replaced, filled) elsewhere. */
  build(present: ArrayLike<boolean | number>): In | Promise<In>;
  /** One score per part → the structure the page shows for this input. */
  shape(scores: number[]): unknown;
}

/** Neighbour inputs (Number, Slider, Checkbox, CheckboxGroup, Radio, Dropdown) try nearby values instead. */
export interface Neighbours<In> {
  /** The values to try, in the function's own input shape. */
  readonly values: In[];
  /** One score per value (how much that value would raise the prediction) → what the page shows. */
  shape(scores: number[]): unknown;
}

export interface TokenInterpretable<In = unknown> {
  interpretationTokens(value: In, ctx: ComponentContext): Tokens<In> | Promise<Tokens<In>>;
}

export interface NeighbourInterpretable<In = unknown> {
  interpretationNeighbours(value: In): Neighbours<In>;
}

/**
 * The shape of one input's interpretation, as the page shows it (and as a custom function must return it):
 * - "text": `[token, score]` pairs covering the text, separators as `[sep, 0]` (Textbox)
 * - "pixels": a 2-D array of per-pixel scores, one row per image row (Image)
 * - "segments": one score per equal time segment (Audio)
 * - "number": `[value, score]` pairs in increasing order, `[x, null]` for the value itself (Number)
 * - "scores": one score per value tried, evenly spaced from minimum to maximum (Slider)
 * - "pair": `[scoreIfFalse, scoreIfTrue]`, null at the current value (Checkbox)
 * - "pairs": `[scoreIfUnchecked, scoreIfChecked]` per choice, null at the current state (CheckboxGroup,
 *   multiselect Dropdown)
 * - "choices": one score per choice, null at the selected one (Radio, Dropdown)
 */
export type InterpretationShape = "text" | "pixels" | "segments" | "number" | "scores" | "pair" | "pairs" | "choices";

export function isTokenInterpretable(c: unknown): c is TokenInterpretable {
  return typeof (c as Partial<TokenInterpretable>).interpretationTokens === "function";
}

export function isNeighbourInterpretable(c: unknown): c is NeighbourInterpretable {
  return typeof (c as Partial<NeighbourInterpretable>).interpretationNeighbours === "function";
}

/** The interpretation shape a component declares, if it can be interpreted at all. */
export function shapeOf(c: unknown): InterpretationShape | undefined {
  return (c as { interpretationShape?: InterpretationShape }).interpretationShape;
}
