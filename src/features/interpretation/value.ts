import type { Component } from "../../components/component.js";
import { Label } from "../../components/label.js";
import { NumberComponent } from "../../components/number.js";
import { OptionError } from "../../core/errors.js";

/**
 * What interpretation measures on the first output, given the original prediction: a function from any
 * later prediction to a number, so that every score is a difference of this one quantity.
 * - Label with confidences: the confidence of the originally top label (missing or NaN counts as 0).
 * - Label with a plain label: the label itself when it reads as a number, else 1 while it stays the same
 *   label and 0 once it changes.
 * - Number: the number.
 */
export function measure(output: Component<any, any>, original: unknown): (prediction: unknown) => number {
  if (output instanceof NumberComponent) return (y) => finite(typeof y === "number" ? y : Number.NaN);
  if (!(output instanceof Label)) throw new OptionError("TR_ERR_INTERPRETATION", `interpretation scores a Label or a Number output, not a ${output.className}`);
  const first = read(original);
  if (first.confidences) {
    const top = first.label ?? argmax(first.confidences);
    return (y) => {
      const p = read(y);
      if (p.confidences) return top === null ? 0 : finite(p.confidences.get(top) ?? 0);
      return p.label === top ? 1 : 0;
    };
  }
  const label = first.label;
  const numeric = label !== null && label.trim() !== "" && Number.isFinite(Number(label));
  if (numeric) return (y) => finite(Number(read(y).label ?? Number.NaN));
  return (y) => (read(y).label === label ? 1 : 0);
}

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

function argmax(confidences: Map<string, number>): string | null {
  let best: string | null = null;
  let bestValue = -Infinity;
  for (const [label, c] of confidences) {
    if (best === null || c > bestValue) {
      best = label;
      bestValue = c;
    }
  }
  return best;
}

/** A Label's raw return value (confidence map, LabelData, string or number) as label + confidences. */
function read(y: unknown): { label: string | null; confidences: Map<string, number> | null } {
  if (y === null || y === undefined) return { label: null, confidences: null };
  if (typeof y === "string") return { label: y, confidences: null };
  if (typeof y === "number") return { label: String(y), confidences: null };
  if (typeof y !== "object" || Array.isArray(y)) return { label: null, confidences: null };
  const o = y as Record<string, unknown>;
  const keys = Object.keys(o);
  const labelData = keys.length > 0 && keys.every((k) => k === "label" || k === "confidences") && (Array.isArray(o.confidences) || o.confidences === null || typeof o.label !== "number");
  if (labelData) {
    const label = o.label === null || o.label === undefined ? null : String(o.label);
    if (!Array.isArray(o.confidences)) return { label, confidences: null };
    const confidences = new Map<string, number>();
    for (const c of o.confidences as { label?: unknown; confidence?: unknown }[]) {
      if (c && typeof c === "object") confidences.set(String(c.label), typeof c.confidence === "number" ? c.confidence : Number.NaN);
    }
    return { label: label ?? argmax(confidences), confidences };
  }
  const confidences = new Map<string, number>();
  for (const [k, v] of Object.entries(o)) confidences.set(k, typeof v === "number" ? v : Number.NaN);
  return { label: argmax(confidences), confidences };
}
