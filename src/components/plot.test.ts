import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import * as vl from "vega-lite";
import { Plot } from "./plot.js";
import { LinePlot } from "./line-plot.js";
import { ScatterPlot } from "./scatter-plot.js";
import { BarPlot } from "./bar-plot.js";

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>';

describe("Plot", () => {
  it("has Gradio's PlotData schema and is display-only", () => {
    const p = new Plot();
    expect(p.type).toBe("plot");
    expect(p.displayOnly).toBe(true);
    expect(p.apiInfo()).toMatchObject({ title: "PlotData", required: ["type", "plot"] });
    expect(() => new Plot({ format: "bmp" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /format/);
  });

  it("sends Vega-Lite specs as altair and Plotly figures as plotly", async () => {
    const p = new Plot();
    const spec = { data: { values: [{ a: 1 }] }, mark: "bar", encoding: { x: { field: "a", type: "quantitative" } } };
    expect(await p.postprocess(spec)).toEqual({ type: "altair", plot: JSON.stringify(spec), chart: "bar" });
    const builder = { toSpec: () => ({ ...spec, mark: { type: "line" } }) };
    expect(await p.postprocess(builder as never)).toMatchObject({ type: "altair", chart: "line" });
    const fig = { data: [{ type: "scatter", x: [1, 2], y: [3, 4] }], layout: { title: { text: "t" } } };
    expect(await p.postprocess(fig)).toEqual({ type: "plotly", plot: JSON.stringify(fig) });
    expect(await p.postprocess({ type: "plotly", plot: "{}" })).toEqual({ type: "plotly", plot: "{}" });
    expect(await p.postprocess(null)).toBeNull();
  });

  it("sends images (bytes or files) as data: URLs, converted to `format` when set", async () => {
    const png = await sharp({ create: { width: 3, height: 3, channels: 3, background: "#000" } }).png().toBuffer();
    expect((await new Plot().postprocess(png))!.plot).toMatch(/^data:image\/png;base64,/);
    expect((await new Plot().postprocess(Buffer.from(SVG)))).toMatchObject({ type: "matplotlib", plot: expect.stringMatching(/^data:image\/svg\+xml;base64,/) });
    expect((await new Plot({ format: "webp" }).postprocess(Buffer.from(SVG)))!.plot).toMatch(/^data:image\/webp;base64,/);
    const dir = await mkdtemp(path.join(tmpdir(), "tradio-plot-"));
    try {
      const file = path.join(dir, "chart.png");
      await writeFile(file, png);
      expect((await new Plot().postprocess(file))!.plot).toMatch(/^data:image\/png/);
      await expect(new Plot().postprocess(path.join(dir, "missing.png"))).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /does not exist/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses what is no plot", async () => {
    const p = new Plot();
    await expect(p.postprocess({ hello: 1 } as never)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /Vega-Lite/);
    await expect(p.postprocess(Buffer.from("not an image"))).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /not an image/);
    await expect(p.postprocess(5 as never)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => p.preprocess({ type: "svg", plot: "" })).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(p.preprocess({ type: "plotly", plot: "{}" })).toEqual({ type: "plotly", plot: "{}" });
  });
});

describe("LinePlot, ScatterPlot and BarPlot", () => {
  const rows = [
    { day: "2024-01-01", sales: 3, shop: "a", size: 1 },
    { day: "2024-01-02", sales: 5, shop: "a", size: 2 },
    { day: "2024-01-01", sales: 4, shop: "b", size: 3 },
  ];

  it("turn rows (objects or { headers, data }) into Vega-Lite specs that compile", () => {
    const line = new LinePlot({ x: "day", y: "sales", color: "shop", title: "Sales", yLim: [0, 10], tooltip: ["shop", "sales"] });
    const out = line.postprocess(rows)!;
    expect(out).toMatchObject({ type: "altair", chart: "line" });
    const spec = JSON.parse(out.plot);
    expect(spec).toMatchObject({ title: "Sales", mark: { type: "line" }, encoding: { x: { field: "day", type: "temporal" }, y: { field: "sales", scale: { domain: [0, 10] } }, color: { field: "shop" } } });
    expect(spec.encoding.tooltip).toEqual([{ field: "shop", type: "nominal" }, { field: "sales", type: "quantitative" }]);
    expect(() => vl.compile(spec)).not.toThrow();
    const table = { headers: ["day", "sales", "shop", "size"], data: rows.map((r) => [r.day, r.sales, r.shop, r.size]) };
    expect(JSON.parse(line.postprocess(table)!.plot).data.values).toEqual(rows);

    const scatter = JSON.parse(new ScatterPlot({ x: "sales", y: "size", color: "shop", size: "size" }).postprocess(rows)!.plot);
    expect(scatter).toMatchObject({ mark: { type: "point" }, encoding: { size: { field: "size" } } });
    expect(() => vl.compile(scatter)).not.toThrow();

    const bar = JSON.parse(new BarPlot({ x: "shop", y: "sales", group: "day", vertical: false, sort: "-y" }).postprocess(rows)!.plot);
    expect(bar).toMatchObject({ mark: { type: "bar" }, encoding: { y: { field: "shop", sort: "-x" }, x: { field: "sales", aggregate: "sum" }, yOffset: { field: "day" } } });
    expect(() => vl.compile(bar)).not.toThrow();
  });

  it("take x and y from the first columns when not named, Dates as ISO text", () => {
    const spec = JSON.parse(new LinePlot().postprocess([{ t: new Date("2024-01-01T00:00:00Z"), v: 1 }])!.plot);
    expect(spec.encoding.x).toMatchObject({ field: "t", type: "temporal" });
    expect(spec.data.values[0].t).toBe("2024-01-01T00:00:00.000Z");
  });

  it("refuse rows without the named columns, and bad shapes", () => {
    expect(() => new LinePlot({ x: "day", y: "profit" }).postprocess(rows)).toThrowCode("TR_ERR_INVALID_VALUE", /profit/);
    expect(() => new BarPlot().postprocess("rows" as never)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => new BarPlot().postprocess([[1, 2]] as never)).toThrowCode("TR_ERR_INVALID_VALUE", /headers, data/);
    expect(() => new LinePlot({ colorLegendPosition: "middle" } as never)).toThrowCode("TR_ERR_OPTION_INVALID");
  });

  it("give the rows of a spec back as an input", () => {
    const line = new LinePlot({ x: "day", y: "sales" });
    expect(line.preprocess(line.postprocess(rows))).toEqual(rows);
    expect(line.preprocess(null)).toEqual([]);
  });
});
