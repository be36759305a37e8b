import type { AppConfig, ComponentConfig, LayoutNode } from "../protocol/types.js";

/**
 * The app's layout, written into the page's HTML so that a slow connection shows where everything will be
 * while the script loads (the script replaces it). Text and number inputs and buttons are real controls a
 * person can use at once (the early controls: what they type is kept, and what they click or submit runs
 * when the app is drawn, see EARLY_SCRIPT and frontend/src/lib/early.ts); everything else is grey shapes,
 * hidden from assistive technology, whose labels CSS draws from `data-t` so that no stand-in text can be
 * taken for the app's own.
 */
export function renderSkeleton(config: AppConfig): string {
  const byId = new Map<number, ComponentConfig>(config.components.map((c) => [c.id, c]));
  // Buttons whose click only resets the form (Clear): the early script resets the early fields itself.
  const resets = new Set(config.dependencies.filter((d) => d.frontend_action === "reset").flatMap((d) => d.targets.filter(([, e]) => e === "click").map(([id]) => id)));
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
        if (p.interactive === false) return `<div class="sk-btn" aria-hidden="true" data-t="${attr(p.value)}"></div>`;
        return `<button type="button" class="sk-btn sk-${p.variant === "primary" ? "primary" : p.variant === "stop" ? "stop" : "secondary"}" data-tr-early="${c.id}"${resets.has(c.id) ? " data-tr-reset" : ""}>${text(p.value)}</button>`;
      case "state":
      case "interpretation":
        return "";
      case "html":
      case "markdown":
        if (classes.includes("title")) return `<div class="sk-title" aria-hidden="true" data-t="${attr(config.title)}"></div>`;
        return `<div class="sk-text${classes.includes("description") ? " sk-center" : ""}" aria-hidden="true">${"<i></i>".repeat(textLines(p.value))}</div>`;
      default: {
        const control = earlyControl(c);
        if (control) return control;
        // A checkbox's label is beside it, not above.
        const labelled = p.show_label !== false && typeof p.label === "string" && c.type !== "checkbox";
        const label = labelled ? `<div class="sk-label" data-t="${attr(p.label)}"></div>` : "";
        return `<div class="sk-block" aria-hidden="true">${label}<div class="sk-field" style="height:${height(c)}px"></div></div>`;
      }
    }
  };
  // Not aria-busy: that would hide the early controls from screen readers until the app is drawn.
  return `<div class="tr-skeleton"><main class="sk-col"><span class="sk-sr">Loading</span>${draw(config.layout)}</main></div>`;
}

