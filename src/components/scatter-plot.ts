import { NativePlot, type NativePlotOptions } from "./native-plot.js";
import { type OptionKind } from "../core/options.js";

export interface ScatterPlotOptions extends NativePlotOptions {
  /** Column whose values size the points. */
  size?: string;
  /** Column whose values give the points their shape. */
  shape?: string;
  sizeLegendTitle?: string;
  shapeLegendTitle?: string;
}

/**
 * A scatter plot of rows, as Gradio's ScatterPlot. Gradio shortcut: "scatterplot". Points coloured by
 * `color`, sized by `size`, shaped by `shape`; hover for values, drag to pan, scroll to zoom.
 *
 * @example
 * new tr.ScatterPlot({ x: "weight", y: "height", color: "species", size: "age", tooltip: ["name", "age"] })
 */
export class ScatterPlot extends NativePlot {
  readonly type = "scatterplot";
  readonly className = "ScatterPlot";
  protected readonly chart = "scatter";
  readonly size: string | undefined;
  readonly shape: string | undefined;
  readonly sizeLegendTitle: string | undefined;
  readonly shapeLegendTitle: string | undefined;

  constructor(opts: ScatterPlotOptions = {}) {
    super(opts);
    this.size = opts.size;
    this.shape = opts.shape;
    this.sizeLegendTitle = opts.sizeLegendTitle;
    this.shapeLegendTitle = opts.shapeLegendTitle;
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return { ...super.extraOptions(), size: "string", shape: "string", sizeLegendTitle: "string", shapeLegendTitle: "string" };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      size: this.size ?? null,
      shape: this.shape ?? null,
      size_legend_title: this.sizeLegendTitle ?? null,
      shape_legend_title: this.shapeLegendTitle ?? null,
    };
  }

  protected override fieldsOfKind(): (string | undefined)[] {
    return [this.size, this.shape];
  }

  protected mark(): Record<string, unknown> {
    return { type: "point", filled: true, size: this.size ? undefined : 60 };
  }

  protected encoding({ x, y, type }: { x: string; y: string; type: (c: string) => "quantitative" | "temporal" | "nominal" }): Record<string, unknown> {
    return {
      x: this.axis(x, type(x), "x"),
      y: this.axis(y, type(y), "y"),
      ...(this.size ? { size: { field: this.size, type: type(this.size) === "quantitative" ? "quantitative" : "ordinal", legend: { title: this.sizeLegendTitle ?? this.size } } } : {}),
      ...(this.shape ? { shape: { field: this.shape, type: "nominal", legend: { title: this.shapeLegendTitle ?? this.shape } } } : {}),
    };
  }
}
