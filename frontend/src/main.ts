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

/** The page's stylesheets sit after the skeleton (so it paints early); the app is drawn once they have loaded. */
function stylesLoaded(): Promise<unknown> {
  const pending = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].filter((link) => !link.sheet);
  return Promise.all(pending.map((link) => new Promise((done) => (link.addEventListener("load", done), link.addEventListener("error", done)))));
}

const embedded = embeddedPage();
const target = document.getElementById("app")!;
const skeleton = target.querySelector<HTMLElement>(".tr-skeleton");
void stylesLoaded().then(() => {
  performance.mark("tradio:styles");
  mount(App, { target, props: { embedded, skeleton } });
});
