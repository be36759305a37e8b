import type { AppConfig, ComponentConfig, LayoutNode } from "../protocol/types.js";

/**
 * The app's layout as grey shapes, written into the page's HTML so that a slow connection shows where
 * everything will be while the script loads (the script replaces it). Labels and button texts are drawn
 * by CSS from `data-t`, so the skeleton holds no text that tests or assistive technology could take for
 * the app's own; the whole of it is `aria-hidden`, with one "Loading" for screen readers beside it.
 */
export function renderSkeleton(config: AppConfig): string {
  const byId = new Map<number, ComponentConfig>(config.components.map((c) => [c.id, c]));
  const draw = (node: LayoutNode): string => {
    const c = byId.get(node.id);
    const inner = () => (node.children ?? []).map(draw).join("");
    if (!c) return `<div class="sk-col">${inner()}</div>`;
    const p = c.props ?? {};
    if (p.visible === false) return "";
    const classes = Array.isArray(p.elem_classes) ? p.elem_classes.filter((x: unknown): x is string => typeof x === "string") : [];
    switch (c.type) {
      case "row": {
        const buttons = classes.includes("buttons") || classes.includes("output-buttons");
        const body = inner();
        return body ? `<div class="sk-row${buttons ? " sk-buttons" : ""}">${body}</div>` : "";
      }
      case "column":
      case "group":
      case "form":
        return `<div class="sk-col${p.variant === "panel" ? " sk-panel" : ""}">${inner()}</div>`;
      case "button":
        return `<div class="sk-btn${p.variant === "primary" ? " sk-primary" : ""}" data-t="${attr(p.value)}"></div>`;
      case "state":
      case "interpretation":
        return "";
      case "html":
      case "markdown":
        if (classes.includes("title")) return `<div class="sk-title" data-t="${attr(config.title)}"></div>`;
        return `<div class="sk-text${classes.includes("description") ? " sk-center" : ""}">${"<i></i>".repeat(textLines(p.value))}</div>`;
      default: {
        // A checkbox's label is beside it, not above.
        const labelled = p.show_label !== false && typeof p.label === "string" && c.type !== "checkbox";
        const label = labelled ? `<div class="sk-label" data-t="${attr(p.label)}"></div>` : "";
        return `<div class="sk-block">${label}<div class="sk-field" style="height:${height(c)}px"></div></div>`;
      }
    }
  };
  return `<div class="tr-skeleton" aria-busy="true"><span class="sk-sr">Loading</span><div class="sk-col" aria-hidden="true">${draw(config.layout)}</div></div>`;
}

/** The lines a Markdown text takes at about 110 characters a line (a description, an article), at most four. */
function textLines(value: unknown): number {
  const text = typeof value === "string" ? value.trim() : "";
  return Math.max(1, Math.min(4, text.split(/\n\s*\n/).reduce((n, para) => n + Math.ceil(para.length / 110), 0)));
}

/**
 * The height each kind of field is drawn with (measured on the page at its default size), so that the
 * page does not jump when it replaces the skeleton.
 */
function height(c: ComponentConfig): number {
  const p = c.props ?? {};
  switch (c.type) {
    case "textbox":
      return 43 + 24 * (Math.min(Number(p.lines) || 1, 20) - 1);
    case "slider":
      return 46;
    case "checkbox":
      return 26;
    case "image":
      return 240;
    case "chatbot":
      return typeof p.height === "number" ? p.height - 3 : 417;
    case "audio":
    case "file":
    case "json":
    case "label":
    case "dataset":
      return 100;
    case "dataframe":
      return 160;
    default:
      return 43;
  }
}

function attr(v: unknown): string {
  return String(v ?? "").replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * The skeleton's look, inline in the page's head so it is drawn before any stylesheet arrives; colours
 * follow the theme like the page's own (`light-dark()`, and the `dark`/`light` class `?__theme=` sets).
 */
export const SKELETON_CSS = `
:root{color-scheme:light dark}:root.light{color-scheme:light}:root.dark{color-scheme:dark}
body{margin:0;background:light-dark(#fff,#0b0f19);font-family:ui-sans-serif,system-ui,sans-serif}
.tr-skeleton{max-width:1280px;margin:0 auto;padding:24px 16px 8px;--sk:light-dark(#e5e7eb,#374151);--sk-panel:light-dark(#f9fafb,#111827);--sk-block:light-dark(#fff,#1f2937);--sk-text:light-dark(#6b7280,#9ca3af)}
.sk-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
.sk-col{display:flex;flex-direction:column;gap:16px;min-width:0;flex:1 1 0}
.sk-row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.sk-row>*{flex:1 1 0;min-width:min(320px,100%)}
.sk-buttons>*{min-width:min(120px,100%)}
.sk-panel{background:var(--sk-panel);border:1px solid var(--sk);border-radius:12px;padding:12px}
.sk-block{background:var(--sk-block);border:1px solid var(--sk);border-radius:12px;padding:12px}
.sk-label{height:24px;margin-bottom:8px}
.sk-label::before,.sk-title::before,.sk-btn::before{content:attr(data-t)}
.sk-label::before{font-size:14px;font-weight:600;color:var(--sk-text)}
.sk-field{border-radius:8px;background:var(--sk)}
.sk-btn{height:46px;border-radius:8px;background:var(--sk);display:flex;align-items:center;justify-content:center;font-weight:600;color:var(--sk-text)}
.sk-primary{background:light-dark(#fed7aa,#7c2d12)}
.sk-title{text-align:center;font-size:2rem;font-weight:700;color:light-dark(#1f2937,#e5e7eb);min-height:52px}
.sk-text{display:flex;flex-direction:column}.sk-center{align-items:center}
.sk-text i{display:block;height:14px;margin:5px 0;width:min(560px,90%);border-radius:7px;background:var(--sk)}.sk-text i:last-child:not(:first-child){width:min(360px,60%)}
.sk-login{max-width:400px;margin:15vh auto 0}
@media (max-width:640px){.tr-skeleton{padding:12px 8px 4px}.sk-row{flex-direction:column;align-items:stretch}.sk-buttons{flex-direction:row}}
`
  .trim()
  .replace(/\n/g, "");

/** The login form's outline, for an app with a login that the request has not passed. */
export function renderLoginSkeleton(): string {
  const field = `<div class="sk-field" style="height:42px"></div>`;
  return `<div class="tr-skeleton" aria-busy="true"><span class="sk-sr">Loading</span><div class="sk-col sk-login" aria-hidden="true"><div class="sk-block sk-col">${field}${field}<div class="sk-btn sk-primary"></div></div></div></div>`;
}
