// Streamed updates on a shared queue go only to the process that shows them: the one holding the
// call's session stream (once it announced it), or the process that pushed a call without a stream.
// Every process still hears every call's start and end (its own bookkeeping, cancel from anywhere).
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisScheduler, routeBatches } from "../../src/queue/redis.js";
import type { JobData, JobEvent, JobOutcome, JobRunner } from "../../src/queue/scheduler.js";
import { startRedis, type TestRedis } from "../redis-server.js";
import { job } from "./conformance.js";

describe("routeBatches", () => {
  const ev = (jobId: string, type: "started" | "generating" = "generating") => ({ jobId, type });
  it("sends one batch per channel when each call's events go to one channel", () => {
    const to: Record<string, string> = { a: "p1", b: "p2", c: "all" };
    const out = routeBatches([ev("a"), ev("b"), ev("a"), ev("c"), ev("b")], (e) => to[e.jobId]);
    expect(out.map(([ch, es]) => [ch, es.map((e) => e.jobId)])).toEqual([
      ["p1", ["a", "a"]],
      ["p2", ["b", "b"]],
      ["all", ["c"]],
    ]);
  });
  it("keeps a call's events in order when they change channel", () => {
    const out = routeBatches([ev("a", "started"), ev("b", "started"), ev("a"), ev("b"), ev("a")], (e) => (e.type === "started" ? "all" : `p-${e.jobId}`));
    expect(out.map(([ch, es]) => [ch, es.length])).toEqual([
      ["all", 2],
      ["p-a", 2],
      ["p-b", 1],
    ]);
    // Each call's events, read in publish order, come in the order they were made.
    const seen = out.flatMap(([, es]) => es.filter((e) => e.jobId === "a").map((e) => e.type));
    expect(seen).toEqual(["started", "generating", "generating"]);
  });
});

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => redis?.stop());

const settings = { defaultConcurrencyLimit: 10, maxSize: null, statusUpdateRate: "auto" as const };

