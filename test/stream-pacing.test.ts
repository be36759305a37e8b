import { describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import type { JobEvent } from "../src/queue/scheduler.js";
import { RuntimeJobRunner, updateInterval } from "../src/runtime/job-runner.js";
import { codeRequest } from "../src/runtime/progress.js";
import { Runtime } from "../src/runtime/runtime.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("streamed updates under load", () => {
  it("spaces each stream's updates by the number of streams: 50 ms up to 500, then wider, never under 4 a second", () => {
    expect(updateInterval(1)).toBe(50);
    expect(updateInterval(500)).toBe(50);
    expect(updateInterval(1000)).toBe(100);
    expect(updateInterval(2000)).toBe(200);
    expect(updateInterval(1_000_000)).toBe(250);
  });

  it("with 1500 calls generating at once, no stream gets two updates less than ~150 ms apart", async () => {
    // Every generator yields every few ms until told to stop; slowness only widens the spacing measured.
    let stop = false;
    const iface = new tr.Interface({
      fn: async function* (s: string) {
        let n = 0;
        while (!stop) {
          await sleep(5);
          yield `${s} ${n++}`;
        }
      },
      inputs: "text",
      outputs: "text",
    });
    const runner = new RuntimeJobRunner(new Runtime(iface.graph));
    const calls = 1500;
    const times = new Map<string, number[]>();
    let started = 0;
    let allGenerating = 0;
    const report = (e: JobEvent) => {
      if (e.type !== "generating") return;
      const ts = times.get(e.jobId)!;
      if (ts.length === 0 && ++started === calls) allGenerating = performance.now();
      ts.push(performance.now());
    };
    const signal = new AbortController().signal;
    const runs = Array.from({ length: calls }, async (_, i) => {
      const id = `job${i}`;
      times.set(id, []);
      const [outcome] = await runner.run([{ id, eventId: 0, sessionKey: null, data: [id], request: codeRequest(), root: "" }], { signal, report });
      expect(outcome.ok).toBe(true);
    });
    while (allGenerating === 0) await sleep(20);
    await sleep(1200);
    const stopped = performance.now();
    stop = true;
    await Promise.all(runs);
    const window = stopped - allGenerating;
    const gaps: number[] = [];
    let most = 0;
    for (const ts of times.values()) {
      const during = ts.filter((t) => t >= allGenerating && t < stopped);
      most = Math.max(most, during.length);
      for (let k = 1; k < during.length; k++) gaps.push(during[k] - during[k - 1]);
    }
    gaps.sort((a, b) => a - b);
    expect(gaps.length).toBeGreaterThan(calls); // streams got several updates while all were running
    // 1500 streams: one update every 150 ms each (every 50 ms when alone). Seen where they are reported,
    // which lags each send by a varying amount, so the counts and the typical gap are checked, not the least.
    expect(most).toBeLessThanOrEqual(Math.floor(window / 150) + 2);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThanOrEqual(140);
  }, 60_000);
});
