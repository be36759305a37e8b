// Markdown and DOMPurify (lib/sanitize.ts, about 25 KB compressed) for views that need them only once
// there is something to render, like an empty chat: loaded after the page is drawn, or at once when the
// component starts with content (`views/registry.ts` awaits a view's `prepare`).
type Sanitize = typeof import("./sanitize.js");

let loaded = $state<Sanitize | null>(null);
let loading: Promise<Sanitize> | null = null;

/** Loads lib/sanitize.ts (once). */
export function loadSanitize(): Promise<Sanitize> {
  loading ??= import("./sanitize.js").then((m) => (loaded = m));
  return loading;
}

/** lib/sanitize.ts once loaded, else null (reactive: a view that reads it redraws when it arrives). */
export function sanitizer(): Sanitize | null {
  return loaded;
}

/** Loads it once the page has painted (a view that will need it soon, but not to be drawn). */
export function loadSanitizeSoon(): void {
  if (!loading) requestAnimationFrame(() => setTimeout(() => void loadSanitize(), 0));
}
