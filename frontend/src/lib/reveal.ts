/**
 * At the end of a run, brings the component showing its result (or its error) into view when it is out of
 * sight (below the fold on a phone), unless the person has scrolled since they started the run.
 * `scrollY`: where the page was when the run started.
 */
export function reveal(id: number, scrollY: number): void {
  if (Math.abs(window.scrollY - scrollY) > 40) return;
  const block = document.querySelector<HTMLElement>(`[data-slot="${id}"]`);
  if (!block) return;
  const error = block.querySelector<HTMLElement>(".error-box");
  const el = error ?? block;
  const r = el.getBoundingClientRect();
  // Already in sight: its top in the upper part of the window (an error: all of it).
  if (r.top >= 0 && (error ? r.bottom <= innerHeight : r.top < innerHeight * 0.75)) return;
  const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
  el.scrollIntoView({ block: error ? "center" : "start", behavior: smooth ? "smooth" : "auto" });
}
