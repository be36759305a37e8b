// The base of LinePlot, ScatterPlot and BarPlot: rows of data in, a Vega-Lite spec out (Gradio 4's
// AltairPlotData), drawn on the page by the same view (and chunk) as tr.Plot.
import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { describe, type OptionKind } from "../core/options.js";
import type { PlotData } from "./plot.js";

/** One row: column name → value (numbers, strings, Dates, booleans, null). */
export type PlotRow = { [column: string]: unknown };
/** Rows as objects, or a Dataframe-like `{ headers, data }` (tr.Dataframe's wire value; `columns` also works). */
export type PlotRows = readonly PlotRow[] | { headers: readonly string[]; data: readonly (readonly unknown[])[] } | { columns: readonly string[]; data: readonly (readonly unknown[])[] };

export type LegendPosition = "left" | "right" | "top" | "bottom" | "top-left" | "top-right" | "bottom-left" | "bottom-right" | "none";
type FieldType = "quantitative" | "temporal" | "nominal";

export interface NativePlotOptions extends ComponentOptions {
  /** Initial rows. */
  value?: PlotRows | null;
  /** Column on the x axis. Default: the first column. */
  x?: string;
  /** Column on the y axis. Default: the second column. */
  y?: string;
  /** Column whose values colour the marks (one colour and legend entry per value). */
  color?: string;
  /** Colours for `color`'s values: `{ "cats": "#f97316" }`. */
  colorMap?: Record<string, string>;
  title?: string;
  /** Columns shown when hovering a mark. Default: every encoded column. */
  tooltip?: string | string[];
  xTitle?: string;
  yTitle?: string;
  xLabelAngle?: number;
  yLabelAngle?: number;
  colorLegendTitle?: string;
  colorLegendPosition?: LegendPosition;
  /** `[min, max]` of the x axis (numbers or dates as text). */
  xLim?: [number | string, number | string];
  /** `[min, max]` of the y axis. */
  yLim?: [number, number];
  /** Plot height in pixels. Default 300. */
  height?: number;
  /** Plot width in pixels. Default: the block's width. */
  width?: number;
  /** Text under the plot. */
  caption?: string;
}

const LEGEND: readonly LegendPosition[] = ["left", "right", "top", "bottom", "top-left", "top-right", "bottom-left", "bottom-right", "none"];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
/** Rows are sent to the page inside the spec; past this many, the function should aggregate first. */
export const MAX_PLOT_ROWS = 100_000;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isNum = (v: unknown) => typeof v === "number" && Number.isFinite(v);
const pair = (ok: (v: unknown) => boolean) => (v: unknown) => Array.isArray(v) && v.length === 2 && v.every(ok);

/**
 * A chart of rows, as Gradio 4's LinePlot, ScatterPlot and BarPlot: the function returns rows (objects, or
 * `{ headers, data }`), the component names the columns (`x`, `y`, `color`…) and sends a Vega-Lite spec,
 * which the page draws interactively (tooltips; zoom and pan on line and scatter plots). As an input the
 * function receives the rows shown.
 */
export abstract class NativePlot extends Component<PlotRow[], PlotRows | null, PlotData | null> {
  override readonly displayOnly = true;
  /** Gradio's chart name, sent as AltairPlotData.chart. */
  protected abstract readonly chart: "line" | "scatter" | "bar";
  readonly x: string | undefined;
  readonly y: string | undefined;
  readonly color: string | undefined;
  readonly colorMap: Record<string, string> | undefined;
  readonly title: string | undefined;
  readonly tooltip: string[] | undefined;
  readonly xTitle: string | undefined;
  readonly yTitle: string | undefined;
  readonly xLabelAngle: number | undefined;
  readonly yLabelAngle: number | undefined;
  readonly colorLegendTitle: string | undefined;
  readonly colorLegendPosition: LegendPosition | undefined;
  readonly xLim: [number | string, number | string] | undefined;
  readonly yLim: [number, number] | undefined;
  readonly height: number;
  readonly width: number | undefined;
  readonly caption: string | undefined;

