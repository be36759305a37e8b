/**
 * The diff ops of streamed updates (sse_v3 `process_generating`): after the first full value, each output
 * travels as a list of `[op, path, value]` edits that `@gradio/client` applies in order. Appending tokens
 * to a string or messages to a chat history then costs only the new part on the wire.
 */
export type DiffOp = ["replace" | "append" | "add" | "delete", (string | number)[], unknown];

/**
 * Past this depth a changed value is replaced whole instead of diffed further: diffs stay shallow, and
 * no value (a custom component's, say) can make the diff overflow the stack.
 */
const MAX_DIFF_DEPTH = 32;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Structural equality of JSON values; values nested past `depth` more levels count as different. */
export function deepEqual(a: unknown, b: unknown, depth = MAX_DIFF_DEPTH * 4): boolean {
  if (a === b) return true;
  if (depth <= 0) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i], depth - 1)) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!(k in b) || !deepEqual(a[k], b[k], depth - 1)) return false;
    return true;
  }
  return false;
}

function diffAt(path: (string | number)[], prev: unknown, next: unknown, ops: DiffOp[]): void {
  if (deepEqual(prev, next)) return;
  if (path.length >= MAX_DIFF_DEPTH) {
    ops.push(["replace", path, next]);
    return;
  }
  if (typeof prev === "string" && typeof next === "string" && next.startsWith(prev) && prev.length > 0) {
    ops.push(["append", path, next.slice(prev.length)]);
    return;
  }
  if (path.length > 0 && Array.isArray(prev) && Array.isArray(next)) {
    const common = Math.min(prev.length, next.length);
    for (let i = 0; i < common; i++) diffAt([...path, i], prev[i], next[i], ops);
    for (let i = common; i < next.length; i++) ops.push(["add", [...path, i], next[i]]);
    for (let i = prev.length - 1; i >= next.length; i--) ops.push(["delete", [...path, i], null]);
    return;
  }
  if (path.length > 0 && isPlainObject(prev) && isPlainObject(next)) {
    for (const k of Object.keys(prev)) if (!(k in next)) ops.push(["delete", [...path, k], null]);
    for (const k of Object.keys(next)) {
      if (k in prev) diffAt([...path, k], prev[k], next[k], ops);
      else ops.push(["add", [...path, k], next[k]]);
    }
    return;
  }
  ops.push(["replace", path, next]);
}

/**
 * Edits that turn `prev` into `next`. At the root, containers are edited in place only through a path
 * (the client's root ops are just replace and append), so arrays and objects recurse one level down.
 */
export function diff(prev: unknown, next: unknown): DiffOp[] {
  const ops: DiffOp[] = [];
  if (Array.isArray(prev) && Array.isArray(next)) {
    const common = Math.min(prev.length, next.length);
    for (let i = 0; i < common; i++) diffAt([i], prev[i], next[i], ops);
    for (let i = common; i < next.length; i++) ops.push(["add", [i], next[i]]);
    for (let i = prev.length - 1; i >= next.length; i--) ops.push(["delete", [i], null]);
  } else if (isPlainObject(prev) && isPlainObject(next)) {
    diffAt([], prev, next, ops);
    if (ops.length === 1 && ops[0][0] === "replace" && ops[0][1].length === 0) return ops;
    ops.length = 0;
    for (const k of Object.keys(prev)) if (!(k in next)) ops.push(["delete", [k], null]);
    for (const k of Object.keys(next)) {
      if (k in prev) diffAt([k], prev[k], next[k], ops);
      else ops.push(["add", [k], next[k]]);
    }
  } else {
    diffAt([], prev, next, ops);
  }
  return ops;
}
