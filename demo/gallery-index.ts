// The gallery's index page (`npm start`): one card per demo, its title and its description. A description
// is Markdown, as on the demo's own page: emphasis, code and lists are rendered; raw HTML is shown as text
// and links as their text (each card is a link already), so nothing but marks reaches the page.
import { Marked } from "marked";

export interface GalleryEntry {
  name: string;
  title: string;
  description: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const markdown = new Marked({
  gfm: true,
  renderer: {
    html: ({ text }) => escape(text),
    link({ tokens }) {
      return this.parser.parseInline(tokens);
    },
    image: ({ text }) => escape(text),
  },
});

/** A demo the gallery could not load (Hub demos, offline), named on the index with the reason. */
export interface SkippedDemo {
  name: string;
  why: string;
}

export function galleryIndex(entries: readonly GalleryEntry[], skipped: readonly SkippedDemo[] = []): string {
  const card = (e: GalleryEntry) =>
    `<a href="./${encodeURIComponent(e.name)}/"><h2>${escape(e.title)}</h2><div class="description">${markdown.parse(e.description, { async: false }) as string}</div></a>`;
  const left = skipped.length
    ? `<p class="skipped">Not shown here: ${skipped.map((d) => `<code>${escape(d.name)}</code> (${escape(d.why)})`).join(", ")}.</p>`
    : "";
  // `?__theme=dark|light` forces a theme, as on a demo's own page; otherwise the system's setting decides.
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><link rel="icon" href="data:,">
<title>tradio demos</title>
<script>(function () { var t = new URLSearchParams(location.search).get("__theme"); if (t === "dark" || t === "light") document.documentElement.classList.add(t); })();</script>
<style>
:root{color-scheme:light dark}:root.light{color-scheme:light}:root.dark{color-scheme:dark}
body{font-family:system-ui,sans-serif;max-width:720px;margin:2rem auto;padding:0 1rem;background:light-dark(#fff,#0b0f19);color:light-dark(#1f2937,#e5e7eb)}
a{display:block;padding:1rem;margin:.5rem 0;border:1px solid light-dark(#e5e7eb,#374151);border-radius:.75rem;text-decoration:none;color:inherit}
a:hover,a:focus-visible{border-color:#ea580c}a:focus-visible{outline:2px solid #ea580c;outline-offset:2px}h2{margin:0 0 .25rem;font-size:1.1rem}.description,.skipped{color:light-dark(#4b5563,#9ca3af)}.description>*{margin:.25rem 0 0}.description>:first-child{margin:0}
code{font-family:ui-monospace,monospace;font-size:.9em;background:light-dark(#f3f4f6,#1f2937);padding:.1em .3em;border-radius:4px}
</style></head><body><main><h1>tradio demos</h1>
${entries.map(card).join("\n")}
${left}
</main></body></html>`;
}
