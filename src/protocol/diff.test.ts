import { describe, expect, it } from "vitest";
import { deepEqual, diff, type DiffOp } from "./diff.js";

// The client's rules (@gradio/client utils/stream.ts): root ops are replace/append; with a path, the
// parent is walked and replace/append/add (splice for arrays)/delete (splice) edit it in place.
// test/queue.test.ts checks the real client end to end.
function apply(target: any, ops: DiffOp[]): any {
  for (const [op, path, value] of ops) {
    if (path.length === 0) {
      target = op === "replace" ? value : target + value;
      continue;
    }
    let cur = target;
    for (const p of path.slice(0, -1)) cur = cur[p];
    const last = path[path.length - 1];
    if (op === "replace") cur[last] = value;
    else if (op === "append") cur[last] += value;
    else if (op === "add") Array.isArray(cur) ? cur.splice(Number(last), 0, value) : (cur[last] = value);
    else Array.isArray(cur) ? cur.splice(Number(last), 1) : delete cur[last];
  }
  return target;
}

const roundTrip = (prev: unknown, next: unknown) => {
  const ops = diff(structuredClone(prev), next);
  expect(apply(structuredClone(prev), ops)).toEqual(next);
  return ops;
};

describe("streamed update diffs", () => {
  it("appends to a growing string", () => {
    expect(roundTrip("Hello", "Hello, world")).toEqual([["append", [], ", world"]]);
  });

  it("replaces a string that changed elsewhere, and values of other types", () => {
    expect(roundTrip("abc", "xbc")).toEqual([["replace", [], "xbc"]]);
    expect(roundTrip(1, 2)).toEqual([["replace", [], 2]]);
    expect(roundTrip(null, "x")).toEqual([["replace", [], "x"]]);
    expect(roundTrip("", "x")).toEqual([["replace", [], "x"]]);
  });

  it("sends nothing for an unchanged value", () => {
    expect(roundTrip({ a: [1, 2] }, { a: [1, 2] })).toEqual([]);
  });

  it("adds chat messages and appends to the last one", () => {
    const prev = [["hi", "Hel"]];
    const next = [
      ["hi", "Hello there"],
      ["how?", null],
    ];
    expect(roundTrip(prev, next)).toEqual([
      ["append", [0, 1], "lo there"],
      ["add", [1], ["how?", null]],
    ]);
  });

  it("deletes from lists and objects and edits nested values", () => {
    roundTrip([1, 2, 3, 4], [1, 9]);
    roundTrip({ a: 1, b: { c: "x" } }, { b: { c: "xy", d: [1] }, e: null });
    roundTrip({ label: "cat", confidences: [{ label: "cat", confidence: 0.5 }] }, { label: "dog", confidences: [{ label: "dog", confidence: 0.9 }] });
    roundTrip([1, 2], { a: 1 });
  });
});

describe("deep values", () => {
  const nest = (depth: number, leaf: unknown): unknown => {
    let v = leaf;
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  };

  it("replaces a changed value whole past a bounded depth instead of recursing, however deep it is", () => {
    const ops = diff([nest(10_000, 1)], [nest(10_000, 2)]);
    expect(ops).toHaveLength(1);
    expect(ops[0][0]).toBe("replace");
    expect(ops[0][1].length).toBeLessThanOrEqual(32);
    expect(deepEqual(nest(10_000, 1), nest(10_000, 1))).toBe(false); // past the bound: "changed", never a stack overflow
    expect(deepEqual(nest(50, 1), nest(50, 1))).toBe(true);
  });
});
