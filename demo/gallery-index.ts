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

export function galleryIndex(entries: readonly GalleryEntry[]): string {
  const card = (e: GalleryEntry) =>
    `<a href="./${encodeURIComponent(e.name)}/"><h2>${escape(e.title)}</h2><div class="description">${markdown.parse(e.description, { async: false }) as string}</div></a>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>tradio demos</title><style>
body{font-family:system-ui,sans-serif;max-width:720px;margin:2rem auto;padding:0 1rem;color:#1f2937}
a{display:block;padding:1rem;margin:.5rem 0;border:1px solid #e5e7eb;border-radius:.75rem;text-decoration:none;color:inherit}
a:hover,a:focus-visible{border-color:#ea580c}a:focus-visible{outline:2px solid #ea580c;outline-offset:2px}h2{margin:0 0 .25rem;font-size:1.1rem}.description{color:#4b5563}.description>*{margin:.25rem 0 0}.description>:first-child{margin:0}
code{font-family:ui-monospace,monospace;font-size:.9em;background:#f3f4f6;padding:.1em .3em;border-radius:4px}
@media (prefers-color-scheme: dark){body{background:#0b0f19;color:#e5e7eb}a{border-color:#374151}.description{color:#9ca3af}code{background:#1f2937}}
</style></head><body><main><h1>tradio demos</h1>
${entries.map(card).join("\n")}
</main></body></html>`;
}
