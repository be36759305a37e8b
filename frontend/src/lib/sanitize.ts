import DOMPurify, { type Config } from "dompurify";
import { Marked } from "marked";

const marked = new Marked({ gfm: true, breaks: false, async: false });
const markedBreaks = new Marked({ gfm: true, breaks: true, async: false });

/** Set while sanitising Markdown: its links open in a new tab. */
let externalLinks = false;
/** Set while sanitising text that sits on the page: inline styles keep colours and emphasis only. */
let textOnly = false;

/** What an inline `style` may set in text on the page: nothing that moves a box out of the flow or over the page. */
const TEXT_STYLES = ["color", "background-color", "font-weight", "font-style", "text-decoration", "text-align"];
const probe = document.createElement("span");

DOMPurify.addHook("uponSanitizeAttribute", (_node, data) => {
  if (!textOnly || data.attrName !== "style") return;
  probe.style.cssText = data.attrValue;
  data.attrValue = TEXT_STYLES.map((p) => [p, probe.style.getPropertyValue(p)])
    .filter(([, v]) => v !== "")
    .map(([p, v]) => `${p}: ${v}`)
    .join("; ");
  data.keepAttr = data.attrValue !== "";
});

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (externalLinks && node.tagName === "A" && node.hasAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/**
 * What no function's or author's HTML may bring onto the page, besides scripts and event handlers
 * (DOMPurify's defaults): forms and their controls draw password fields and send what is typed to any URL
 * without a line of script; frames and plugins embed other documents; meta, base and link change how the
 * page loads or links.
 */
const NO_FORMS_OR_FRAMES = [
  "form",
  "input",
  "textarea",
  "select",
  "option",
  "optgroup",
  "button",
  "datalist",
  "output",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "portal",
  "meta",
  "base",
  "link",
];
const NO_FORM_ATTRIBUTES = ["action", "formaction", "form", "srcdoc", "popover", "popovertarget"];

/**
 * Markdown and chat messages sit on the page itself, so they keep to text: no `<style>` element (it
 * restyles the whole page), inline styles reduced to colours and emphasis (no fixed box laid over the
 * page), and ids prefixed (`user-content-…`) so that they cannot take the name of one of the page's own.
 */
const TEXT_ONLY: Config = {
  FORBID_TAGS: [...NO_FORMS_OR_FRAMES, "style", "dialog", "template", "slot"],
  FORBID_ATTR: NO_FORM_ATTRIBUTES,
  SANITIZE_NAMED_PROPS: true,
};

function sanitizeText(html: string, config: Config): string {
  textOnly = true;
  try {
    return DOMPurify.sanitize(html, config) as string;
  } finally {
    textOnly = false;
  }
}

/**
 * An HTML component keeps its styles, inside its own shadow root (see `ui/Isolated.svelte`): they cannot
 * reach the page, and its box clips what it draws. `FORCE_BODY` keeps a leading `<style>`.
 */
const ISOLATED: Config = {
  FORBID_TAGS: NO_FORMS_OR_FRAMES,
  FORBID_ATTR: NO_FORM_ATTRIBUTES,
  ADD_ATTR: ["target"],
  FORCE_BODY: true,
};

/** HTML that sits on the page (the Interface's title): text and markup only, like Markdown. */
export function sanitizeHtml(html: string): string {
  return sanitizeText(html, { ...TEXT_ONLY, ADD_ATTR: ["target"] });
}

/** An HTML component's value, for its shadow root: its styles kept, no scripts, forms or frames. */
export function sanitizeIsolatedHtml(html: string): string {
  return DOMPurify.sanitize(html, ISOLATED) as string;
}

/** Markdown → sanitised HTML (text only); links open in a new tab with rel=noopener. */
export function renderMarkdown(text: string, opts: { lineBreaks?: boolean } = {}): string {
  const raw = (opts.lineBreaks ? markedBreaks : marked).parse(text ?? "") as string;
  externalLinks = true;
  try {
    return sanitizeText(raw, TEXT_ONLY);
  } finally {
    externalLinks = false;
  }
}