/** A text or number input as a real field, labelled as the app labels it, holding the config's value. */
function earlyControl(c: ComponentConfig): string | null {
  const p = c.props ?? {};
  if (p.interactive !== true || (c.type !== "textbox" && c.type !== "number")) return null;
  const id = `tr-early-${c.id}`;
  const shown = p.show_label !== false && typeof p.label === "string";
  const label = shown ? `<label class="sk-label" for="${id}">${text(p.label)}</label>` : "";
  const named = shown ? "" : ` aria-label="${attr(p.label ?? c.type)}"`;
  const common = `id="${id}" class="sk-input" data-tr-early="${c.id}"${named}${p.placeholder ? ` placeholder="${attr(p.placeholder)}"` : ""}`;
  // The app's label is 3 px shorter than the grey one and its field 3 px taller.
  const style = ` style="height:${height(c) + 3}px"`;
  let field: string;
  if (c.type === "number") {
    const bound = (name: string, v: unknown) => (typeof v === "number" ? ` ${name}="${v}"` : "");
    field = `<input type="number" ${common}${style} step="${typeof p.step === "number" ? p.step : "any"}"${bound("min", p.minimum)}${bound("max", p.maximum)} value="${typeof p.value === "number" ? p.value : ""}">`;
  } else {
    const value = p.value == null ? "" : String(p.value);
    const max = typeof p.max_length === "number" ? ` maxlength="${p.max_length}"` : "";
    const lines = Math.max(1, Number(p.lines) || 1);
    const type = p.type === "password" || p.type === "email" ? p.type : "text";
    field =
      lines > 1
        ? `<textarea ${common} rows="${Math.min(lines, 20)}"${max}${style}>${text(value)}</textarea>`
        : `<input type="${type}" ${common}${max}${style} autocomplete="off" value="${attr(value)}">`;
  }
  return `<div class="sk-block">${label}${field}</div>`;
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

/** Text content: the same escaping (a textarea's content is text too, so `</textarea>` cannot end it). */
const text = attr;

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
.sk-login{box-sizing:border-box;width:100%;max-width:420px;margin:12vh auto 0;padding:24px;display:flex;flex-direction:column}.sk-h1{margin:0 0 12px;font-size:1.5rem;color:light-dark(#1f2937,#e5e7eb)}.sk-login-message{margin:16px 0 14px;color:var(--sk-text)}input.sk-login-field{height:46px;margin-bottom:14px}
label.sk-label{display:block;height:21px;font-size:14px;font-weight:600;line-height:21px;color:var(--sk-text)}
.sk-input{display:block;box-sizing:border-box;width:100%;margin:0;padding:10px 12px;font:inherit;color:light-dark(#1f2937,#e5e7eb);background:light-dark(#fff,#111827);border:1px solid light-dark(#d1d5db,#4b5563);border-radius:8px;outline:none}
textarea.sk-input{resize:vertical;line-height:1.5}
.sk-input:focus{border-color:light-dark(#ea580c,#f97316);box-shadow:0 0 0 3px rgba(249,115,22,.45)}
button.sk-btn{width:100%;margin:0;border:1px solid transparent;font:inherit;font-weight:600;cursor:pointer}
button.sk-primary{background:#c2410c;color:#fff}
button.sk-secondary{background:light-dark(#f3f4f6,#374151);color:light-dark(#374151,#f3f4f6);border-color:var(--sk)}
button.sk-stop{background:#b91c1c;color:#fff}
button.sk-btn:focus-visible{outline:2px solid light-dark(#ea580c,#f97316);outline-offset:2px}
button.sk-btn[aria-disabled=true]{opacity:.6;cursor:progress}
button.sk-btn:disabled{opacity:.5;cursor:not-allowed}
button.sk-btn[aria-disabled=true]::after{content:"";width:12px;height:12px;margin-left:8px;border:2px solid currentColor;border-right-color:transparent;border-radius:50%;animation:sk-spin .8s linear infinite}
@keyframes sk-spin{to{transform:rotate(360deg)}}
.sk-failed{padding:12px 16px;border:1px solid light-dark(#fca5a5,#7f1d1d);border-radius:12px;background:light-dark(#fef2f2,#2a1215);color:light-dark(#991b1b,#fecaca)}
.sk-failed p{margin:4px 0 10px}
.sk-failed button{font:inherit;font-weight:600;padding:6px 14px;border-radius:8px;border:1px solid currentColor;background:transparent;color:inherit;cursor:pointer}
@media (prefers-reduced-motion:reduce){button.sk-btn[aria-disabled=true]::after{animation:none}}
@media (max-width:640px){.tr-skeleton{padding:12px 8px 4px}.sk-row{flex-direction:column;align-items:stretch}.sk-buttons{flex-direction:row}}
`
  .trim()
  .replace(/\n/g, "");

/**
 * What a person does with the early controls before the app is drawn: a click on a button, or Enter in a
 * field (Shift/Ctrl/Cmd+Enter in a text area, as in the app), is queued in `window.__tradioEarly` as the
 * app's (component id, event), and the button dims until the app runs it; a reset button (Clear) empties
 * the fields and the queue itself. Typed values stay in the fields; the app takes both when it is drawn
 * (frontend/src/lib/early.ts). The first queued action also starts fetching `preload` (the chunk that
 * makes the call, which the page otherwise loads only once it is drawn), so the answer comes sooner.
 * Once the page's script has failed to load (index.html then writes `.sk-failed` into the skeleton),
 * nothing would run a click, so none is queued. (No `//` comments inside: the script is joined into one line.)
 */
export function earlyScript(preload: string[]): string {
  // JSON without "<", so no URL can end the script.
  return `<script>${EARLY_SCRIPT}(${JSON.stringify(preload).replace(/</g, "\\u003c")})</script>`;
}

const EARLY_SCRIPT = `(function (preload) {
  var queue = (window.__tradioEarly = []);
  function queued(action) {
    if (document.querySelector("#app .sk-failed")) return false;
    queue.push(action);
    (preload || []).forEach(function (href) {
      var link = document.createElement("link");
      link.rel = "modulepreload";
      link.crossOrigin = "";
      link.href = href;
      document.head.appendChild(link);
    });
    preload = null;
    return true;
  }
  document.addEventListener("click", function (e) {
    var b = e.target instanceof Element && e.target.closest("#app button[data-tr-early]");
    if (!b || b.getAttribute("aria-disabled") === "true") return;
    if (b.hasAttribute("data-tr-reset")) {
      queue.length = 0;
      document.querySelectorAll("#app .sk-input").forEach(function (f) { f.value = f.defaultValue; });
      document.querySelectorAll("#app button[aria-disabled]").forEach(function (x) { x.removeAttribute("aria-disabled"); });
      return;
    }
    if (queued({ id: Number(b.dataset.trEarly), event: "click" })) b.setAttribute("aria-disabled", "true");
  });
  document.addEventListener("keydown", function (e) {
    var f = e.target;
    if (e.key !== "Enter" || e.isComposing || !(f instanceof Element) || !f.matches("#app .sk-input[data-tr-early]")) return;
    if (f.tagName === "TEXTAREA" && !(e.shiftKey || e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    queued({ id: Number(f.dataset.trEarly), event: "submit" });
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("#app form[data-tr-early-login]")) return;
    e.preventDefault();
    if (queued({ id: 0, event: "login" })) form.querySelector("button").setAttribute("aria-disabled", "true");
  });
})`
  .replace(/\n\s*/g, "");

/**
 * The login form, for an app with a login that the request has not passed: its title, the author's
 * message and real fields, so a person (or a password manager) can fill them in and press Enter before the
 * page's script has run; the login form the page then draws takes what was typed and sends it
 * (frontend/src/lib/early.ts). The form is sent nowhere by itself: EARLY_SCRIPT holds its submission.
 */
export function renderLoginSkeleton(title: string | null, message: string | null): string {
  const field = (name: string, label: string, more: string) =>
    `<label class="sk-label" for="tr-early-${name}">${label}</label><input id="tr-early-${name}" class="sk-input sk-login-field" name="${name}" required ${more}>`;
  return (
    `<div class="tr-skeleton"><main class="sk-col"><span class="sk-sr">Loading</span>` +
    `<form class="sk-block sk-login" data-tr-early-login>` +
    `<h1 class="sk-h1">${text(title ? `Log in to ${title}` : "Login")}</h1>` +
    (message ? `<p class="sk-login-message">${text(message)}</p>` : "") +
    field("username", "Username", 'autocomplete="username"') +
    field("password", "Password", 'type="password" autocomplete="current-password"') +
    `<button type="submit" class="sk-btn sk-primary">Login</button></form></main></div>`
  );
}
