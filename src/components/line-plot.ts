import { NativePlot, type NativePlotOptions } from "./native-plot.js";
import { type OptionKind } from "../core/options.js";

export interface LinePlotOptions extends NativePlotOptions {
  /** Column whose values give each line its own dash pattern. */
  strokeDash?: string;
  /** Draw a dot on every data point. Default false. */
  overlayPoint?: boolean;
  /** Line interpolation, Vega-Lite's ("linear", "monotone", "step"…). Default "linear". */
  interpolate?: "linear" | "monotone" | "step" | "step-before" | "step-after" | "basis" | "cardinal" | "natural";
}

const INTERPOLATIONS = ["linear", "monotone", "step", "step-before", "step-after", "basis", "cardinal", "natural"];

/**
 * A line chart of rows, as Gradio's LinePlot. Gradio shortcut: "lineplot". One line per value of `color`
 * (and of `strokeDash`); hover for values, drag to pan, scroll to zoom.
 *
 * @example
 * new tr.LinePlot({ x: "date", y: "price", color: "symbol", title: "Stocks" })
 * // fn returns [{ date: "2024-01-02", price: 185.6, symbol: "AAPL" }, …] or { headers, data }
 */
export class LinePlot extends NativePlot {
  readonly type = "lineplot";
  readonly className = "LinePlot";
  protected readonly chart = "line";
  readonly strokeDash: string | undefined;
  readonly overlayPoint: boolean;
  readonly interpolate: string;

  constructor(opts: LinePlotOptions = {}) {
    super(opts);
    this.strokeDash = opts.strokeDash;
    this.overlayPoint = opts.overlayPoint ?? false;
    this.interpolate = opts.interpolate ?? "linear";
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return { ...super.extraOptions(), strokeDash: "string", overlayPoint: "boolean", interpolate: (v) => INTERPOLATIONS.includes(v as string) };
  }

  override props(): Record<string, unknown> {
    return { ...super.props(), stroke_dash: this.strokeDash ?? null, overlay_point: this.overlayPoint, interpolate: this.interpolate };
  }

  protected override fieldsOfKind(): (string | undefined)[] {
    return [this.strokeDash];
  }

  protected mark(): Record<string, unknown> {
    return { type: "line", interpolate: this.interpolate, point: this.overlayPoint || undefined };
  }

  protected encoding({ x, y, type }: { x: string; y: string; type: (c: string) => "quantitative" | "temporal" | "nominal" }): Record<string, unknown> {
    return {
      x: this.axis(x, type(x) === "nominal" ? "ordinal" : type(x), "x"),
      y: this.axis(y, "quantitative", "y"),
      ...(this.strokeDash ? { strokeDash: { field: this.strokeDash, type: "nominal" } } : {}),
    };
  }
}
