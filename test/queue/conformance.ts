// What every Scheduler must do, whatever holds its queue (this process's memory, Redis): the same
// tests run against each one. A scheduler gets jobs as plain data and reports typed lifecycle events.
import { describe, expect, it } from "vitest";
import type { ShownFailure } from "../../src/core/errors.js";
import type { EventPolicy, JobData, JobEvent, JobOutcome, JobRunner, QueueSettings, Scheduler } from "../../src/queue/scheduler.js";

type Make = (settings: QueueSettings) => Scheduler | Promise<Scheduler>;

const settings = (s: Partial<QueueSettings> = {}): QueueSettings => ({ defaultConcurrencyLimit: 1, maxSize: null, statusUpdateRate: "auto", ...s });

let n = 0;
export function job(eventId = 0, data: unknown[] = ["x"]): JobData {
  return {
    id: `job${++n}-${Math.random().toString(16).slice(2)}`,
    eventId,
    sessionKey: "session-1",
    data,
    request: { username: "ada", headers: { "user-agent": "test" }, sessionHash: "abc", client: { host: "127.0.0.1" } },
    root: "http://127.0.0.1:7860",
  };
}

const failure: ShownFailure = { message: "boom", title: "Error", duration: null, code: "TR_ERR_FUNCTION", status: 500, visible: true };

