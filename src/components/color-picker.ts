import { Component, type ComponentOptions, type EmptyOptions, type JSONSchema, type Maybe } from "./component.js";
import { OptionError } from "../core/errors.js";
import { describe, type OptionKind } from "../core/options.js";

/** `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`. */
const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/** `#abc` → `#aabbcc` (and `#abcd` → `#aabbccdd`), lower case: one spelling per colour. */
export function normalizeHex(hex: string): string {
  const h = hex.toLowerCase();
  return h.length <= 5 ? `#${[...h.slice(1)].map((c) => c + c).join("")}` : h;
}

/**
 * A colour, as a hex string (`"#ff8800"`). Gradio shortcut: "colorpicker".
 *
 * The function receives and returns hex strings (`#rgb`, `#rrggbb`, with alpha `#rgba`, `#rrggbbaa`);
 * tradio hands them on in lower case with six (or eight) digits. Anything else is refused.
 *
 * @example
 * new tr.ColorPicker({ label: "Accent", value: "#f97316" })
 */
export interface ColorPickerOptions<R extends boolean = false> extends ComponentOptions, EmptyOptions<R> {}

export class ColorPicker<R extends boolean = false> extends Component<Maybe<string, R>, string | null, string | null> {
  readonly type = "colorpicker";
  readonly className = "ColorPicker";
  private readonly initial: string | null;

  constructor(opts: ColorPickerOptions<R> = {}) {
    super(opts);
    if (opts.value !== undefined && opts.value !== null && !(typeof opts.value === "string" && HEX.test(opts.value))) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `ColorPicker: option "value" must be a hex colour such as "#ff8800", got ${describe(opts.value)}`);
    }
    this.initial = typeof opts.value === "string" ? normalizeHex(opts.value) : null;
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return { required: "boolean" };
  }

  override props(): Record<string, unknown> {
    return { ...super.props(), value: this.initial };
  }

  apiInfo(): JSONSchema {
    return { type: "string" };
  }
  exampleInput(): unknown {
    return "#000000";
  }
  override pythonType(): string {
    return "str";
  }

  protected override emptyHint(): string {
    return "pick a colour";
  }

  preprocess(payload: unknown): Maybe<string, R> {
    if (payload === null || payload === undefined || payload === "") return this.empty();
    if (typeof payload !== "string" || !HEX.test(payload)) this.fail(`expected a hex colour such as "#ff8800", got ${describe(payload)}`);
    return normalizeHex(payload);
  }

  postprocess(value: string | null): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value !== "string" || !HEX.test(value)) this.fail(`the function returned ${describe(value)}, expected a hex colour such as "#ff8800"`);
    return normalizeHex(value);
  }
}