/** A runner whose calls wait for their gate, then report `updates` streamed values and return. */
class Gated implements JobRunner {
  readonly gates = new Map<string, () => void>();
  constructor(
    private readonly updates: number,
    private readonly value: (i: number) => unknown = (i) => `v${i}`,
  ) {}
  policy() {
    return { concurrencyLimit: "default" as const, batch: false, maxBatchSize: 1 };
  }
  async run(jobs: readonly JobData[], io: { report(e: JobEvent): void }): Promise<JobOutcome[]> {
    const j = jobs[0];
    await new Promise<void>((open) => this.gates.set(j.id, open));
    for (let i = 1; i <= this.updates; i++) {
      io.report({ type: "progress", jobId: j.id, progress: [{ index: i, length: this.updates, unit: "steps", progress: null, desc: null }] });
      io.report({ type: "generating", jobId: j.id, data: [this.value(i)] });
      await new Promise((r) => setTimeout(r, 2));
    }
    return [{ ok: true, data: [`v${this.updates}`] }];
  }
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe("redis scheduler: streamed updates go where they are shown", () => {
  let all: RedisScheduler[] = [];
  afterEach(async () => {
    await Promise.all(all.map((s) => s.close()));
    all = [];
  });

  /** Web processes A and B and a worker W of one app; what each hears, by call. */
  async function three(updates: number, value?: (i: number) => unknown) {
    const prefix = `t:${randomUUID()}`;
    const runner = new Gated(updates, value);
    const make = (role: "web" | "worker") => new RedisScheduler(settings, { url: redis.url, prefix, events: [0], role, lockTimeout: 5 });
    const [a, b, w] = [make("web"), make("web"), make("worker")];
    all = [a, b, w];
    const heard = [a, b, w].map(() => new Map<string, JobEvent[]>());
    [a, b, w].forEach((s, k) => {
      s.subscribe((e) => void heard[k].set(e.jobId, [...(heard[k].get(e.jobId) ?? []), e]));
      s.start(runner);
    });
    await Promise.all([a.ready(), b.ready(), w.ready()]);
    const types = (k: number, id: string) => (heard[k].get(id) ?? []).map((e) => e.type);
    const count = (k: number, id: string, type: string) => types(k, id).filter((t) => t === type).length;
    return { a, b, w, runner, heard, types, count, prefix };
  }

  it("a streamed call whose stream opened on B: only B hears its updates, in order; everyone hears its start and end", async () => {
    const { a, b, w, runner, heard, types, count } = await three(30);
    const call = { ...job(0, ["go"]), sessionKey: "s-routed", streamed: true };
    await a.push(call);
    await until(() => runner.gates.has(call.id) && types(0, call.id).includes("started"), "the call to start");
    // B opens the session's stream; once the worker has heard it (B's mark, then W's), the updates begin.
    b.sessions.attached("s-routed");
    await b.sessions.sync();
    await w.sessions.sync();
    runner.gates.get(call.id)!();
    await until(() => [0, 1, 2].every((k) => types(k, call.id).includes("finished")), "every process to hear the end");

    expect(count(1, call.id, "generating")).toBe(30);
    expect(count(1, call.id, "progress")).toBe(30);
    expect(count(0, call.id, "generating")).toBe(0);
    expect(count(2, call.id, "generating")).toBe(0);
    expect(types(0, call.id).filter((t) => t !== "queued")).toEqual(["started", "finished"]);
    // B's are in the order made: start, then v1..v30 (each after its progress), then the end.
    const atB = heard[1].get(call.id)!.filter((e) => e.type !== "queued");
    expect(atB[0].type).toBe("started");
    expect(atB.at(-1)!.type).toBe("finished");
    expect(atB.filter((e) => e.type === "generating").map((e) => (e as { data: unknown[] }).data[0])).toEqual(Array.from({ length: 30 }, (_, i) => `v${i + 1}`));
    // A's bookkeeping of the call it pushed still ran: nothing waits, nothing is left to cancel.
    expect(a.waiting).toBe(0);
    expect(await a.cancel(call.id)).toBe(false);
  });

  it("a streamed call whose stream has not opened: every process hears its updates (any may get the stream)", async () => {
    const { a, runner, types, count } = await three(5);
    const call = { ...job(0, ["go"]), sessionKey: "s-unclaimed", streamed: true };
    await a.push(call);
    await until(() => runner.gates.has(call.id), "the call to start");
    runner.gates.get(call.id)!();
    await until(() => [0, 1, 2].every((k) => types(k, call.id).includes("finished")), "every process to hear the end");
    for (const k of [0, 1, 2]) expect(count(k, call.id, "generating")).toBe(5);
  });

  it("a call without a stream: only the process that pushed it hears its updates", async () => {
    const { a, runner, types, count } = await three(10);
    const call = { ...job(0, ["go"]), sessionKey: null };
    await a.push(call);
    await until(() => runner.gates.has(call.id), "the call to start");
    runner.gates.get(call.id)!();
    await until(() => [0, 1, 2].every((k) => types(k, call.id).includes("finished")), "every process to hear the end");
    expect(count(0, call.id, "generating")).toBe(10);
    expect(count(1, call.id, "generating")).toBe(0);
    expect(count(2, call.id, "generating")).toBe(0);
  });

  it("a call joined after the stream opened is routed once the holder announces the stream again", async () => {
    const { a, b, w, runner, types, count } = await three(8);
    const first = { ...job(0, ["1"]), sessionKey: "s-two", streamed: true };
    await a.push(first);
    b.sessions.attached("s-two");
    await b.sessions.sync();
    // A second call of the session, joined through A while B holds the stream: not routed to B until
    // announced (it could belong to a new stream elsewhere), then routed.
    const second = { ...job(0, ["2"]), sessionKey: "s-two", streamed: true };
    await a.push(second);
    b.sessions.attached("s-two");
    await b.sessions.sync();
    await w.sessions.sync();
    await until(() => runner.gates.has(first.id) && runner.gates.has(second.id), "both calls to start");
    runner.gates.get(first.id)!();
    runner.gates.get(second.id)!();
    await until(() => [first, second].every((c) => [0, 1, 2].every((k) => types(k, c.id).includes("finished"))), "the ends");
    for (const c of [first, second]) {
      expect(count(1, c.id, "generating")).toBe(8);
      expect(count(0, c.id, "generating")).toBe(0);
    }
  });

  it("text that grows at its end travels as what was appended, and is heard whole, value by value", async () => {
    // Tokens, then a value that is not an extension of the one before (sent whole), then tokens again.
    const text = (i: number) => (i === 40 ? "rewritten" : i > 40 ? `rewritten${" x".repeat(i - 40)}` : Array.from({ length: i }, (_, k) => `token${k}-abcdefghij `).join(""));
    const { a, b, w, runner, heard, types, prefix } = await three(80, text);
    // What goes over the processes' own channels, as sent.
    const spy = new Redis(redis.url);
    const raw: string[] = [];
    spy.on("pmessage", (_p, _c, m: string) => raw.push(m));
    await spy.psubscribe(`${prefix}:p:*`);
    try {
      const call = { ...job(0, ["go"]), sessionKey: "s-text", streamed: true };
      await a.push(call);
      await until(() => runner.gates.has(call.id), "the call to start");
      b.sessions.attached("s-text");
      await b.sessions.sync();
      await w.sessions.sync();
      runner.gates.get(call.id)!();
      await until(() => types(1, call.id).includes("finished"), "B to hear the end");
      const values = heard[1].get(call.id)!.filter((e) => e.type === "generating").map((e) => (e as { data: unknown[] }).data[0]);
      expect(values).toEqual(Array.from({ length: 80 }, (_, i) => text(i + 1)));
      const appended = raw.flatMap((m) => JSON.parse(m) as { type: string }[]).filter((e) => e.type === "appended").length;
      // All but the first, the rewrite and every 32nd.
      expect(appended).toBeGreaterThanOrEqual(75);
      // The text so far is not sent again and again: the values' bytes are a fraction of sending each whole.
      const sent = raw
        .flatMap((m) => JSON.parse(m) as { type: string }[])
        .filter((e) => e.type === "appended" || e.type === "generating")
        .reduce((n, e) => n + JSON.stringify(e).length, 0);
      const whole = values.reduce((n: number, v) => n + JSON.stringify({ type: "generating", jobId: call.id, data: [v] }).length, 0);
      expect(sent).toBeLessThan(whole / 2);
    } finally {
      spy.disconnect();
    }
  });
});