/** A runner whose jobs end when the test says so; it records what it ran and how many ran at once. */
class ScriptedRunner implements JobRunner {
  readonly runs: { jobs: JobData[]; signal: AbortSignal; report: (e: JobEvent) => void; end: (o: JobOutcome[] | Error) => void }[] = [];
  running = 0;
  maxRunning = 0;
  constructor(private readonly policies: Record<number, EventPolicy> = {}) {}
  policy(eventId: number): EventPolicy | undefined {
    return this.policies[eventId] ?? { concurrencyLimit: "default", batch: false, maxBatchSize: 4 };
  }
  run(jobs: readonly JobData[], io: { signal: AbortSignal; report(e: JobEvent): void }): Promise<JobOutcome[]> {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise((resolve, reject) => {
      this.runs.push({
        jobs: [...jobs],
        signal: io.signal,
        report: io.report,
        end: (o) => {
          this.running--;
          if (o instanceof Error) reject(o);
          else resolve(o);
        },
      });
    });
  }
  /** Ends run i with success, echoing each job's data. */
  finish(i: number) {
    this.runs[i].end(this.runs[i].jobs.map((j) => ({ ok: true, data: j.data })));
  }
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

export function schedulerConformance(name: string, make: Make, after?: () => Promise<void>) {
  describe(`scheduler conformance: ${name}`, () => {
    async function setup(s: Partial<QueueSettings> = {}, policies: Record<number, EventPolicy> = {}) {
      const scheduler = await make(settings(s));
      const runner = new ScriptedRunner(policies);
      const events: JobEvent[] = [];
      scheduler.subscribe((e) => events.push(e));
      scheduler.start(runner);
      const of = (id: string) => events.filter((e) => e.jobId === id).map((e) => e.type);
      return { scheduler, runner, events, of };
    }

    it("takes a job that is plain data (structuredClone and JSON keep it whole)", () => {
      const j = job();
      expect(structuredClone(j)).toEqual(j);
      expect(JSON.parse(JSON.stringify(j))).toEqual(j);
    });

    it("reports queued, started, progress, generating and finished, in that order, and runs the job as pushed", async () => {
      const { scheduler, runner, events, of } = await setup();
      const j = job(0, ["hello", 2]);
      await scheduler.push(j);
      await until(() => runner.runs.length === 1, "the run");
      expect(runner.runs[0].jobs).toEqual([j]);
      runner.runs[0].report({ type: "progress", jobId: j.id, progress: [{ index: 1, length: 2, unit: "steps", progress: null, desc: null }] });
      runner.runs[0].report({ type: "generating", jobId: j.id, data: ["hel"] });
      runner.finish(0);
      await until(() => of(j.id).includes("finished"), "finished");
      expect(of(j.id)).toEqual(["queued", "started", "progress", "generating", "finished"]);
      const queued = events.find((e) => e.jobId === j.id && e.type === "queued");
      expect(queued).toMatchObject({ rank: 0, queueSize: 1 });
      expect(events.find((e) => e.type === "finished")).toMatchObject({ data: ["hello", 2] });
      await scheduler.close();
    });

    it("keeps an event's concurrency limit, ranks the waiting jobs, and gives later ones an ETA", async () => {
      const { scheduler, runner, events } = await setup({ defaultConcurrencyLimit: 1 });
      const jobs = [job(), job(), job()];
      for (const j of jobs) await scheduler.push(j);
      await until(() => runner.runs.length === 1, "the first run");
      // The first job starts at once; the others wait at ranks 0 and 1.
      const rank = (id: string) => (events.find((e) => e.jobId === id && e.type === "queued") as { rank: number }).rank;
      expect(jobs.slice(1).map((j) => rank(j.id))).toEqual([0, 1]);
      for (let i = 0; i < 3; i++) {
        await until(() => runner.runs.length === i + 1, `run ${i}`);
        runner.finish(i);
      }
      await until(() => events.filter((e) => e.type === "finished").length === 3, "every job");
      expect(runner.maxRunning).toBe(1);
      // Once one job has finished, waiting jobs learn how long they will wait.
      const late = events.filter((e) => e.type === "started").at(-1) as { eta: number | null };
      expect(late.eta).not.toBeNull();
      await scheduler.close();
    });

    it("runs jobs of different events side by side, and without limit when the event has none", async () => {
      const { scheduler, runner } = await setup({ defaultConcurrencyLimit: 1 }, { 2: { concurrencyLimit: null, batch: false, maxBatchSize: 1 } });
      await scheduler.push(job(0));
      await scheduler.push(job(1));
      for (let i = 0; i < 5; i++) await scheduler.push(job(2));
      await until(() => runner.runs.length === 7, "seven runs at once");
      expect(runner.maxRunning).toBe(7);
      runner.runs.forEach((_, i) => runner.finish(i));
      await scheduler.close();
    });

    it("counts jobs of events that share a concurrency id against one pool, and keeps other pools apart", async () => {
      const shared = (concurrencyId: string): EventPolicy => ({ concurrencyLimit: 2, concurrencyId, batch: false, maxBatchSize: 1 });
      const { scheduler, runner, of } = await setup({ defaultConcurrencyLimit: 1 }, { 0: shared("predict"), 1: shared("predict"), 2: shared("other") });
      const [a, b, c, d] = [job(0), job(1), job(1), job(2)];
      for (const j of [a, b, c, d]) await scheduler.push(j);
      // a and b fill the shared pool of two; c (event 1) waits for it although its own event runs only b;
      // d runs at once in its own pool.
      await until(() => runner.runs.length === 3, "three runs");
      await new Promise((r) => setTimeout(r, 50));
      expect(runner.runs.map((r) => r.jobs[0].id)).toEqual([a.id, b.id, d.id]);
      expect(of(c.id)).toEqual(["queued"]);
      runner.finish(0);
      await until(() => runner.runs.length === 4, "c's run once a slot is free");
      expect(runner.runs[3].jobs[0].id).toBe(c.id);
      for (const i of [1, 2, 3]) runner.finish(i);
      await until(() => [a, b, c, d].every((j) => of(j.id).includes("finished")), "every job");
      await scheduler.close();
    });

    it("starts waiting jobs of a batch event together, up to maxBatchSize", async () => {
      const { scheduler, runner, events } = await setup({ defaultConcurrencyLimit: 1 }, { 0: { concurrencyLimit: 1, batch: true, maxBatchSize: 3 } });
      const jobs = [job(), job(), job(), job(), job()];
      for (const j of jobs) await scheduler.push(j);
      // The first job starts alone; the four that waited go in batches of at most three.
      const finished = () => events.filter((e) => e.type === "finished").length;
      for (let i = 0; finished() < 5; i++) {
        await until(() => runner.runs.length > i, `batch ${i}`);
        runner.finish(i);
        // Its end is reported (a scheduler in Redis reports it a moment later), or the next batch started.
        const ran = runner.runs.slice(0, i + 1).reduce((n, r) => n + r.jobs.length, 0);
        await until(() => finished() >= ran || runner.runs.length > i + 1, `batch ${i} to end`);
      }
      expect(runner.runs.map((r) => r.jobs.length).reduce((a, b) => a + b, 0)).toBe(5);
      expect(Math.max(...runner.runs.map((r) => r.jobs.length))).toBeLessThanOrEqual(3);
      expect(runner.runs[1].jobs.length).toBeGreaterThan(1);
      await scheduler.close();
    });

    it("cancels a waiting job (it never runs) and a running one (its signal fires)", async () => {
      const { scheduler, runner, of } = await setup({ defaultConcurrencyLimit: 1 });
      const [a, b] = [job(), job()];
      await scheduler.push(a);
      await scheduler.push(b);
      await until(() => runner.runs.length === 1, "the first run");
      expect(await scheduler.cancel(b.id)).toBe(true);
      expect(of(b.id)).toContain("cancelled");
      expect(await scheduler.cancel(a.id)).toBe(true);
      await until(() => runner.runs[0].signal.aborted, "the abort signal");
      runner.runs[0].end([{ ok: false, cancelled: true, error: { ...failure, code: "TR_ERR_CANCELLED" } }]);
      await until(() => of(a.id).includes("cancelled"), "a's end");
      expect(runner.runs.flatMap((r) => r.jobs.map((j) => j.id))).toEqual([a.id]);
      expect(of(a.id).filter((t) => t === "finished" || t === "failed")).toEqual([]);
      expect(await scheduler.cancel("no-such-job")).toBe(false);
      await scheduler.close();
    });

    it("a cancelled job whose function still returns a value ends cancelled; the value is dropped", async () => {
      const { scheduler, runner, of } = await setup({ defaultConcurrencyLimit: 1 });
      const a = job();
      await scheduler.push(a);
      await until(() => runner.runs.length === 1, "the run");
      expect(await scheduler.cancel(a.id)).toBe(true);
      await until(() => runner.runs[0].signal.aborted, "the abort signal");
      runner.runs[0].end([{ ok: true, data: ["late"] }]);
      await until(() => of(a.id).includes("cancelled"), "a's end");
      expect(of(a.id)).not.toContain("finished");
      await scheduler.close();
    });

    it("cancels a job only for its own session when a session is given", async () => {
      const { scheduler, runner, of } = await setup({ defaultConcurrencyLimit: 1 });
      const [a, b] = [job(), job()];
      await scheduler.push(a);
      await scheduler.push(b);
      await until(() => runner.runs.length === 1, "the first run");
      expect(await scheduler.cancel(b.id, "someone-else")).toBe(false);
      expect(await scheduler.cancel(a.id, "someone-else")).toBe(false);
      expect(runner.runs[0].signal.aborted).toBe(false);
      expect(of(b.id)).not.toContain("cancelled");
      expect(await scheduler.cancel(b.id, "session-1")).toBe(true);
      expect(await scheduler.cancel(a.id, "session-1")).toBe(true);
      await until(() => runner.runs[0].signal.aborted, "the abort signal");
      runner.runs[0].end([{ ok: false, cancelled: true, error: { ...failure, code: "TR_ERR_CANCELLED" } }]);
      await until(() => of(a.id).includes("cancelled") && of(b.id).includes("cancelled"), "both ends");
      await scheduler.close();
    });

    it("refuses jobs past maxSize with TR_ERR_QUEUE_FULL (HTTP 503)", async () => {
      const { scheduler, runner } = await setup({ defaultConcurrencyLimit: 1, maxSize: 2 });
      await scheduler.push(job());
      await until(() => runner.runs.length === 1, "the first run");
      await scheduler.push(job());
      await scheduler.push(job());
      await expect(scheduler.push(job())).rejects.toThrowCode("TR_ERR_QUEUE_FULL");
      await expect(scheduler.push(job())).rejects.toMatchObject({ statusCode: 503 });
      await scheduler.close();
    });

    it("reports a failed job with what its caller may see, and goes on after a runner that throws", async () => {
      const { scheduler, runner, events, of } = await setup({ defaultConcurrencyLimit: 1 });
      const [a, b, c] = [job(), job(), job()];
      for (const j of [a, b, c]) await scheduler.push(j);
      await until(() => runner.runs.length === 1, "a's run");
      runner.runs[0].end([{ ok: false, cancelled: false, error: failure }]);
      await until(() => runner.runs.length === 2, "b's run");
      runner.runs[1].end(new Error("the runner broke"));
      await until(() => runner.runs.length === 3, "c's run");
      runner.finish(2);
      await until(() => of(c.id).includes("finished"), "c's end");
      expect(events.find((e) => e.jobId === a.id && e.type === "failed")).toMatchObject({ error: failure });
      expect(events.find((e) => e.jobId === b.id && e.type === "failed")).toMatchObject({ error: { code: "TR_ERR_INTERNAL" } });
      await scheduler.close();
    });

    it("on close cancels waiting jobs, aborts running ones and takes no more", async () => {
      const { scheduler, runner, of } = await setup({ defaultConcurrencyLimit: 1 });
      const [a, b] = [job(), job()];
      await scheduler.push(a);
      await scheduler.push(b);
      await until(() => runner.runs.length === 1, "a's run");
      await scheduler.close();
      expect(of(b.id)).toContain("cancelled");
      expect(runner.runs[0].signal.aborted).toBe(true);
      await expect(scheduler.push(job())).rejects.toThrowCode("TR_ERR_QUEUE_FULL");
      runner.finish(0);
    });

    if (after) it("cleans up", after);
  });
}
