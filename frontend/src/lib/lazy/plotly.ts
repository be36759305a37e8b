// Plotly figures, drawn by plotly.js. Imported dynamically by the Plot view: its own chunk. Figures made of
// 2-D traces only get plotly's "cartesian" build (1.5 MB); anything else (3-D, maps, WebGL traces) the full
// build (4.8 MB), each a chunk loaded only when a figure needs it.
import type * as PlotlyTypes from "plotly.js";

type PlotlyModule = typeof PlotlyTypes;

export interface Figure {
  data: unknown[];
  layout?: Record<string, any>;
  config?: Record<string, unknown>;
  frames?: unknown[];
}

/** The trace types of plotly.js-cartesian-dist-min (its README). */
const CARTESIAN = new Set(["bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour", "image", "pie", "scatter", "scatterternary", "violin"]);

async function plotlyFor(figure: Figure): Promise<PlotlyModule> {
  const types = figure.data.map((t) => (t && typeof t === "object" && typeof (t as { type?: unknown }).type === "string" ? (t as { type: string }).type : "scatter"));
  const mod = types.every((t) => CARTESIAN.has(t)) ? await import("plotly.js-cartesian-dist-min") : await import("plotly.js-dist-min");
  return ((mod as { default?: PlotlyModule }).default ?? mod) as PlotlyModule;
}

/** Figures narrower than this (CSS pixels) are drawn without plotly's toolbar. */
const NARROW = 480;

/** The page's colours where the figure does not set its own: transparent paper, the theme's text and grid. */
function themed(layout: Record<string, any>, text: string, grid: string, dark: boolean): Record<string, any> {
  const out: Record<string, any> = { ...layout };
  out.paper_bgcolor ??= "rgba(0,0,0,0)";
  if (dark) {
    out.plot_bgcolor ??= "rgba(0,0,0,0)";
    out.font = { color: text, ...(layout.font ?? {}) };
    for (const key of new Set([...Object.keys(out).filter((k) => /^[xy]axis\d*$/.test(k)), "xaxis", "yaxis"])) {
      out[key] = { gridcolor: grid, zerolinecolor: grid, linecolor: grid, ...(out[key] ?? {}) };
    }
    out.legend = { font: { color: text }, ...(layout.legend ?? {}) };
  }
  return out;
}

export async function drawPlotly(target: HTMLElement, figure: Figure, colors: { text: string; grid: string; dark: boolean }): Promise<{ destroy(): void }> {
  const Plotly = await plotlyFor(figure);
  const layout = themed(figure.layout ?? {}, colors.text, colors.grid, colors.dark);
  layout.autosize ??= true;
  // On a phone-sized figure plotly's toolbar would sit over the title (and, on touch screens, stay there):
  // it is left out unless the figure's own config asks for it. Touch still zooms and pans.
  const narrow = target.clientWidth > 0 && target.clientWidth < NARROW;
  const config = { responsive: true, displaylogo: false, ...(narrow ? { displayModeBar: false } : {}), ...(figure.config ?? {}) };
  await Plotly.newPlot(target, figure.data as PlotlyTypes.Data[], layout, config);
  if (figure.frames?.length) await Plotly.addFrames(target, figure.frames as PlotlyTypes.Frame[]);
  return { destroy: () => Plotly.purge(target) };
}
