import DOMPurify from "dompurify";
import { Marked } from "marked";

const marked = new Marked({ gfm: true, breaks: false, async: false });
const markedBreaks = new Marked({ gfm: true, breaks: true, async: false });

/** Set while sanitising Markdown: its links open in a new tab. */
let externalLinks = false;

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (externalLinks && node.tagName === "A" && node.hasAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/** Author or function HTML with scripts, event handlers and dangerous URLs removed. */
export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, { ADD_ATTR: ["target"] });
}

/** Markdown → sanitised HTML; links open in a new tab with rel=noopener. */
export function renderMarkdown(text: string, opts: { lineBreaks?: boolean } = {}): string {
  const raw = (opts.lineBreaks ? markedBreaks : marked).parse(text ?? "") as string;
  externalLinks = true;
  try {
    return DOMPurify.sanitize(raw);
  } finally {
    externalLinks = false;
  }
}
