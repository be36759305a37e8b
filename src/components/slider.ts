import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import type { Neighbours } from "../core/interpretable.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export interface SliderOptions extends ComponentOptions {
  /** Defaults to 0. */
  minimum?: number;
  /** Defaults to 100. */
  maximum?: number;
  /** Increment between values; like Gradio, defaults to a power of ten about a hundredth of the range (1 for 0–100). */
  step?: number;
  /** Initial value; defaults to `minimum`. */
  value?: number;
}

/**
 * A number picked on a slider, between `minimum` and `maximum`. Gradio shortcut: "slider".
 *
 * @example
 * new tr.Slider({ minimum: 1, maximum: 10, step: 1, value: 3, label: "Intensity" })
 */
export class Slider extends Component<number, number> {
  readonly type = "slider";
  readonly className = "Slider";
  readonly minimum: number;
  readonly maximum: number;
  readonly step: number;
  readonly interpretationShape = "scores";
  private readonly initial: number;

  constructor(opts: SliderOptions = {}) {
    super(opts);
    const owner = this.constructor.name;
    for (const key of ["minimum", "maximum", "step", "value"] as const) {
      const v = opts[key];
      if (v !== undefined && !Number.isFinite(v)) throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "${key}" must be a finite number, got ${v}`);
    }
    this.minimum = opts.minimum ?? 0;
    this.maximum = opts.maximum ?? 100;
    if (this.minimum > this.maximum) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `${owner}: option "minimum" (${this.minimum}) must not be greater than "maximum" (${this.maximum})`);
    }
    const range = this.maximum - this.minimum;
    this.step = opts.step ?? (range > 0 ? 10 ** Math.floor(Math.log10(range) - 2) : 1);
    if (this.step <= 0) throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "step" must be greater than 0, got ${this.step}`);
    const value = opts.value ?? this.minimum;
    if (value < this.minimum || value > this.maximum) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" (${value}) is outside [${this.minimum}, ${this.maximum}]`);
    }
    this.initial = value;
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      minimum: "number",
      maximum: "number",
      step: "number",
      value: "number",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      minimum: this.minimum,
      maximum: this.maximum,
      step: this.step,
      value: this.initial,
    };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return this.initial;
  }

  apiInfo(): JSONSchema {
    return { type: "number", description: `numeric value between ${this.minimum} and ${this.maximum}` };
  }
  exampleInput(): unknown {
    return this.minimum;
  }
  override pythonType(): string {
    return "float";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): number {
    if (typeof payload !== "number" || !Number.isFinite(payload)) {
      this.fail(`expected a number between ${this.minimum} and ${this.maximum}, got ${describe(payload ?? null)}`);
    }
    if (payload < this.minimum || payload > this.maximum) {
      this.fail(`${payload} is outside the range ${this.minimum} to ${this.maximum}`);
    }
    return payload;
  }

  postprocess(value: number, _ctx?: ComponentContext): number {
    if (value === null || value === undefined) return this.minimum;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.fail(`the function returned ${describe(value)}, expected a number between ${this.minimum} and ${this.maximum}`);
    }
    if (value < this.minimum || value > this.maximum) {
      this.fail(`the function returned ${value}, expected a number between ${this.minimum} and ${this.maximum}`);
    }
    return value;
  }

  /** Interpretation neighbours: 8 values evenly spaced from minimum to maximum, as Gradio tries them. */
  interpretationNeighbours(_x: number): Neighbours<number> {
    const n = 8;
    const values = Array.from({ length: n }, (_, i) => (i === n - 1 ? this.maximum : this.minimum + ((this.maximum - this.minimum) * i) / (n - 1)));
    return { values, shape: (scores) => [...scores] };
  }
}
