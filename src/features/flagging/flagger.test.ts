import { afterEach, describe, expect, it, vi } from "vitest";
import { Textbox } from "../../components/textbox.js";
import { LocalTotal, WindowCounter, type Counter } from "../../core/counter.js";
import type { FileStore } from "../../core/files.js";
import { Flagger } from "./flagger.js";

afterEach(() => vi.useRealTimers());

describe("Flagger: flags per client address", () => {
  const make = (perMinute: number | null) => {
    const rows: unknown[][] = [];
    const flagger = new Flagger({
      mode: "manual",
      options: [],
      dir: "unused",
      callback: { setup: () => {}, flag: (values) => rows.push(values) },
      components: [new Textbox({ label: "t" })],
      maxBytes: null,
      perMinute,
    });
    // The app's counters, as a Runtime keeps them: one per limit, made on first use.
    const counters = new Map<string, Counter>();
    const runtime = { counter: (name: string, limit: number) => counters.get(name) ?? counters.set(name, new WindowCounter(limit)).get(name)!, total: () => new LocalTotal() };
    const from = (host: string | null) => (text: string) => flagger.fromClient([text, ""], { username: null, client: { host } }, {} as FileStore, runtime);
    return { rows, from };
  };

  it("allows perMinute flags in a minute, then refuses with 429 and the seconds left; the next minute starts afresh", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(0);
    const { rows, from } = make(2);
    const a = from("203.0.113.1");
    await a("one");
    await a("two");
    await expect(a("three")).rejects.toMatchObject({ code: "TR_ERR_RATE_LIMITED", statusCode: 429, retryAfter: 60 });
    vi.setSystemTime(45_000);
    await expect(a("four")).rejects.toMatchObject({ retryAfter: 15, message: expect.stringMatching(/at most 2 a minute, flagsPerMinute\); try again in 15 s/) });
    // Another address has its own count; calls from code (no address) are not limited.
    await from("198.51.100.2")("other");
    await from(null)("code");
    vi.setSystemTime(60_000);
    await a("five");
    expect(rows.map((r) => r[0])).toEqual(["one", "two", "other", "code", "five"]);
  });

  it("null: no limit", async () => {
    const { rows, from } = make(null);
    for (let i = 0; i < 200; i++) await from("203.0.113.1")(`t${i}`);
    expect(rows).toHaveLength(200);
  });
});
