/** Whether the page is drawn dark: `?__theme=` forced a class on <html>, else the system's preference. */
export function isDark(): boolean {
  const root = document.documentElement;
  if (root.classList.contains("dark")) return true;
  if (root.classList.contains("light")) return false;
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}

/** A CSS variable of the theme as its computed colour (for libraries that draw on a canvas). */
export function themeColor(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}
