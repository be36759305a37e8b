// The global sheet first: theme variables and resets, then each component's own styles after it.
import "./global.css";
import { mount } from "svelte";
import type { EmbeddedPage } from "$protocol";
import App from "./App.svelte";

// Marks of the page's start-up (`tradio:script`, `tradio:styles`, `tradio:views`, `tradio:drawn`), for the
// benchmarks and for anyone reading a trace: where a slow load spent its time.
performance.mark("tradio:script");

/** The config and API description the server wrote into the page (`#tradio-page`), if it did. */
function embeddedPage(): EmbeddedPage | null {
  const text = document.getElementById("tradio-page")?.textContent;
  if (!text) return null;
  try {
    return JSON.parse(text) as EmbeddedPage;
  } catch {
    return null;
  }
}

/** Settles when `link` has loaded or failed. */
function loaded(link: HTMLLinkElement): Promise<unknown> {
  return new Promise((done) => {
    link.addEventListener("load", done);
    link.addEventListener("error", done);
  });
}

/**
 * The page's stylesheets, applied: those it preloads (`<link rel="preload" as="style">`, see
 * vite.config.ts) become stylesheets here unless they already are. The skeleton is drawn without them,
 * the app once they have loaded (or failed to).
 */
function applyStyles(): Promise<unknown> {
  const sheets = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')];
  const applied = new Set(sheets.map((link) => link.href));
  const pending = sheets.filter((link) => !link.sheet).map(loaded);
  for (const preload of document.querySelectorAll<HTMLLinkElement>('link[rel="preload"][as="style"]')) {
    if (applied.has(preload.href)) continue;
    applied.add(preload.href);
    const sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.crossOrigin = "anonymous";
    sheet.href = preload.href;
    pending.push(loaded(sheet));
    document.head.appendChild(sheet);
  }
  return Promise.all(pending);
}

const embedded = embeddedPage();
const target = document.getElementById("app")!;
const skeleton = target.querySelector<HTMLElement>(".tr-skeleton");
void applyStyles().then(() => {
  performance.mark("tradio:styles");
  mount(App, { target, props: { embedded, skeleton } });
});
