import { describe, expect, it } from "vitest";
import type { ProgressUnit } from "../core/context.js";
import { makeProgress } from "./progress.js";

describe("progress.track", () => {
  it("walks an array with a plain for...of, reporting each step with its total", () => {
    const seen: ProgressUnit[][] = [];
    const progress = makeProgress((d) => seen.push(d));
    const items: string[] = [];
    for (const x of progress.track(["a", "b", "c"], { desc: "letters", unit: "letters" })) items.push(x);
    expect(items).toEqual(["a", "b", "c"]);
    expect(seen.map((d) => d[0].index)).toEqual([0, 1, 2, 3]);
    expect(seen[3][0]).toMatchObject({ length: 3, unit: "letters", desc: "letters", progress: null });
  });

  it("walks any iterable (a Set, a generator) with for...of; an unknown length is null unless total is given", () => {
    const seen: ProgressUnit[][] = [];
    const progress = makeProgress((d) => seen.push(d));
    expect([...progress.track(new Set([1, 2]))]).toEqual([1, 2]);
    expect(seen.at(-1)![0]).toMatchObject({ index: 2, length: null });
    function* three() {
      yield* [1, 2, 3];
    }
    let sum = 0;
    for (const n of progress.track(three(), { total: 3 })) sum += n;
    expect(sum).toBe(6);
    expect(seen.at(-1)![0]).toMatchObject({ index: 3, length: 3 });
  });

  it("walks an async iterable with for await", async () => {
    const seen: ProgressUnit[][] = [];
    const progress = makeProgress((d) => seen.push(d));
    async function* two() {
      yield "x";
      yield "y";
    }
    const items: string[] = [];
    for await (const x of progress.track(two(), { total: 2 })) items.push(x);
    expect(items).toEqual(["x", "y"]);
    expect(seen.map((d) => d[0].index)).toEqual([0, 1, 2]);
  });

  it("ignores a fraction that is not a finite number and clamps the rest to 0..1", () => {
    const seen: ProgressUnit[][] = [];
    const progress = makeProgress((d) => seen.push(d));
    progress(Number.NaN);
    progress(2, "over");
    progress(-1);
    expect(seen.map((d) => d[0].progress)).toEqual([1, 0]);
  });
});