  constructor(opts: NativePlotOptions = {}) {
    super(opts);
    this.x = opts.x;
    this.y = opts.y;
    this.color = opts.color;
    this.colorMap = opts.colorMap ? { ...opts.colorMap } : undefined;
    this.title = opts.title;
    this.tooltip = opts.tooltip === undefined ? undefined : typeof opts.tooltip === "string" ? [opts.tooltip] : [...opts.tooltip];
    this.xTitle = opts.xTitle;
    this.yTitle = opts.yTitle;
    this.xLabelAngle = opts.xLabelAngle;
    this.yLabelAngle = opts.yLabelAngle;
    this.colorLegendTitle = opts.colorLegendTitle;
    this.colorLegendPosition = opts.colorLegendPosition;
    this.xLim = opts.xLim;
    this.yLim = opts.yLim;
    this.height = opts.height ?? 300;
    this.width = opts.width;
    this.caption = opts.caption;
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      x: "string",
      y: "string",
      color: "string",
      colorMap: (v) => isObject(v) && Object.values(v).every((c) => typeof c === "string"),
      title: "string",
      tooltip: (v) => typeof v === "string" || (Array.isArray(v) && v.every((c) => typeof c === "string")),
      xTitle: "string",
      yTitle: "string",
      xLabelAngle: isNum,
      yLabelAngle: isNum,
      colorLegendTitle: "string",
      colorLegendPosition: (v) => LEGEND.includes(v as LegendPosition),
      xLim: pair((n) => isNum(n) || typeof n === "string"),
      yLim: pair(isNum),
      height: (v) => isNum(v) && (v as number) > 0,
      width: (v) => isNum(v) && (v as number) > 0,
      caption: "string",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      x: this.x ?? null,
      y: this.y ?? null,
      color: this.color ?? null,
      color_map: this.colorMap ?? null,
      title: this.title ?? null,
      tooltip: this.tooltip ?? null,
      x_title: this.xTitle ?? null,
      y_title: this.yTitle ?? null,
      x_label_angle: this.xLabelAngle ?? null,
      y_label_angle: this.yLabelAngle ?? null,
      color_legend_title: this.colorLegendTitle ?? null,
      color_legend_position: this.colorLegendPosition ?? null,
      x_lim: this.xLim ?? null,
      y_lim: this.yLim ?? null,
      height: this.height,
      width: this.width ?? null,
      caption: this.caption ?? null,
      show_actions_button: false,
    };
  }

  apiInfo(): JSONSchema {
    return {
      properties: {
        type: { const: "altair", default: "altair", title: "Type", type: "string" },
        plot: { title: "Plot", type: "string" },
        chart: { enum: ["bar", "line", "scatter"], title: "Chart", type: "string" },
      },
      required: ["plot", "chart"],
      title: "AltairPlotData",
      type: "object",
    };
  }
  exampleInput(): unknown {
    return null;
  }
  override pythonType(): string {
    return "AltairPlotData";
  }

  /** As an input: the rows inside the spec the page shows. */
  preprocess(payload: unknown): PlotRow[] {
    if (payload === null || payload === undefined) return [];
    if (!isObject(payload) || typeof payload.plot !== "string") this.fail(`expected an AltairPlotData object ({ type, plot, chart }), got ${describe(payload)}`);
    let spec: unknown;
    try {
      spec = JSON.parse(payload.plot as string);
    } catch {
      this.fail(`AltairPlotData.plot must be a Vega-Lite spec as JSON text, got ${describe(payload.plot)}, which is not JSON`);
    }
    const values = isObject(spec) && isObject(spec.data) ? spec.data.values : undefined;
    if (values === undefined) return [];
    if (!Array.isArray(values)) this.fail(`the spec's data.values must be a list of row objects, got ${describe(values)}`);
    const bad = values.findIndex((r) => !isObject(r));
    if (bad >= 0) this.fail(`the spec's data.values must be a list of row objects; row ${bad + 1} is ${describe(values[bad])}`);
    return values as PlotRow[];
  }

  postprocess(value: PlotRows | null): PlotData | null {
    if (value === null || value === undefined) return null;
    const rows = this.rows(value);
    return { type: "altair", plot: JSON.stringify(this.spec(rows)), chart: this.chart };
  }

  override async exampleValue(example: unknown): Promise<unknown> {
    return this.postprocess(example as PlotRows | null);
  }

  /** Rows as objects whatever the shape given; Dates become ISO text (Vega-Lite parses it). */
  protected rows(value: unknown): PlotRow[] {
    let rows: PlotRow[];
    if (Array.isArray(value)) {
      const i = value.findIndex((r) => !isObject(r));
      if (i >= 0) this.fail(`the function returned row ${i + 1} as ${describe(value[i])}, expected an object ({ column: value }); for arrays of cells give { headers, data }`);
      rows = value as PlotRow[];
    } else if (isObject(value) && Array.isArray(value.data)) {
      const headers = (value.headers ?? value.columns) as unknown;
      if (!Array.isArray(headers) || !headers.every((h) => typeof h === "string")) this.fail(`the function returned { headers, data } with headers ${describe(headers)}, expected a list of column names`);
      rows = (value.data as unknown[]).map((row, i) => {
        if (!Array.isArray(row)) this.fail(`row ${i + 1} of data is ${describe(row)}, expected a list of cells`);
        return Object.fromEntries((headers as string[]).map((h, j) => [h, row[j] ?? null]));
      });
    } else {
      this.fail(`the function returned ${describe(value)}, expected rows (a list of objects) or { headers, data }`);
    }
    if (rows.length > MAX_PLOT_ROWS) this.fail(`${rows.length} rows is more than ${MAX_PLOT_ROWS}; aggregate them first`);
    return rows.map((r) => {
      const out: PlotRow = {};
      for (const [k, v] of Object.entries(r)) out[k] = v instanceof Date ? v.toISOString() : v;
      return out;
    });
  }

  /** The spec: data, the subclass's mark and encoding, titles, size and interaction. */
  spec(rows: PlotRow[]): Record<string, unknown> {
    const columns = rows.length ? Object.keys(rows[0]) : [];
    const x = this.x ?? columns[0];
    const y = this.y ?? columns[1];
    if (x === undefined || y === undefined) {
      if (rows.length === 0) return this.wrap(rows, { mark: this.mark(), encoding: {} });
      this.fail(`rows need at least two columns for x and y, got ${columns.length}`);
    }
    const named = [x, y, this.color, ...this.fieldsOfKind(), ...(this.tooltip ?? [])].filter((c): c is string => typeof c === "string");
    if (rows.length > 0) {
      for (const c of named) if (!rows.some((r) => c in r)) this.fail(`no column "${c}" in the rows (columns: ${columns.join(", ")})`);
    }
    const type = (c: string) => this.fieldType(rows, c);
    const encoding = this.encoding({ x, y, type, rows });
    if (this.color) {
      const legend = this.colorLegendPosition === "none" ? null : { title: this.colorLegendTitle ?? this.color, ...(this.colorLegendPosition ? { orient: this.colorLegendPosition } : {}) };
      const scale = this.colorMap ? { domain: Object.keys(this.colorMap), range: Object.values(this.colorMap) } : undefined;
      encoding.color = { field: this.color, type: type(this.color) === "quantitative" ? "quantitative" : "nominal", legend, ...(scale ? { scale } : {}) };
    }
    if (this.tooltip) encoding.tooltip = this.tooltip.map((c) => ({ field: c, type: type(c) }));
    const mark = { ...this.mark(), tooltip: this.tooltip ? undefined : true, clip: this.xLim || this.yLim ? true : undefined };
    return this.wrap(rows, { mark: JSON.parse(JSON.stringify(mark)), encoding, ...this.interaction() });
  }

  private wrap(rows: PlotRow[], body: Record<string, unknown>): Record<string, unknown> {
    return {
      $schema: VEGA_LITE_SCHEMA,
      ...(this.title ? { title: this.title } : {}),
      data: { values: rows },
      ...body,
      width: this.width ?? "container",
      height: this.height,
      autosize: { type: "fit", contains: "padding" },
    };
  }

  /** An axis channel: field, type, title, limits and label angle. */
  protected axis(field: string, type: FieldType | "ordinal", which: "x" | "y", extra: Record<string, unknown> = {}): Record<string, unknown> {
    const title = which === "x" ? this.xTitle : this.yTitle;
    const lim = which === "x" ? this.xLim : this.yLim;
    const angle = which === "x" ? this.xLabelAngle : this.yLabelAngle;
    return {
      field,
      type,
      title: title ?? field,
      ...(lim ? { scale: { domain: lim } } : {}),
      ...(angle !== undefined ? { axis: { labelAngle: angle } } : {}),
      ...extra,
    };
  }

  /** Numbers are quantitative, dates (Date or ISO text) temporal, anything else nominal. */
  protected fieldType(rows: PlotRow[], column: string): FieldType {
    const values = rows.map((r) => r[column]).filter((v) => v !== null && v !== undefined);
    if (values.length === 0) return "nominal";
    if (values.every((v) => typeof v === "number")) return "quantitative";
    if (values.every((v) => typeof v === "string" && ISO_DATE.test(v))) return "temporal";
    return "nominal";
  }

  /** Other columns the subclass encodes (checked to exist). */
  protected fieldsOfKind(): (string | undefined)[] {
    return [];
  }
  protected abstract mark(): Record<string, unknown>;
  protected abstract encoding(a: { x: string; y: string; type: (c: string) => FieldType; rows: PlotRow[] }): Record<string, unknown>;
  /** Zoom and pan by dragging and scrolling (line and scatter plots). */
  protected interaction(): Record<string, unknown> {
    return { params: [{ name: "zoom", select: "interval", bind: "scales" }] };
  }
}

