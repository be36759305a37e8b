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
    patch: hideBrushes,
  });
  // vega-embed's actions menu is a <summary> showing only "…"; name it for screen readers.
  target.querySelector(".vega-embed > details > summary")?.setAttribute("aria-label", "Plot actions: export as an image");
  // A composite chart may scroll sideways in its block (Plot.svelte): a keyboard can then focus and scroll it.
  const wrapper = target.querySelector<HTMLElement>(":scope > .chart-wrapper");
  if (wrapper && !target.classList.contains("fit-x")) wrapper.tabIndex = 0;
  const untap = tooltipsOnTap(target);
  return {
    destroy: () => {
      untap();
      result.finalize();
    },
  };
}

/**
 * A touch screen has no hover, so Vega's tooltips never showed there: a tap on a mark shows its tooltip, as
 * a mouse resting on it would, and a tap on the chart's background or outside it hides it. The tap's click
 * comes after the touch pointer has left (its pointerout hides a tooltip), so the tooltip follows the click.
 * Returns what removes the listeners.
 */
function tooltipsOnTap(target: HTMLElement): () => void {
  let touched = false;
  const pointer = (type: string, e: MouseEvent) => new PointerEvent(type, { clientX: e.clientX, clientY: e.clientY, bubbles: true, composed: true, pointerType: "mouse" });
  const ondown = (e: PointerEvent) => {
    touched = e.pointerType === "touch";
    // A tap elsewhere on the page: the "mouse" has left the chart.
    if (touched && !target.contains(e.target as Node)) target.querySelector(".marks")?.dispatchEvent(pointer("pointerout", e));
  };
  const onclick = (e: MouseEvent) => {
    if (!touched || !target.contains(e.target as Node)) return;
    const at = document.elementFromPoint(e.clientX, e.clientY);
    if (at && target.contains(at)) at.dispatchEvent(pointer("pointermove", e));
  };
  document.addEventListener("pointerdown", ondown, true);
  target.addEventListener("click", onclick);
  return () => {
    document.removeEventListener("pointerdown", ondown, true);
    target.removeEventListener("click", onclick);
  };
}

/**
 * An interval selection draws its brush as marks of their own, which would each be announced as an unnamed
 * graphic: they are the chart's controls, not its data, so they leave the accessibility tree.
 */
function hideBrushes(spec: any): any {
  const walk = (marks: unknown): void => {
    if (!Array.isArray(marks)) return;
    for (const mark of marks) {
      if (typeof mark?.name === "string" && /_brush(_bg)?$/.test(mark.name)) mark.aria = false;
      walk(mark?.marks);
    }
  };
  walk(spec?.marks);
  return spec;
}
