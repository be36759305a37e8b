// Where the keyboard's focus goes when the element holding it is about to be removed (a dismissed error or
// toast): without this it falls to <body>, and a keyboard user has to find their place again.
const FOCUSABLE = 'input:not([type="hidden"]):not([disabled]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/** If `gone` holds the focus, moves it to the first visible control of `within` outside `gone`, else to `within`. */
export function keepFocus(gone: Element, within: HTMLElement | null): void {
  if (!within || !gone.contains(document.activeElement)) return;
  const next = [...within.querySelectorAll<HTMLElement>(FOCUSABLE)].find((el) => !gone.contains(el) && el.getClientRects().length > 0);
  if (next) return next.focus();
  if (!within.hasAttribute("tabindex")) within.tabIndex = -1;
  within.focus();
}
