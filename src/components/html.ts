import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export interface HTMLOptions extends ComponentOptions {
  /** Initial HTML. */
  value?: string;
}

/**
 * Raw HTML shown on the page. Gradio shortcut: "html". The text is sent as it is; the page renders it
 * (scripts in it do not run), so do not put untrusted input in it unescaped.
 *
 * @example
 * new tr.HTML({ value: "<p>Results appear <b>here</b></p>" })
 */
export class HTML extends Component<string, string> {
  readonly type = "html";
  readonly className = "HTML";

  constructor(opts: HTMLOptions = {}) {
    super(opts);
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return { value: "string" };
  }

  override props(): Record<string, unknown> {
    return { ...super.props(), value: typeof this.value === "string" ? this.value : "" };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return typeof this.value === "string" ? this.value : "";
  }

  apiInfo(): JSONSchema {
    return { type: "string" };
  }
  exampleInput(): unknown {
    return "<p>Hello</p>";
  }
  override pythonType(): string {
    return "str";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): string {
    if (payload === null || payload === undefined) return "";
    if (typeof payload !== "string") this.fail(`expected a string of HTML, got ${describe(payload)}`);
    return payload;
  }

  postprocess(value: string, _ctx?: ComponentContext): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    if (typeof value !== "string") this.fail(`the function returned ${describe(value)}, expected a string of HTML`);
    return value;
  }
}
