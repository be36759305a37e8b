// Plots: rows of data as LinePlot, ScatterPlot and BarPlot (Vega-Lite specs, drawn interactively on the
// page), a hand-written Vega-Lite spec and a Plotly figure through tr.Plot, and an SVG chart rendered on the
// server by Vega's headless renderer (any library that writes PNG or SVG works the same way).
import * as vega from "vega";
import * as vl from "vega-lite";
import * as tr from "tradio";

const WAVES = { sine: Math.sin, cosine: Math.cos, square: (t: number) => Math.sign(Math.sin(t)) } as const;
type Wave = keyof typeof WAVES;
const BUCKETS = ["< -1", "-1 … -0.5", "-0.5 … 0", "0 … 0.5", "0.5 … 1", "> 1"];

/** A small deterministic generator, so the same inputs draw the same plots. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

async function svgChart(spec: vl.TopLevelSpec): Promise<Uint8Array> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  try {
    return Buffer.from(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Draws the same kind of data six ways.
 * @param points - how many samples per series
 * @param wave - the shape of the signal
 * @param noise - how much randomness is added
 */
async function draw(points: number, wave: string, noise: number) {
  const f = WAVES[(wave in WAVES ? wave : "sine") as Wave];
  const rnd = random(points * 31 + Math.round(noise * 100));
  const signal = Array.from({ length: points }, (_, i) => {
    const t = (i / points) * 4 * Math.PI;
    return [
      { t: +t.toFixed(3), value: +(f(t) + (rnd() - 0.5) * noise).toFixed(3), series: "measured" },
      { t: +t.toFixed(3), value: +f(t).toFixed(3), series: "ideal" },
    ];
  }).flat();
  const clusters = Array.from({ length: points }, (_, i) => {
    const c = i % 3;
    return { x: +(c * 2 + rnd() * 1.5 + noise * rnd()).toFixed(2), y: +(c + rnd() * 1.5).toFixed(2), cluster: `group ${"ABC"[c]}`, weight: Math.round(rnd() * 10) + 1 };
  });
  const bucketOf = (v: number) => (v < -1 ? 0 : v < -0.5 ? 1 : v < 0 ? 2 : v < 0.5 ? 3 : v <= 1 ? 4 : 5);
  // Rows given as { headers, data }, as a Dataframe holds them.
  const histogram = {
    headers: ["bucket", "count"],
    data: BUCKETS.map((b, i) => [b, signal.filter((r) => r.series === "measured" && bucketOf(r.value) === i).length]),
  };
  const brushable: tr.VegaLiteSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values: signal.filter((r) => r.series === "measured") },
    vconcat: [
      {
        width: "container",
        height: 160,
        mark: { type: "area", line: true, color: "#f97316", opacity: 0.6 },
        encoding: { x: { field: "t", type: "quantitative", scale: { domain: { param: "brush" } }, title: null }, y: { field: "value", type: "quantitative" } },
      },
      {
        width: "container",
        height: 50,
        mark: { type: "area", color: "#9ca3af" },
        params: [{ name: "brush", select: { type: "interval", encodings: ["x"] } }],
        encoding: { x: { field: "t", type: "quantitative", title: "t (drag here to zoom above)" }, y: { field: "value", type: "quantitative", axis: { tickCount: 2, grid: false }, title: null } },
      },
    ],
  };
  const n = 30;
  const contour: tr.PlotlyFigure = {
    data: [
      {
        type: "contour",
        z: Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => +(f(i / 4) * Math.cos(j / 4)).toFixed(3))),
        colorscale: "Viridis",
      },
    ],
    layout: { margin: { l: 40, r: 10, t: 40, b: 30 }, title: { text: `${wave} × cosine` }, height: 360 },
  };
  const svg = await svgChart({
    width: 420,
    height: 200,
    title: "Rendered on the server (SVG)",
    data: { values: signal },
    mark: { type: "line", strokeWidth: 2 },
    encoding: { x: { field: "t", type: "quantitative" }, y: { field: "value", type: "quantitative" }, color: { field: "series", type: "nominal" } },
  });
  return [signal, clusters, histogram, brushable, contour, svg];
}

export default new tr.Interface({
  fn: draw,
  inputs: [
    new tr.Slider({ minimum: 10, maximum: 300, step: 10, value: 80, label: "Points" }),
    new tr.Dropdown({ choices: Object.keys(WAVES), value: "sine", label: "Wave", required: true }),
    new tr.Slider({ minimum: 0, maximum: 2, step: 0.1, value: 0.4, label: "Noise" }),
  ],
  outputs: [
    new tr.LinePlot({ x: "t", y: "value", color: "series", title: "Signal", label: "LinePlot", colorMap: { measured: "#f97316", ideal: "#6b7280" } }),
    new tr.ScatterPlot({ x: "x", y: "y", color: "cluster", size: "weight", tooltip: ["cluster", "weight"], title: "Clusters", label: "ScatterPlot" }),
    new tr.BarPlot({ x: "bucket", y: "count", title: "Histogram of the measured values", label: "BarPlot", sort: BUCKETS }),
    new tr.Plot({ label: "Vega-Lite spec (drag the lower chart)" }),
    new tr.Plot({ label: "Plotly figure" }),
    new tr.Plot({ label: "Server-side image" }),
  ],
  title: "Plots",
  description: "Rows of data become interactive charts (hover for values, drag and scroll to pan and zoom the line and scatter plots). Vega-Lite specs and Plotly figures are drawn by their own libraries, loaded only on pages that show them.",
  allowFlagging: "never",
});
