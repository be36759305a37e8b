import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import type { Tokens } from "../core/interpretable.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export interface TextboxOptions extends ComponentOptions {
  /** Visible rows; more than one makes a multi-line box where Enter inserts a newline. */
  lines?: number;
  maxLines?: number;
  placeholder?: string;
  type?: "text" | "password" | "email";
  /** Longest text accepted from a client, in characters (UTF-16 code units). Default 100 000; null for no limit. */
  maxLength?: number | null;
  /** Interpretation: what splits the text into tokens (default a space). */
  separator?: string;
  /** Interpretation: what stands in for an absent token (default: the token is dropped). */
  replacement?: string;
}

/**
 * Longest text a Textbox takes from a client unless its `maxLength` says otherwise: long enough for any
 * document a person pastes, short enough that one request cannot hand the function (or a session's state)
 * megabytes of text.
 */
export const DEFAULT_MAX_LENGTH = 100_000;

/**
 * Free text. Gradio shortcuts: "text", "textbox".
 *
 * @example
 * new tr.Textbox({ label: "Review", lines: 4, placeholder: "What did you think?", maxLength: 2000 })
 */
export class Textbox extends Component<string, string> {
  readonly type = "textbox";
  readonly className = "Textbox";
  readonly lines: number;
  readonly maxLines: number;
  readonly placeholder: string | undefined;
  readonly inputType: "text" | "password" | "email";
  /** Null: no limit. */
  readonly maxLength: number | null;
  readonly separator: string;
  readonly replacement: string | undefined;
  readonly interpretationShape = "text";

  constructor(opts: TextboxOptions = {}) {
    super(opts);
    this.lines = opts.lines ?? 1;
    this.maxLines = opts.maxLines ?? Math.max(20, this.lines);
    this.placeholder = opts.placeholder;
    this.inputType = opts.type ?? "text";
    this.maxLength = opts.maxLength === undefined ? DEFAULT_MAX_LENGTH : opts.maxLength;
    this.separator = opts.separator ?? " ";
    this.replacement = opts.replacement;
    if (!Number.isInteger(this.lines) || this.lines < 1) throw new OptionError("TR_ERR_OPTION_INVALID", `Textbox: option "lines" must be a positive integer, got ${opts.lines}`);
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      lines: "number",
      maxLines: "number",
      placeholder: "string",
      type: (v) => v === "text" || v === "password" || v === "email",
      maxLength: (v) => v === null || (typeof v === "number" && v >= 0),
      separator: (v) => typeof v === "string" && v.length > 0,
      replacement: "string",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      lines: this.lines,
      max_lines: this.maxLines,
      placeholder: this.placeholder ?? null,
      type: this.inputType,
      max_length: this.maxLength,
      value: typeof this.value === "string" ? this.value : "",
    };
  }

  apiInfo(): JSONSchema {
    return { type: "string" };
  }
  exampleInput(): unknown {
    return "Hello!!";
  }
  override pythonType(): string {
    return "str";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): string {
    if (payload === null || payload === undefined) return "";
    if (typeof payload !== "string") this.fail(`expected a string, got ${describe(payload)}`);
    if (this.maxLength !== null && payload.length > this.maxLength) {
      this.fail(`the text is ${payload.length} characters long, more than this textbox's maxLength of ${this.maxLength}`);
    }
    return payload;
  }

  postprocess(value: string, _ctx?: ComponentContext): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
    if (typeof value !== "string") this.fail(`the function returned ${describe(value)}, expected a string`);
    return value;
  }

  /**
   * Interpretation tokens: the non-empty pieces between separators. An absent token is dropped with one
   * separator (or swapped for `replacement`), so with every token present the text comes back unchanged.
   */
  interpretationTokens(value: string): Tokens<string> {
    const sep = this.separator;
    const pieces = value.split(sep);
    const count = pieces.filter((p) => p !== "").length;
    return {
      count,
      build: (present) => {
        const out: string[] = [];
        let t = 0;
        for (const p of pieces) {
          if (p === "") out.push(p);
          else if (present[t++]) out.push(p);
          else if (this.replacement !== undefined) out.push(this.replacement);
        }
        return out.join(sep);
      },
      shape: (scores) => {
        const pairs: [string, number][] = [];
        let gap = "";
        let t = 0;
        pieces.forEach((p, i) => {
          if (i > 0) gap += sep;
          if (p === "") return;
          if (gap) pairs.push([gap, 0]);
          gap = "";
          pairs.push([p, scores[t++]]);
        });
        if (gap) pairs.push([gap, 0]);
        return pairs;
      },
    };
  }
}
