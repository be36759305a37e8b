import { tick } from "svelte";

// Where the keyboard's focus goes when the element holding it is removed (a dismissed error or toast, a
// drop zone replaced by the file picked from it): without this it falls to <body>, and a keyboard user has
// to find their place again.
const FOCUSABLE = 'input:not([type="hidden"]):not([disabled]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

function focusFirst(within: HTMLElement, except?: Element): void {
  const next = [...within.querySelectorAll<HTMLElement>(FOCUSABLE)].find((el) => !except?.contains(el) && el.getClientRects().length > 0);
  if (next) return next.focus();
  if (!within.hasAttribute("tabindex")) within.tabIndex = -1;
  within.focus();
}

/** If `gone` holds the focus, moves it to the first visible control of `within` outside `gone`, else to `within`. */
export function keepFocus(gone: Element, within: HTMLElement | null): void {
  if (!within || !gone.contains(document.activeElement)) return;
  focusFirst(within, gone);
}

/**
 * Call just before a change that may remove the focused control (an edit redraws the block): if it is gone
 * once the page is redrawn and the focus fell to <body>, it goes to the first visible control of `within`
 * (by default the focused control's block), as it is then.
 */
export function keepFocusThrough(within: HTMLElement | null = document.activeElement?.closest<HTMLElement>(".block") ?? null): void {
  const held = document.activeElement;
  if (!within || !held || held === document.body || !within.contains(held)) return;
  void tick().then(() => {
    const now = document.activeElement;
    if (held.isConnected || (now && now !== document.body) || !within.isConnected) return;
    focusFirst(within);
  });
}
