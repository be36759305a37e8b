import { describe, expect, it } from "vitest";
import type { EventDef } from "../../graph/graph.js";
import type { CallContext } from "../../core/context.js";
import { Textbox } from "../../components/textbox.js";
import { evaluate } from "./run.js";

function event(fn: EventDef["fn"], batch = false, maxBatchSize = 4): EventDef {
  return {
    id: 0,
    apiName: "predict",
    inputs: [new Textbox()],
    outputs: [new Textbox()],
    targets: [],
    fn,
    batch,
    maxBatchSize,
    concurrencyLimit: 1,
    showApi: true,
    live: false,
  };
}

function context(signal = new AbortController().signal): CallContext {
  return { signal, request: { username: null, headers: {}, sessionHash: null, client: { host: null } }, progress: Object.assign(() => {}, { track: (x: any) => x }) };
}

describe("evaluate", () => {
  it("returns each task's first output in task order and reports progress", async () => {
    const progress: number[] = [];
    const tasks = ["a", "bbb", "cc", "dddd", "e"].map((t) => () => [t]);
    const out = await evaluate(tasks, (y) => y, {
      event: event(async ([t]) => (t as string).length),
      concurrency: 2,
      ctx: context(),
      onProgress: (done) => progress.push(done),
    });
    expect(out).toEqual([1, 3, 2, 4, 1]);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
  });

  it("stops starting calls once the job is cancelled", async () => {
    const controller = new AbortController();
    let calls = 0;
    const tasks = Array.from({ length: 20 }, () => () => ["x"]);
    const run = evaluate(tasks, (y) => y, {
      event: event(async () => {
        if (++calls === 3) controller.abort();
        return 1;
      }),
      concurrency: 1,
      ctx: context(controller.signal),
    });
    await expect(run).rejects.toThrow("Cancelled");
    expect(calls).toBe(3);
  });

  it("stops after the first failure and rejects with it", async () => {
    let calls = 0;
    const tasks = Array.from({ length: 10 }, (_, i) => () => [String(i)]);
    const run = evaluate(tasks, (y) => y, {
      event: event(async ([t]) => {
        calls++;
        if (t === "1") throw new Error("boom");
        return 0;
      }),
      concurrency: 1,
      ctx: context(),
    });
    await expect(run).rejects.toThrow("boom");
    expect(calls).toBe(2);
  });

  it("refuses a batch function that returns the wrong shape", async () => {
    const tasks = [() => ["a"], () => ["b"]];
    const run = evaluate(tasks, (y) => y, { event: event(async () => [[1]], true, 4), concurrency: 1, ctx: context() });
    await expect(run).rejects.toThrow(/one per output, each with 2 item/);
  });
});
