import { describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { connect, post, start, gate } from "./helpers.js";

describe("the queue", () => {
  it("runs one job at a time by default and reports positions", async () => {
    const g = gate();
    let running = 0;
    let maxRunning = 0;
    const fn = async (s: string) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await g.opened;
      running--;
      return s;
    };
    const app = await start(new tr.Interface({ fn, inputs: "text", outputs: "text" }));
    try {
      const client = await connect(app.base, { events: ["data", "status"] });
      const positions: number[] = [];
      const jobs = ["a", "b", "c"].map((s) => client.submit("/predict", [s]));
      const results = jobs.map(async (job, i) => {
        let data: unknown;
        for await (const m of job) {
          if (m.type === "status" && i === 2 && typeof m.position === "number") positions.push(m.position);
          if (m.type === "data") data = m.data;
        }
        return data;
      });
      // Wait until the third job has been told it is waiting behind the others, then let them run.
      await expect.poll(() => positions.length).toBeGreaterThan(0);
      g.open();
      expect(await Promise.all(results)).toEqual([["a"], ["b"], ["c"]]);
      expect(maxRunning).toBe(1);
      expect(positions[0]).toBeGreaterThanOrEqual(1);
    } finally {
      await app.close();
    }
  });

  it("respects a per-interface concurrency limit", async () => {
    const g = gate();
    let running = 0;
    let maxRunning = 0;
    const fn = async (s: string) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await g.opened;
      running--;
      return s;
    };
    const app = await start(new tr.Interface({ fn, inputs: "text", outputs: "text", concurrencyLimit: 3 }));
    try {
      const client = await connect(app.base);
      const all = Promise.all(["a", "b", "c", "d", "e"].map((s) => client.predict("/predict", [s])));
      await expect.poll(() => running).toBe(3);
      g.open();
      await all;
      expect(maxRunning).toBe(3);
    } finally {
      await app.close();
    }
  });

  it("cancels a waiting job, and a running one through its AbortSignal", async () => {
    const g = gate();
    let aborted = false;
    const fn = async (s: string, ctx: tr.CallContext) => {
      if (s === "slow") {
        await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => ((aborted = true), resolve())));
        return "aborted";
      }
      await g.opened;
      return s;
    };
    const app = await start(new tr.Interface({ fn, inputs: "text", outputs: "text", concurrencyLimit: 1 }));
    try {
      const client = await connect(app.base, { events: ["data", "status"] });
      const running = client.submit("/predict", ["slow"]);
      const stages: string[] = [];
      const watch = (async () => {
        for await (const m of running) if (m.type === "status") stages.push(m.stage);
      })();
      await expect.poll(() => stages.includes("pending")).toBe(true);
      const waiting = client.submit("/predict", ["never"]);
      await running.cancel();
      await expect.poll(() => aborted).toBe(true);
      await waiting.cancel();
      g.open();
      await watch;
      // The server still answers normally afterwards.
      expect((await (await connect(app.base)).predict("/predict", ["after"])).data).toEqual(["after"]);
    } finally {
      await app.close();
    }
  });

  it("reports progress from the function", async () => {
    const fn = async (n: number | null, ctx: tr.CallContext) => {
      let total = 0;
      for await (const i of ctx.progress.track([1, 2, 3], { desc: "counting" })) total += i * n!;
      ctx.progress(1, "done");
      return total;
    };
    const app = await start(new tr.Interface({ fn, inputs: "number", outputs: "number" }));
    try {
      const client = await connect(app.base, { events: ["data", "status"] });
      const progress: unknown[] = [];
      let data: unknown;
      for await (const m of client.submit("/predict", [2])) {
        if (m.type === "status" && m.progress_data) progress.push(m.progress_data[0]);
        if (m.type === "data") data = m.data;
      }
      expect(data).toEqual([12]);
      expect(progress).toContainEqual(expect.objectContaining({ index: 3, length: 3, desc: "counting" }));
      expect(progress).toContainEqual(expect.objectContaining({ progress: 1, desc: "done" }));
    } finally {
      await app.close();
    }
  });

  it("streams a generator's values and ends with the last one", async () => {
    async function* count(n: number | null) {
      for (let i = 1; i <= n!; i++) yield `${i}`;
    }
    const app = await start(new tr.Interface({ fn: count, inputs: "number", outputs: "text" }));
    try {
      const client = await connect(app.base);
      const seen: unknown[] = [];
      for await (const m of client.submit("/predict", [3])) if (m.type === "data") seen.push(m.data);
      expect(seen.at(-1)).toEqual(["3"]);
      expect(seen.length).toBeGreaterThanOrEqual(2);
    } finally {
      await app.close();
    }
  });

  it("answers 503 when the queue is full", async () => {
    const g = gate();
    const app = await start(
      new tr.Interface({ fn: async (s: string) => (await g.opened, s), inputs: "text", outputs: "text" }).queue({ maxSize: 1 }),
    );
    try {
      const join = (hash: string) => post(app.base, "/gradio_api/queue/join", { data: ["x"], fn_index: 0, session_hash: hash });
      expect((await join("s1")).status).toBe(200); // running
      expect((await join("s2")).status).toBe(200); // waiting: the queue is now full
      const full = await join("s3");
      expect(full.status).toBe(503);
      expect(full.json.code).toBe("TR_ERR_QUEUE_FULL");
      g.open();
    } finally {
      await app.close();
    }
  });

  it("groups waiting jobs of a batch function up to maxBatchSize", async () => {
    const g = gate();
    const sizes: number[] = [];
    const fn = async (xs: (number | null)[]) => {
      sizes.push(xs.length);
      if (sizes.length === 1) await g.opened;
      return [xs.map((x) => x! * 10)];
    };
    const app = await start(new tr.Interface({ fn, inputs: "number", outputs: "number", batch: true, maxBatchSize: 3 }));
    try {
      const client = await connect(app.base, { events: ["data", "status"] });
      const first = client.predict("/predict", [0]);
      await expect.poll(() => sizes.length).toBe(1);
      // Five more jobs wait behind the first; each is told its place in the queue.
      const queued = new Set<number>();
      const rest = [1, 2, 3, 4, 5].map(async (x) => {
        let data: unknown;
        for await (const m of client.submit("/predict", [x])) {
          if (m.type === "status" && m.stage === "pending" && typeof m.position === "number") queued.add(x);
          if (m.type === "data") data = m.data;
        }
        return { data };
      });
      await expect.poll(() => queued.size).toBe(5);
      g.open();
      const results = await Promise.all([first, ...rest]);
      expect(results.map((r) => r.data)).toEqual([[0], [10], [20], [30], [40], [50]]);
      expect(sizes[0]).toBe(1);
      expect(sizes.slice(1).every((n) => n <= 3)).toBe(true);
      expect(sizes.slice(1).reduce((a, b) => a + b, 0)).toBe(5);
      expect(sizes.length).toBeLessThan(6);
    } finally {
      await app.close();
    }
  });

  it("streams a chat history growing token by token through the real client's diffs", async () => {
    const words = "the quick brown fox jumps over the lazy dog".split(" ");
    async function* reply(message: string, history: [string, string][] = []) {
      const pairs: [string, string][] = [...history, [message, ""]];
      for (const w of words) {
        pairs[pairs.length - 1] = [message, `${pairs[pairs.length - 1][1]}${w} `];
        yield [structuredClone(pairs), pairs];
      }
    }
    const app = await start(new tr.Interface({ fn: reply, inputs: ["text", "state"], outputs: ["chatbot", "state"] }));
    try {
      const client = await connect(app.base);
      const expected = words.map((_, i) => words.slice(0, i + 1).join(" ") + " ");
      for (const message of ["first", "second"]) {
        const seen: string[] = [];
        let last: unknown;
        for await (const m of client.submit("/predict", [message])) {
          if (m.type !== "data") continue;
          const history = (m.data as [[string, string][]])[0];
          seen.push(history[history.length - 1][1]);
          last = history;
        }
        // Every update the client rebuilt is a value the generator really yielded, in order.
        const positions = seen.map((v) => expected.indexOf(v));
        expect(positions.every((p) => p >= 0)).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        expect(seen.at(-1)).toBe(expected.at(-1));
        expect((last as unknown[]).length).toBe(message === "first" ? 1 : 2);
      }
    } finally {
      await app.close();
    }
  });

  it("sends a failure only to its caller; others finish normally", async () => {
    const fn = async (s: string) => {
      if (s === "boom") throw new tr.Error("only you see this");
      return s.toUpperCase();
    };
    const app = await start(new tr.Interface({ fn, inputs: "text", outputs: "text", concurrencyLimit: 4 }));
    try {
      const a = await connect(app.base);
      const b = await connect(app.base);
      const [bad, good] = await Promise.allSettled([a.predict("/predict", ["boom"]), b.predict("/predict", ["fine"])]);
      expect(bad).toMatchObject({ status: "rejected", reason: { message: "only you see this" } });
      expect(good).toMatchObject({ status: "fulfilled", value: { data: ["FINE"] } });
    } finally {
      await app.close();
    }
  });

  it("aborts a running job when its client goes away", async () => {
    let aborted = false;
    let started = false;
    const fn = async (s: string, ctx: tr.CallContext) => {
      if (s !== "x") return s;
      started = true;
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => ((aborted = true), resolve())));
      return "never seen";
    };
    const app = await start(new tr.Interface({ fn, inputs: "text", outputs: "text" }));
    try {
      const join = await post(app.base, "/gradio_api/queue/join", { data: ["x"], fn_index: 0, session_hash: "vanishing" });
      expect(join.status).toBe(200);
      const controller = new AbortController();
      const stream = await fetch(app.base + "/gradio_api/queue/data?session_hash=vanishing", { signal: controller.signal });
      expect(stream.status).toBe(200);
      await expect.poll(() => started).toBe(true);
      controller.abort();
      await expect.poll(() => aborted).toBe(true);
      expect((await (await connect(app.base)).predict("/predict", ["next"])).data).toBeDefined();
    } finally {
      await app.close();
    }
  });

  it("runs every call at once with concurrencyLimit: null", async () => {
    const g = gate();
    let running = 0;
    const fn = async (s: string) => {
      running++;
      await g.opened;
      return s;
    };
    const app = await start(new tr.Interface({ fn, inputs: "text", outputs: "text", concurrencyLimit: null }));
    try {
      const client = await connect(app.base);
      const all = Promise.all(Array.from({ length: 12 }, (_, i) => client.predict("/predict", [`${i}`])));
      await expect.poll(() => running).toBe(12);
      g.open();
      expect((await all).length).toBe(12);
    } finally {
      await app.close();
    }
  });

  it("runs the queue demos: a long job with progress and a streaming chat", async () => {
    const longJob = (await import("../demo/long_job/app.js")).default;
    const streaming = (await import("../demo/streaming/app.js")).default;
    const a = await start(longJob);
    const b = await start(streaming);
    try {
      const client = await connect(a.base, { events: ["data", "status"] });
      const progress: number[] = [];
      let report: any;
      for await (const m of client.submit("/predict", [2])) {
        if (m.type === "status" && m.progress_data?.[0]?.index != null) progress.push(m.progress_data[0].index);
        if (m.type === "data") report = (m.data as unknown[])[0];
      }
      expect(report).toMatchObject({ epochs: 2, losses: [0.7, 0.49] });
      expect(progress).toContain(2);
      const chat = await connect(b.base);
      const updates: unknown[] = [];
      for await (const m of chat.submit("/predict", ["hello"])) if (m.type === "data") updates.push(m.data);
      const final = (updates.at(-1) as [[string, string][]])[0];
      expect(final[0][1]).toMatch(/^You asked: "hello"\. .* would send it\. $/);
      expect(updates.length).toBeGreaterThan(2);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

