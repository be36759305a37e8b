/**
 * Shared by Radio, CheckboxGroup and Dropdown: their `choices` option, normalised the way Gradio 4
 * sends it in `/config` (a list of `[label, value]` pairs, where the value is what travels on the wire).
 */
import { OptionError } from "../core/errors.js";

/** A choice as the author writes it: a plain string (label and value alike) or a `[label, value]` pair. */
export type ChoiceSpec = string | readonly [label: string, value: string];
/** A normalised choice: `[label, value]`. */
export type Choice = [label: string, value: string];
/** What the function receives: the chosen value(s), or their position(s) in `choices`. */
export type ChoiceType = "value" | "index";

export function isChoiceSpecList(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.every(
      (c) => typeof c === "string" || (Array.isArray(c) && c.length === 2 && typeof c[0] === "string" && typeof c[1] === "string"),
    )
  );
}

export function isChoiceType(v: unknown): boolean {
  return v === "value" || v === "index";
}

/** `[label, value]` pairs; a value given twice throws a TypeError (its index would be ambiguous). */
export function normalizeChoices(owner: string, specs: readonly ChoiceSpec[] | undefined): Choice[] {
  const out: Choice[] = (specs ?? []).map((c) => (typeof c === "string" ? [c, c] : [c[0], c[1]]));
  const seen = new Set<string>();
  for (const [, value] of out) {
    if (seen.has(value)) throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "choices" has the value ${JSON.stringify(value)} twice`);
    seen.add(value);
  }
  return out;
}

/** The choices' values, quoted, for error messages: `"a", "b", "c"` (long lists are cut short). */
export function listValues(values: readonly string[]): string {
  if (values.length === 0) return "(no choices)";
  const shown = values.slice(0, 20).map((v) => JSON.stringify(v)).join(", ");
  return values.length > 20 ? `${shown}, … (${values.length} in all)` : shown;
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

/** `Literal['a', 'b']`, or `str` when there are no choices to list. */
export function literalType(values: readonly string[]): string {
  return values.length === 0 ? "str" : `Literal[${values.map(pyRepr).join(", ")}]`;
}
