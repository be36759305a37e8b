import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Sharp } from "sharp";
import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { describe, type OptionKind, describeName } from "../core/options.js";

/** Gradio's PlotData: which library draws it, and the plot as text (a JSON spec or figure, or an image data: URL). */
export interface PlotData {
  type: "altair" | "plotly" | "matplotlib" | "bokeh";
  plot: string;
  /** Set for Vega-Lite plots whose mark Gradio names ("line", "bar", "scatter"). */
  chart?: "line" | "bar" | "scatter";
}

/** A Vega-Lite (or Vega) specification: what Altair's `to_json()` gives, and what vega-lite-api's `toSpec()` returns. */
export type VegaLiteSpec = { [key: string]: unknown };
/** A Plotly figure: `{ data: traces[], layout?, config?, frames? }`, what `fig.to_json()` gives in Python. */
export interface PlotlyFigure {
  data: readonly unknown[];
  layout?: { [key: string]: unknown };
  config?: { [key: string]: unknown };
  frames?: readonly unknown[];
}
/**
 * What the function may return: a Vega-Lite spec (or anything with `toSpec()` / `toJSON()` that gives one,
 * like vega-lite-api's builders), a Plotly figure, image bytes (PNG, SVG, JPEG, WebP, GIF) or the path of an
 * image file rendered by any server-side charting library, a PlotData, or null.
 */
export type PlotOut = VegaLiteSpec | PlotlyFigure | Uint8Array | string | PlotData | null;

export type PlotFormat = "png" | "jpeg" | "webp" | "svg";

export interface PlotOptions extends ComponentOptions {
  /**
   * Images (bytes or files) are sent in this format: raster images and SVG are converted with sharp. Default:
   * as they are. Gradio's `format` (it encodes matplotlib figures).
   */
  format?: PlotFormat;
}

/** Images are sent inline (a data: URL, as Gradio sends matplotlib figures): refused past this size. */
export const MAX_PLOT_IMAGE_BYTES = 20 * 1024 * 1024;
const PLOT_TYPES = ["altair", "plotly", "matplotlib", "bokeh"] as const;
const MARKS: Record<string, PlotData["chart"]> = { line: "line", bar: "bar", point: "scatter", circle: "scatter", square: "scatter" };
const VEGA_KEYS = ["mark", "layer", "concat", "hconcat", "vconcat", "facet", "repeat", "spec", "marks"];

type SharpFactory = (input?: Buffer | string, options?: object) => Sharp;
let sharpModule: SharpFactory | undefined;
const sharp = (input: Buffer, options?: object) => (sharpModule ??= createRequire(import.meta.url)("sharp") as SharpFactory)(input, options);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export function isVegaSpec(v: unknown): v is VegaLiteSpec {
  if (!isObject(v)) return false;
  if (typeof v.$schema === "string") return /vega/i.test(v.$schema);
  return VEGA_KEYS.some((k) => k in v) && !Array.isArray(v.data);
}

export function isPlotlyFigure(v: unknown): v is PlotlyFigure {
  return isObject(v) && Array.isArray(v.data) && (v.layout === undefined || isObject(v.layout));
}

/** The Gradio chart name of a Vega-Lite spec's mark, when it has one. */
export function chartOf(spec: VegaLiteSpec): PlotData["chart"] {
  const mark = isObject(spec.mark) ? spec.mark.type : spec.mark;
  return typeof mark === "string" ? MARKS[mark] : undefined;
}

/** JSON text, refusing what JSON cannot carry (BigInt, cycles) with the component's message. */
function toJson(value: unknown, fail: (m: string) => never): string {
  try {
    const text = JSON.stringify(value);
    if (typeof text !== "string") fail("the plot is not JSON");
    return text;
  } catch (err) {
    fail(`the plot could not be written as JSON (${(err as Error).message})`);
  }
}

const IMAGE_MIME: Record<string, string> = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp", gif: "image/gif", svg: "image/svg+xml" };

/**
 * A plot, drawn interactively on the page: Vega-Lite specs (what Altair gives in Python; vega-embed draws
 * them) and Plotly figures (plotly.js), or an image from any server-side charting library. Gradio shortcut:
 * "plot". The charting code is loaded only on pages that show a plot of its kind.
 *
 * The wire value is Gradio's PlotData: `{ type: "altair", plot: <spec JSON> }`, `{ type: "plotly", plot:
 * <figure JSON> }`, or `{ type: "matplotlib", plot: <image data: URL> }` for images. As an input (rare) the
 * function receives that PlotData.
 *
 * @example
 * new tr.Plot({ label: "Sales" })   // fn returns { mark: "bar", data: { values }, encoding: { … } } or { data: [trace], layout }
 */
export class Plot extends Component<PlotData, PlotOut, PlotData | null> {
  readonly type = "plot";
  readonly className = "Plot";
  override readonly displayOnly = true;
  readonly format: PlotFormat | undefined;

  constructor(opts: PlotOptions = {}) {
    super(opts);
    this.format = opts.format;
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return { format: (v) => v === "png" || v === "jpeg" || v === "webp" || v === "svg" };
  }

