// Vega-Lite and Vega specs, drawn by vega-embed. Imported dynamically by the Plot view, so Vite puts
// vega, vega-lite and vega-embed in their own chunk, loaded only by pages that show such a plot.
import embed, { type VisualizationSpec } from "vega-embed";

export interface Drawn {
  destroy(): void;
}

export async function drawVega(target: HTMLElement, spec: VisualizationSpec, dark: boolean): Promise<Drawn> {
  const result = await embed(target, spec, {
    actions: { export: true, source: false, compiled: false, editor: false },
    theme: dark ? "dark" : undefined,
    // The block's own background shows through; the author's spec may still set one.
    config: { background: "transparent" },
    tooltip: { theme: dark ? "dark" : "light" },
    downloadFileName: "plot",
  });
  return { destroy: () => result.finalize() };
}
