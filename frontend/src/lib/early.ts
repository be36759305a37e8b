import { tick } from "svelte";
import type { AppRuntime } from "../runtime/app.js";

/**
 * What a person did with the server's early controls (src/server/page-skeleton.ts) before the app was
 * drawn: the values typed into its fields, where the caret was, and the clicks and Enters its script queued.
 */
export interface Early {
  values: { id: number; text: string }[];
  focus: { id: number; start: number | null; end: number | null } | null;
  actions: { id: number; event: string }[];
}

type Field = HTMLInputElement | HTMLTextAreaElement;

/** The actions the early script queued (`window.__tradioEarly`), as it wrote them: read, not trusted. */
function earlyQueue(): { id: unknown; event: unknown }[] {
  return (window as unknown as { __tradioEarly?: { id: unknown; event: unknown }[] }).__tradioEarly ?? [];
}

/** Reads the skeleton's early controls; call it just before the skeleton is removed. */
export function takeEarly(skeleton: HTMLElement): Early {
  const fields = [...skeleton.querySelectorAll<Field>(".sk-input[data-tr-early]")];
  const idOf = (el: Element) => Number((el as HTMLElement).dataset.trEarly);
  const values = fields.filter((f) => f.value !== f.defaultValue).map((f) => ({ id: idOf(f), text: f.value }));
  const active = document.activeElement;
  let focus: Early["focus"] = null;
  if (active instanceof HTMLElement && skeleton.contains(active) && active.dataset.trEarly) {
    const field = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement ? active : null;
    // A number input has no caret position to read (selectionStart throws or is null).
    const caret = (read: () => number | null) => {
      try {
        return read();
      } catch {
        return null;
      }
    };
    focus = { id: idOf(active), start: field && caret(() => field.selectionStart), end: field && caret(() => field.selectionEnd) };
  }
  const queued = earlyQueue();
  const actions = queued.filter((a): a is { id: number; event: string } => typeof a.id === "number" && typeof a.event === "string");
  queued.length = 0;
  return { values, focus, actions };
}

/** What was typed into the server's login form before the page's own was drawn, and whether it was sent. */
export interface EarlyLogin {
  username: string;
  password: string;
  /** The field that had the focus. */
  focus: "username" | "password" | null;
  submit: boolean;
}

/** Reads the skeleton's login form (null if it has none); call it just before the skeleton is removed. */
export function takeEarlyLogin(skeleton: HTMLElement): EarlyLogin | null {
  const form = skeleton.querySelector<HTMLFormElement>("form[data-tr-early-login]");
  if (!form) return null;
  const value = (name: string) => form.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.value ?? "";
  const active = document.activeElement;
  const focus = active instanceof HTMLInputElement && form.contains(active) && (active.name === "username" || active.name === "password") ? active.name : null;
  const queued = earlyQueue();
  const submit = queued.some((a) => a.event === "login");
  if (submit) queued.length = 0;
  return { username: value("username"), password: value("password"), focus, submit };
}

/**
 * Gives the app what was done before it was drawn, as if done in it: the typed values as edits (so a live
 * app runs on them), the focus and caret on the same control, then the queued clicks and Enters in order.
 */
export async function handOver(app: AppRuntime, early: Early): Promise<void> {
  for (const { id, text } of early.values) {
    const slot = app.slots.get(id);
    if (!slot) continue;
    if (slot.type === "number") {
      const n = Number(text);
      app.dispatch.edit(id, text.trim() === "" ? null : Number.isFinite(n) ? n : slot.value);
    } else app.dispatch.edit(id, text);
  }
  await tick();
  if (early.focus) {
    const { id, start, end } = early.focus;
    const control = document.querySelector<HTMLElement>(`main.app button[data-slot="${id}"], main.app [data-slot="${id}"] :is(input, textarea)`);
    control?.focus();
    if ((control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement) && start !== null && end !== null) {
      try {
        control.setSelectionRange(start, end);
      } catch {
        // (number inputs have no selection)
      }
    }
  }
  // A click goes through the app's own button, which may refuse it (an empty flag); Enter as its field sends it.
  for (const { id, event } of early.actions) {
    const button = event === "click" ? document.querySelector<HTMLButtonElement>(`main.app button[data-slot="${id}"]`) : null;
    if (button) button.click();
    else app.dispatch.trigger(id, event);
  }
}