  override props(): Record<string, unknown> {
    return { ...super.props(), format: this.format ?? null, bokeh_version: null };
  }

  apiInfo(): JSONSchema {
    return {
      properties: {
        type: { enum: [...PLOT_TYPES], title: "Type", type: "string" },
        plot: { title: "Plot", type: "string" },
      },
      required: ["type", "plot"],
      title: "PlotData",
      type: "object",
    };
  }
  exampleInput(): unknown {
    return null;
  }
  override pythonType(): string {
    return "PlotData";
  }

  preprocess(payload: unknown): PlotData {
    if (!isObject(payload)) this.fail(`expected a PlotData object ({ type, plot }), got ${describe(payload)}`);
    if (!(PLOT_TYPES as readonly unknown[]).includes(payload.type)) this.fail(`PlotData.type must be one of ${PLOT_TYPES.join(", ")}, got ${describe(payload.type)}`);
    if (typeof payload.plot !== "string") this.fail(`PlotData.plot must be a string, got ${describe(payload.plot)}`);
    return { ...(payload as unknown as PlotData) };
  }

  async postprocess(value: PlotOut, _ctx?: unknown): Promise<PlotData | null> {
    if (value === null || value === undefined) return null;
    if (value instanceof Uint8Array) return this.image(Buffer.from(value.buffer, value.byteOffset, value.byteLength), "the returned data");
    if (typeof value === "string") return this.fromPath(value);
    if (!isObject(value)) this.fail(`the function returned ${describe(value)}, expected a Vega-Lite spec, a Plotly figure, image bytes, an image path or null`);
    // Builders (vega-lite-api's `toSpec()`, anything with toJSON) give their spec first.
    let v: unknown = value;
    if (typeof (v as { toSpec?: unknown }).toSpec === "function") v = (v as { toSpec(): unknown }).toSpec();
    else if (typeof (v as { toJSON?: unknown }).toJSON === "function") v = (v as { toJSON(): unknown }).toJSON();
    if (typeof v === "string") {
      try {
        v = JSON.parse(v);
      } catch {
        this.fail("the plot's toJSON() gave text that is not JSON");
      }
    }
    if (isObject(v) && (PLOT_TYPES as readonly unknown[]).includes(v.type) && typeof v.plot === "string") return { ...(v as unknown as PlotData) };
    const fail = (m: string): never => this.fail(m);
    if (isPlotlyFigure(v)) return { type: "plotly", plot: toJson(v, fail) };
    if (isVegaSpec(v)) {
      const chart = chartOf(v);
      return { type: "altair", plot: toJson(v, fail), ...(chart ? { chart } : {}) };
    }
    this.fail(
      `the function returned an object that is neither a Vega-Lite spec (it has "mark", "layer", "concat"… or a vega-lite $schema) ` +
        `nor a Plotly figure (it has a "data" array of traces)`,
    );
  }

  private async fromPath(file: string): Promise<PlotData> {
    const name = path.basename(file);
    let size = -1;
    try {
      const info = await stat(file);
      if (info.isFile()) size = info.size;
    } catch {
      // reported below
    }
    if (size < 0) this.fail(`the image file ${describeName(name)} does not exist or is not a file`);
    if (size > MAX_PLOT_IMAGE_BYTES) this.fail(`the image ${describeName(name)} is larger than ${MAX_PLOT_IMAGE_BYTES / 1024 / 1024} MiB`);
    return this.image(await readFile(file), `the file "${name}"`);
  }

  /** Image bytes → `{ type: "matplotlib", plot: data URL }`, converted to `format` when one is set. */
  private async image(bytes: Buffer, what: string): Promise<PlotData> {
    if (bytes.length > MAX_PLOT_IMAGE_BYTES) this.fail(`${what} is larger than ${MAX_PLOT_IMAGE_BYTES / 1024 / 1024} MiB`);
    let kind: string | undefined;
    const head = bytes.subarray(0, 512).toString("utf8").trimStart();
    if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) kind = "svg";
    else {
      try {
        const meta = await sharp(bytes, { limitInputPixels: 100_000_000 }).metadata();
        kind = meta.format === "jpeg" || meta.format === "png" || meta.format === "webp" || meta.format === "gif" ? meta.format : undefined;
      } catch {
        kind = undefined;
      }
    }
    if (!kind) this.fail(`${what} is not an image (expected PNG, SVG, JPEG, WebP or GIF)`);
    if (this.format && this.format !== kind && !(this.format === "svg")) {
      try {
        bytes = await sharp(bytes, { limitInputPixels: 100_000_000, density: kind === "svg" ? 144 : undefined }).toFormat(this.format).toBuffer();
        kind = this.format;
      } catch (err) {
        this.fail(`could not convert ${what} to ${this.format} (${(err as Error).message})`);
      }
    }
    return { type: "matplotlib", plot: `data:${IMAGE_MIME[kind]};base64,${bytes.toString("base64")}` };
  }
}
