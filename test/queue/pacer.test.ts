// The rank-broadcast pacer both schedulers use: bursts of changes coalesce into one broadcast, a long
// queue is told less often, a fixed rate ticks while jobs wait and stops when none do, stop() ends it all.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AUTO_BROADCAST_MS, BroadcastPacer } from "../../src/queue/pacer.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function pacer(rate: number | "auto", waiting: { n: number }) {
  const told: number[] = [];
  const p = new BroadcastPacer(rate, () => waiting.n, () => told.push(Date.now()));
  return { p, told };
}

describe("BroadcastPacer", () => {
  it('"auto": a burst of 1000 changes makes one broadcast, AUTO_BROADCAST_MS after the first', () => {
    const waiting = { n: 10 };
    const { p, told } = pacer("auto", waiting);
    const t0 = Date.now();
    for (let i = 0; i < 1000; i++) p.schedule();
    vi.advanceTimersByTime(AUTO_BROADCAST_MS - 1);
    expect(told).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(told).toEqual([t0 + AUTO_BROADCAST_MS]);
    // The next change schedules the next broadcast.
    p.schedule();
    vi.advanceTimersByTime(AUTO_BROADCAST_MS);
    expect(told).toHaveLength(2);
  });

  it('"auto": a long queue is told less often (20 000 waiting: once a second)', () => {
    const { p, told } = pacer("auto", { n: 20_000 });
    p.schedule();
    vi.advanceTimersByTime(999);
    expect(told).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(told).toHaveLength(1);
  });

  it("schedules nothing while no job waits", () => {
    const { p, told } = pacer("auto", { n: 0 });
    p.schedule();
    vi.advanceTimersByTime(10_000);
    expect(told).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a rate in seconds ticks while jobs wait and stops by itself when none do", () => {
    const waiting = { n: 3 };
    const { p, told } = pacer(2, waiting);
    p.schedule();
    p.schedule();
    vi.advanceTimersByTime(6_000);
    expect(told).toHaveLength(3);
    waiting.n = 0;
    vi.advanceTimersByTime(2_000);
    expect(told).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
    waiting.n = 1;
    p.schedule();
    vi.advanceTimersByTime(2_000);
    expect(told).toHaveLength(4);
  });

  it("stop() cancels what is pending and ignores later changes", () => {
    const a = pacer("auto", { n: 5 });
    a.p.schedule();
    a.p.stop();
    a.p.schedule();
    const b = pacer(1, { n: 5 });
    b.p.schedule();
    b.p.stop();
    b.p.schedule();
    vi.advanceTimersByTime(5_000);
    expect(a.told).toHaveLength(0);
    expect(b.told).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
