import { describe, expect, it } from "vitest";
import type { EventDef } from "../../graph/graph.js";
import { GraphBuilder } from "../../graph/builder.js";
import { Runtime } from "../../runtime/runtime.js";
import type { CallContext } from "../../core/context.js";
import { Textbox } from "../../components/textbox.js";
import { evaluate } from "./run.js";

/** The prediction event of a one-event graph, and a runtime to call it through. */
function event(fn: EventDef["fn"], batch = false, maxBatchSize = 4): { event: EventDef; runtime: Runtime } {
  const builder = new GraphBuilder({ title: null, description: null, article: null, css: null, theme: "default", thumbnail: null });
  const [input, output] = [builder.add(new Textbox()), builder.add(new Textbox())];
  builder.addEvent({ apiName: "predict", inputs: [input], outputs: [output], targets: [], fn, batch, maxBatchSize, concurrencyLimit: 1 });
  const graph = builder.build();
  return { event: graph.events[0], runtime: new Runtime(graph) };
}

function context(signal = new AbortController().signal): CallContext {
  return { signal, request: { username: null, headers: {}, sessionHash: null, client: { host: null } }, progress: Object.assign(() => {}, { track: (x: any) => x }) };
}

describe("evaluate", () => {
  it("returns each task's first output in task order and reports progress", async () => {
    const progress: number[] = [];
    const tasks = ["a", "bbb", "cc", "dddd", "e"].map((t) => () => [t]);
    const out = await evaluate(tasks, (y) => y, {
      ...event(async ([t]) => (t as string).length),
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
      ...event(async () => {
        if (++calls === 3) controller.abort();
        return 1;
      }),
      concurrency: 1,
      ctx: context(controller.signal),
    });
    await expect(run).rejects.toThrowCode("TR_ERR_CANCELLED");
    expect(calls).toBe(3);
  });

  it("stops after the first failure and rejects with it", async () => {
    let calls = 0;
    const tasks = Array.from({ length: 10 }, (_, i) => () => [String(i)]);
    const run = evaluate(tasks, (y) => y, {
      ...event(async ([t]) => {
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
    const run = evaluate(tasks, (y) => y, { ...event(async () => [[1]], true, 4), concurrency: 1, ctx: context() });
    await expect(run).rejects.toThrowCode("TR_ERR_RETURN");
  });
});
