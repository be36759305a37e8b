import { NativePlot, type NativePlotOptions } from "./native-plot.js";
import { type OptionKind } from "../core/options.js";

export type BarAggregate = "sum" | "mean" | "median" | "min" | "max" | "count";
export type BarSort = "x" | "y" | "-x" | "-y";

export interface BarPlotOptions extends NativePlotOptions {
  /** Bars upright (default) or lying (`false`: categories on the vertical axis). */
  vertical?: boolean;
  /** Column whose values split each bar into side-by-side bars (coloured by it unless `color` is set). */
  group?: string;
  groupTitle?: string;
  /** How rows with the same x are combined. Default "sum". */
  yAggregate?: BarAggregate;
  /** Bar order: by "x" or "y", descending with "-"; or the categories in order. Default: the categories' own order. */
  sort?: BarSort | string[];
}

const AGGREGATES: readonly BarAggregate[] = ["sum", "mean", "median", "min", "max", "count"];
const SORTS: readonly string[] = ["x", "y", "-x", "-y"];

/**
 * A bar chart of rows, as Gradio's BarPlot. Gradio shortcut: "barplot". Bars by `x` (categories), height
 * by `y` (summed over rows with the same x unless `yAggregate` says otherwise), stacked by `color`, side by
 * side by `group`; hover for values.
 *
 * @example
 * new tr.BarPlot({ x: "fruit", y: "sold", color: "shop", title: "Sales", sort: "-y" })
 */
export class BarPlot extends NativePlot {
  readonly type = "barplot";
  readonly className = "BarPlot";
  protected readonly chart = "bar";
  readonly vertical: boolean;
  readonly group: string | undefined;
  readonly groupTitle: string | undefined;
  readonly yAggregate: BarAggregate;
  readonly sort: BarSort | string[] | undefined;

  constructor(opts: BarPlotOptions = {}) {
    super(opts);
    this.vertical = opts.vertical ?? true;
    this.group = opts.group;
    this.groupTitle = opts.groupTitle;
    this.yAggregate = opts.yAggregate ?? "sum";
    this.sort = opts.sort === undefined ? undefined : typeof opts.sort === "string" ? opts.sort : [...opts.sort];
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      ...super.extraOptions(),
      vertical: "boolean",
      group: "string",
      groupTitle: "string",
      yAggregate: (v) => AGGREGATES.includes(v as BarAggregate),
      sort: (v) => SORTS.includes(v as string) || (Array.isArray(v) && v.every((c) => typeof c === "string")),
    };
  }

  override props(): Record<string, unknown> {
    return { ...super.props(), vertical: this.vertical, group: this.group ?? null, group_title: this.groupTitle ?? null, y_aggregate: this.yAggregate, sort: this.sort ?? null };
  }

  protected override fieldsOfKind(): (string | undefined)[] {
    return [this.group];
  }

  protected mark(): Record<string, unknown> {
    return { type: "bar", cornerRadiusEnd: 2 };
  }

  protected encoding({ x, y, type }: { x: string; y: string; type: (c: string) => "quantitative" | "temporal" | "nominal" }): Record<string, unknown> {
    const category = this.vertical ? "x" : "y";
    const value = this.vertical ? "y" : "x";
    const sort = Array.isArray(this.sort)
      ? this.sort
      : this.sort === undefined
        ? null
        : `${this.sort.startsWith("-") ? "-" : ""}${this.sort.replace("-", "") === "x" ? category : value}`;
    const xType = type(x) === "temporal" ? "temporal" : "nominal" as const;
    const enc: Record<string, unknown> = {
      // The x option is always the categories and y the values, whichever way the bars lie.
      [category]: this.axis(x, xType, "x", { sort }),
      [value]: this.axis(y, "quantitative", "y", { aggregate: this.yAggregate }),
    };
    if (this.group) {
      enc[`${category}Offset`] = { field: this.group, type: "nominal", title: this.groupTitle ?? this.group };
      if (!this.color) enc.color = { field: this.group, type: "nominal", legend: { title: this.groupTitle ?? this.group } };
    }
    return enc;
  }

  /** Categories cannot be zoomed; bars keep hover tooltips only. */
  protected override interaction(): Record<string, unknown> {
    return {};
  }
}
