/**
 * Shared by Radio, CheckboxGroup and Dropdown: their `choices` option, normalised the way Gradio 4
 * sends it in `/config` (a list of `[label, value]` pairs, where the value is what travels on the wire).
 */
import { OptionError } from "../core/errors.js";

/** What travels for a choice: a string or a number (Gradio accepts both). */
export type ChoiceValue = string | number;
/** A choice as the author writes it: a plain value (its label is the value as text) or a `[label, value]` pair. */
export type ChoiceSpec<V extends ChoiceValue = ChoiceValue> = V | readonly [label: string, value: V];
/** A normalised choice: `[label, value]`. */
export type Choice = [label: string, value: ChoiceValue];
/** The type the function sees for choices whose values are `V`: string for string choices, number for number ones. */
export type Widen<V> = V extends string ? string : V extends number ? number : never;

const isValue = (v: unknown): v is ChoiceValue => typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
/** What the function receives: the chosen value(s), or their position(s) in `choices`. */
export type ChoiceType = "value" | "index";

export function isChoiceSpecList(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.every(
      (c) => isValue(c) || (Array.isArray(c) && c.length === 2 && isValue(c[0]) && isValue(c[1])),
    )
  );
}

/** "value" or "index"; its error names both. */
export const isChoiceType = Object.assign((v: unknown): boolean => v === "value" || v === "index", { expected: 'one of "value", "index"' });

/** `[label, value]` pairs; a value given twice throws a TypeError (its index would be ambiguous). */
export function normalizeChoices(owner: string, specs: readonly ChoiceSpec[] | undefined): Choice[] {
  const out: Choice[] = (specs ?? []).map((c) => (isValue(c) ? [String(c), c] : [String(c[0]), c[1]]));
  const seen = new Set<ChoiceValue>();
  for (const [, value] of out) {
    if (seen.has(value)) throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "choices" has the value ${JSON.stringify(value)} twice`);
    seen.add(value);
  }
  return out;
}

/** The index of a value among the choices' values (the same type and value), or -1. */
export function indexOfValue(values: readonly ChoiceValue[], item: unknown): number {
  return isValue(item) ? values.indexOf(item) : -1;
}

/** Most choices an error message lists, and most characters of each; the rest are counted, not shown. */
const LISTED_CHOICES = 12;
const LISTED_CHARS = 40;

/** The choices' values for error messages: `"a", "b", 3` (strings quoted; long lists and long values are cut short). */
export function listValues(values: readonly ChoiceValue[]): string {
  if (values.length === 0) return "(no choices)";
  const cut = (v: ChoiceValue) => (typeof v === "string" && v.length > LISTED_CHARS ? JSON.stringify(v.slice(0, LISTED_CHARS)).slice(0, -1) + '…"' : JSON.stringify(v));
  const shown = values.slice(0, LISTED_CHOICES).map(cut).join(", ");
  return values.length > LISTED_CHOICES ? `${shown}, and ${values.length - LISTED_CHOICES} more (${values.length} in all)` : shown;
}

/** A Python string literal, as `repr()` writes it (Gradio's `/info` shows `Literal['a', 'b']`). */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let body = "";
  for (const ch of s) {
    if (ch === "\\") body += "\\\\";
    else if (ch === quote) body += "\\" + ch;
    else if (ch === "\n") body += "\\n";
    else if (ch === "\r") body += "\\r";
    else if (ch === "\t") body += "\\t";
    else body += ch;
  }
  return quote + body + quote;
}

/** `Literal['a', 'b', 3]`, or `str` when there are no choices to list. */
export function literalType(values: readonly ChoiceValue[]): string {
  return values.length === 0 ? "str" : `Literal[${values.map((v) => (typeof v === "string" ? pyRepr(v) : String(v))).join(", ")}]`;
}

/** The JSON schema of one choice: an enum of the values, typed by what they are. */
export function choiceSchema(values: readonly ChoiceValue[]): { type: string | string[]; enum: ChoiceValue[] } {
  const kinds = [...new Set(values.map((v) => (typeof v === "string" ? "string" : "number")))];
  return { type: kinds.length === 1 ? kinds[0]! : kinds.length === 0 ? "string" : kinds, enum: [...values] };
}

/** The `[label, value]` pairs where the label differs from the value, for `/info`'s description. */
export function labelNote(choices: readonly Choice[]): string | undefined {
  const named = choices.filter(([label, value]) => label !== String(value));
  if (named.length === 0) return undefined;
  return `the page shows labels for these values: ${named.map(([l, v]) => `${JSON.stringify(v)} = ${JSON.stringify(l)}`).join(", ")}`;
}
