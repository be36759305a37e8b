import type { CallContext } from "../../core/context.js";
import type { Component } from "../../components/component.js";
import { shapeOf, type InterpretationShape } from "../../core/interpretable.js";
import { TradioFailure } from "../../core/errors.js";

/** A custom interpretation function: the preprocessed inputs (and the call context) in, scores out. */
export type CustomInterpretation = (...args: any[]) => unknown;

/**
 * Runs an author's interpretation function for the whole interface: it receives the preprocessed inputs
 * and returns one score structure per input (for a single input, that structure alone, as in Gradio).
 */
export async function runCustom(fn: CustomInterpretation, inputs: Component<any, any>[], args: unknown[], ctx: CallContext): Promise<unknown[]> {
  const result = await fn(...args, ctx);
  const list = inputs.length === 1 ? [result] : result;
  if (!Array.isArray(list) || list.length !== inputs.length) {
    throw new TradioFailure("TR_ERR_RETURN", `the interpretation function must return an array with one entry per input (${inputs.length}), got ${what(list)}`);
  }
  return list.map((v, i) => checkShape(inputs[i], v, i));
}

/** A function given for one input in a list: the preprocessed inputs in, that input's scores out. */
export async function runCustomFor(fn: CustomInterpretation, input: Component<any, any>, index: number, args: unknown[], ctx: CallContext): Promise<unknown> {
  return checkShape(input, await fn(...args, ctx), index);
}

/** Checks a score structure against the shape the input's view shows; null means "no interpretation". */
export function checkShape(input: Component<any, any>, value: unknown, index: number): unknown {
  if (value === null || value === undefined) return null;
  const shape = shapeOf(input);
  const bad = (expected: string): never => {
    throw new TradioFailure("TR_ERR_RETURN", `the interpretation of input ${index} (${input.className}) must be ${expected}, got ${what(value)}`);
  };
  const choices = (input as { choices?: unknown[] }).choices?.length;
  if (!shape) return bad("null: this component has no interpretation view");
  if (!Array.isArray(value)) return bad(EXPECTED[shape]);
  const ok = (() => {
    switch (shape) {
      case "text":
        return value.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === "string" && isScore(p[1]));
      case "pixels":
        return value.every((row) => Array.isArray(row) && row.length === (value[0] as unknown[]).length && row.every(isScore));
      case "segments":
      case "scores":
        return value.every(isScore);
      case "number":
        return value.every((p) => Array.isArray(p) && p.length === 2 && isScore(p[0]) && (p[1] === null || isScore(p[1])));
      case "pair":
        return isPair(value);
      case "pairs":
        return value.length === choices && value.every(isPair);
      case "choices":
        return value.length === choices && value.every((s) => s === null || isScore(s));
    }
  })();
  if (!ok) bad(EXPECTED[shape].replace("{n}", String(choices)));
  return value;
}

const EXPECTED: Record<InterpretationShape, string> = {
  text: "an array of [token, score] pairs",
  pixels: "a 2-D array of numbers (one row per image row)",
  segments: "an array of numbers (one per segment)",
  scores: "an array of numbers",
  number: "an array of [value, score] pairs (score null for the input's own value)",
  pair: "[scoreIfFalse, scoreIfTrue] (null at the current value)",
  pairs: "an array of {n} [scoreIfUnchecked, scoreIfChecked] pairs, one per choice",
  choices: "an array of {n} scores, one per choice (null at the selected one)",
};

function isScore(v: unknown): boolean {
  return typeof v === "number" && Number.isFinite(v);
}

function isPair(p: unknown): boolean {
  return Array.isArray(p) && p.length === 2 && p.every((s) => s === null || isScore(s));
}

function what(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return typeof v;
}
