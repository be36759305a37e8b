import { Component, type ComponentOptions, type EmptyOptions, type JSONSchema, type Maybe } from "./component.js";
import { OptionError } from "../core/errors.js";
import type { Neighbours } from "../core/interpretable.js";
import { describe, oneOf, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export interface NumberOptions<R extends boolean = false> extends ComponentOptions, EmptyOptions<R> {
  /** Initial value; defaults to 0 (moved into [minimum, maximum] when 0 is outside it); null starts empty. */
  value?: number | null;
  /** Smallest value accepted from a client. */
  minimum?: number;
  /** Largest value accepted from a client. */
  maximum?: number;
  /** Decimal places kept on the way in and out; 0 gives integers. Unset keeps every digit. */
  precision?: number;
  /** Increment of the page's arrows. */
  step?: number;
  /** Interpretation: how many values to try on each side of the input (default 3). Not `step`. */
  steps?: number;
  /** Interpretation: the distance between tried values (default 1), in percent of the input or absolute. */
  delta?: number;
  /** Interpretation: whether `delta` is a percentage of the input (default) or an absolute amount. */
  deltaType?: "percent" | "absolute";
}

/**
 * A number field. Gradio shortcut: "number". (The class is not called `Number` so that it never hides
 * the global `Number` in a module that imports it.)
 *
 * @example
 * new tr.Number({ label: "Age", minimum: 0, maximum: 130, precision: 0 })
 */
export class NumberComponent<R extends boolean = false> extends Component<Maybe<number, R>, number | null, number> {
  readonly type = "number";
  static readonly displayName = "Number";
  readonly className = "Number";
  readonly minimum: number | undefined;
  readonly maximum: number | undefined;
  readonly precision: number | undefined;
  readonly step: number;
  readonly steps: number;
  readonly delta: number;
  readonly deltaType: "percent" | "absolute";
  readonly interpretationShape = "number";
  private readonly initial: number | null;

  constructor(opts: NumberOptions<R> = {}) {
    super(opts);
    const owner = this.owner;
    for (const key of ["minimum", "maximum", "step", "value"] as const) {
      const v = opts[key];
      if (v !== undefined && v !== null && !globalThis.Number.isFinite(v)) throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "${key}" must be a finite number, got ${v}`);
    }
    this.minimum = opts.minimum;
    this.maximum = opts.maximum;
    this.precision = opts.precision;
    this.step = opts.step ?? 1;
    this.steps = opts.steps ?? 3;
    this.delta = opts.delta ?? 1;
    this.deltaType = opts.deltaType ?? "percent";
    if (this.minimum !== undefined && this.maximum !== undefined && this.minimum > this.maximum) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `${owner}: option "minimum" (${this.minimum}) must not be greater than "maximum" (${this.maximum})`);
    }
    if (this.precision !== undefined && (!globalThis.Number.isInteger(this.precision) || this.precision < 0 || this.precision > 100)) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "precision" must be an integer from 0 to 100, got ${this.precision}`);
    }
    if (this.step <= 0) throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "step" must be greater than 0, got ${this.step}`);
    if (opts.value !== undefined && opts.value !== null && !this.inRange(opts.value)) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" (${opts.value}) is outside [${this.minimum ?? "-∞"}, ${this.maximum ?? "∞"}]`);
    }
    this.initial = opts.value === null ? null : roundTo(opts.value ?? this.clamp(0), this.precision);
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      required: "boolean",
      value: (v) => v === null || typeof v === "number",
      minimum: "number",
      maximum: "number",
      precision: "number",
      step: "number",
      steps: (v) => globalThis.Number.isInteger(v) && (v as number) > 0 && (v as number) <= 1000,
      delta: (v) => typeof v === "number" && globalThis.Number.isFinite(v) && v > 0,
      deltaType: oneOf("percent", "absolute"),
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      minimum: this.minimum ?? null,
      maximum: this.maximum ?? null,
      step: this.step,
      precision: this.precision ?? null,
      value: this.initial,
    };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return this.initial;
  }

  apiInfo(): JSONSchema {
    return { type: "number" };
  }
  exampleInput(): unknown {
    return this.clamp(3);
  }
  override pythonType(): string {
    return "float";
  }

  protected override emptyHint(): string {
    return "enter a number";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): Maybe<number, R> {
    if (payload === null || payload === undefined) return this.empty();
    if (typeof payload !== "number") {
      const hint = typeof payload === "string" ? " (send a JSON number, not a string)" : "";
      this.fail(`expected a number, got ${describe(payload ?? null)}${hint}`);
    }
    if (!globalThis.Number.isFinite(payload)) this.fail(`expected a finite number, got ${payload}`);
    if (this.minimum !== undefined && payload < this.minimum) this.fail(`${payload} is less than the minimum ${this.minimum}`);
    if (this.maximum !== undefined && payload > this.maximum) this.fail(`${payload} is greater than the maximum ${this.maximum}`);
    return roundTo(payload, this.precision);
  }

  postprocess(value: number | null, _ctx?: ComponentContext): number | null {
    if (value === null || value === undefined) return null;
    if (typeof value !== "number") this.fail(`the function returned ${describe(value)}, expected a number`);
    if (!globalThis.Number.isFinite(value)) this.fail(`the function returned ${value}, expected a finite number`);
    return roundTo(value, this.precision);
  }

  /**
   * Interpretation neighbours: `steps` values below and above x, `delta` apart (a percentage of |x| by
   * default). With `precision` set, values are rounded to it and the distance is at least one unit of the
   * last kept digit, so rounding never folds a neighbour back onto x. Values outside [minimum, maximum]
   * are skipped: the function would never receive them.
   */
  interpretationNeighbours(x: number): Neighbours<number> {
    let d = this.deltaType === "percent" ? (Math.abs(x) * this.delta) / 100 : this.delta;
    if (this.precision !== undefined) d = Math.max(roundTo(d, this.precision), 10 ** -this.precision);
    const around = (k: number) => roundTo(x + k * d, this.precision);
    const below: number[] = [];
    const above: number[] = [];
    for (let k = this.steps; k >= 1; k--) if (this.inRange(around(-k))) below.push(around(-k));
    for (let k = 1; k <= this.steps; k++) if (this.inRange(around(k))) above.push(around(k));
    return {
      values: [...below, ...above],
      shape: (scores) => [
        ...below.map((v, i) => [v, scores[i]]),
        [x, null],
        ...above.map((v, i) => [v, scores[below.length + i]]),
      ],
    };
  }

  private inRange(x: number): boolean {
    return (this.minimum === undefined || x >= this.minimum) && (this.maximum === undefined || x <= this.maximum);
  }

  private clamp(x: number): number {
    if (this.minimum !== undefined && x < this.minimum) return this.minimum;
    if (this.maximum !== undefined && x > this.maximum) return this.maximum;
    return x;
  }
}

/**
 * Rounds to `precision` decimal places (halves away from zero, on the number's exact binary value), as
 * Gradio's `round_to_precision` does; `undefined` leaves the number alone. Never gives -0.
 */
export function roundTo(x: number, precision: number | undefined): number {
  if (precision === undefined) return x;
  const r = globalThis.Number(x.toFixed(precision));
  return r === 0 ? 0 : r;
}
