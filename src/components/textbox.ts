import { Component, describe, type ComponentContext, type ComponentOptions, type JSONSchema, type OptionKind } from "./component.js";

export interface TextboxOptions extends ComponentOptions {
  /** Visible rows; more than one makes a multi-line box where Enter inserts a newline. */
  lines?: number;
  maxLines?: number;
  placeholder?: string;
  type?: "text" | "password" | "email";
  /** Longest text accepted from a client. */
  maxLength?: number;
}

/** Free text. Gradio shortcuts: "text", "textbox". */
export class Textbox extends Component<string, string> {
  readonly type = "textbox";
  readonly className = "Textbox";
  readonly lines: number;
  readonly maxLines: number;
  readonly placeholder: string | undefined;
  readonly inputType: "text" | "password" | "email";
  readonly maxLength: number | undefined;

  constructor(opts: TextboxOptions = {}) {
    super(opts);
    this.lines = opts.lines ?? 1;
    this.maxLines = opts.maxLines ?? Math.max(20, this.lines);
    this.placeholder = opts.placeholder;
    this.inputType = opts.type ?? "text";
    this.maxLength = opts.maxLength;
    if (!Number.isInteger(this.lines) || this.lines < 1) throw new TypeError(`Textbox: option "lines" must be a positive integer, got ${opts.lines}`);
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      lines: "number",
      maxLines: "number",
      placeholder: "string",
      type: (v) => v === "text" || v === "password" || v === "email",
      maxLength: "number",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      lines: this.lines,
      max_lines: this.maxLines,
      placeholder: this.placeholder ?? null,
      type: this.inputType,
      max_length: this.maxLength ?? null,
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
    if (this.maxLength !== undefined && payload.length > this.maxLength) {
      this.fail(`text is longer than ${this.maxLength} characters`);
    }
    return payload;
  }

  postprocess(value: string, _ctx?: ComponentContext): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
    if (typeof value !== "string") this.fail(`the function returned ${describe(value)}, expected a string`);
    return value;
  }
}

