/**
 * Bounds on what a client's values may be: checked at the edge, iteratively, so no value a client sends
 * can overflow the stack of code that walks it (a component, the diff of streamed updates, JSON.stringify).
 */

/** How many levels arrays and objects may nest inside each other in a value a client sends (`[[1]]` is 2). */
export const MAX_DEPTH = 100;

/**
 * Whether `value` nests arrays and objects more than `max` levels deep (a scalar is 0 levels, `[]` is 1).
 * Walks with its own stack, never recursion; typed arrays and buffers count as leaves. For JSON data (no
 * cycles); a cycle counts as infinitely deep.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return false;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as object;
    const depth = depths.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) {
      if (child !== null && typeof child === "object" && !ArrayBuffer.isView(child)) {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/**
 * Whether JSON text nests arrays and objects more than `max` levels deep, found by one pass over the text
 * before it is parsed (JSON.parse of deep nesting is slow, and what walks the result may overflow).
 * A string's contents are skipped with a search for its closing quote, so a body of long strings costs
 * little (looking at each of their characters took longer than JSON.parse itself on a 15 MB text).
 */
export function jsonNestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: its end is the next quote not escaped (preceded by an even run of backslashes).
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i < 0) return false; // unterminated: the parser refuses it
        let slashes = 0;
        while (text.charCodeAt(i - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
