// One app served by several processes sharing one Redis: web processes that take calls, worker processes
// that run them, each a separate `tradio app.ts --redis URL --role R` process, talked to with @gradio/client.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@gradio/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startRedis, type TestRedis } from "../redis-server.js";
import { runApp, runToExit, stopAll, type AppProcess } from "./processes.js";

const APP = "test/fixtures/redis-app.ts";
let redis: TestRedis;
let marks: string;

beforeAll(async () => {
  redis = await startRedis();
  marks = mkdtempSync(path.join(tmpdir(), "tradio-marks-"));
});
afterAll(async () => {
  await stopAll();
  await redis?.stop();
  rmSync(marks, { recursive: true, force: true });
});

const env = (prefix: string, more: Record<string, string> = {}) => ({ TRADIO_TEST_MARKS: marks, TEST_PREFIX: `test:${prefix}`, ...more });
const role = (r: string) => ["--redis", redis.url, "--role", r];

/** Marks written by calls labelled `label`: which process started it, and whether its signal fired. */
function marksOf(label: string): { pid: number; what: string; at: number }[] {
  return readdirSync(marks)
    .filter((f) => f.startsWith(`${label}.`))
    .map((f) => {
      const [, pid, what] = f.split(".");
      return { pid: Number(pid), what, at: Number(readFileSync(path.join(marks, f), "utf8")) };
    });
}

async function until<T>(get: () => T | undefined | false, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Starting a process from source takes seconds, and far longer on a busy machine: bounds are generous.
const BOUND = { timeout: 240_000 };

describe("a queue shared by web and worker processes", BOUND, () => {
  let webA: AppProcess;
  let webC: AppProcess;
  let workers: AppProcess[];

  beforeAll(async () => {
    [webA, webC, ...workers] = await Promise.all([
      runApp(APP, role("web"), env("main")),
      runApp(APP, role("web"), env("main")),
      runApp(APP, role("worker"), env("main")),
      runApp(APP, role("worker"), env("main")),
    ]);
  }, 240_000);

  it("runs a call joined on a web process on a worker, and streams its updates and progress back", async () => {
    const client = await Client.connect(webA.url, { events: ["data", "status"] });
    const values: string[] = [];
    for await (const m of client.submit("/predict", ["stream:6"])) {
      if (m.type === "data") values.push((m.data as string[])[0]);
      if (m.type === "status" && (m.stage === "complete" || m.stage === "error")) break;
    }
    const pid = Number(values.at(-1)!.split("@")[1]);
    expect(values.at(-1)).toBe(`6@${pid}`);
    expect(values.length).toBeGreaterThan(2); // streamed, not only the last value
    expect(workers.map((w) => w.pid)).toContain(pid); // a worker ran it, not the web process

    const statuses: { progress_data?: unknown }[] = [];
    for await (const m of client.submit("/predict", ["sleep:300:p1"])) {
      if (m.type === "status") statuses.push(m as { progress_data?: unknown });
      if (m.type === "data") break;
    }
    expect(statuses.some((s) => Array.isArray(s.progress_data) && s.progress_data.length > 0)).toBe(true);
  });

  it("holds concurrencyLimit across every worker and tells waiting calls their place", async () => {
    const [a, c] = await Promise.all([Client.connect(webA.url, { events: ["data", "status"] }), Client.connect(webC.url, { events: ["data", "status"] })]);
    const positions: number[] = [];
    const call = async (client: Client, label: string) => {
      for await (const m of client.submit("/predict", [`sleep:400:${label}`])) {
        if (m.type === "status" && typeof m.position === "number") positions.push(m.position);
        if (m.type === "data") return (m.data as string[])[0];
      }
    };
    const labels = ["c1", "c2", "c3", "c4", "c5", "c6"];
    const answers = await Promise.all(labels.map((l, i) => call(i % 2 ? c : a, l)));
    expect(answers.map((x) => x!.split("@")[0])).toEqual(labels);
    // The app's concurrencyLimit is 2; two workers could run 4 between them, but never do.
    const spans = labels.map((l) => {
      const m = marksOf(l);
      return [m.find((x) => x.what === "started")!.at, m.find((x) => x.what === "ended")!.at];
    });
    const overlap = Math.max(...spans.map(([s]) => spans.filter(([s2, e2]) => s2 <= s && s < e2).length));
    expect(overlap).toBe(2);
    expect(Math.max(...positions)).toBeGreaterThanOrEqual(1);
  });

  it("cancels a call from another web process, firing its AbortSignal on the worker running it", async () => {
    const session = "cancel-session-1";
    const join = await fetch(`${webA.url}/gradio_api/queue/join`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: ["sleep:20000:k1"], fn_index: 0, session_hash: session }),
    });
    const { event_id } = (await join.json()) as { event_id: string };
    const stream = await fetch(`${webA.url}/gradio_api/queue/data?session_hash=${session}`);
    const text = stream.text();
    const started = await until(() => marksOf("k1").find((m) => m.what === "started"), "the call to start");
    // Another session may not cancel it; its own session may, from any process.
    await fetch(`${webC.url}/gradio_api/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event_id, session_hash: "someone-else" }) });
    await fetch(`${webC.url}/gradio_api/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event_id, session_hash: session }) });
    const aborted = await until(() => marksOf("k1").find((m) => m.what === "aborted"), "the abort on the worker", 10_000);
    expect(aborted.pid).toBe(started.pid);
    expect(aborted.at - started.at).toBeLessThan(15_000);
    // The stream on A ends with the call's end.
    expect(await text).toMatch(/process_completed/);
  });

  it("runs a call again on another worker when its worker is killed (kill -9), and its client gets the answer", async () => {
    const client = await Client.connect(webC.url);
    const answer = client.predict("/predict", ["sleep:1500:x1"]);
    const first = await until(() => marksOf("x1").find((m) => m.what === "started"), "the call to start");
    process.kill(first.pid, "SIGKILL");
    const { data } = await answer;
    const survivor = workers.find((w) => w.pid !== first.pid)!;
    expect(data).toEqual([`x1@${survivor.pid}`]);
    expect(marksOf("x1").filter((m) => m.what === "started").map((m) => m.pid)).toEqual(expect.arrayContaining([first.pid, survivor.pid]));
  });
});

describe("faults at start and while running", BOUND, () => {
  it("keeps waiting calls when Redis restarts, and the processes reconnect", async () => {
    const web = await runApp(APP, role("web"), env("restart"));
    const client = await Client.connect(web.url);
    // No worker yet: the calls wait in Redis.
    const answers = [client.predict("/predict", ["echo:r1"]), client.predict("/predict", ["echo:r2"])];
    await until(() => existsSync(marks), "marks");
    await new Promise((r) => setTimeout(r, 300));
    await redis.restart();
    const worker = await runApp(APP, role("worker"), env("restart"));
    expect((await Promise.all(answers)).map((a) => a.data)).toEqual([[`r1@${worker.pid}`], [`r2@${worker.pid}`]]);
    // The web process still takes calls after the restart.
    expect((await client.predict("/predict", ["echo:r3"])).data).toEqual([`r3@${worker.pid}`]);
  });

  it("fails a call with a clear message when its worker dies and workerLost is \"fail\"", async () => {
    const [web, w1, w2] = await Promise.all([
      runApp(APP, role("web"), env("fail", { TEST_WORKER_LOST: "fail" })),
      runApp(APP, role("worker"), env("fail", { TEST_WORKER_LOST: "fail" })),
      runApp(APP, role("worker"), env("fail", { TEST_WORKER_LOST: "fail" })),
    ]);
    const client = await Client.connect(web.url);
    const answer = client.predict("/predict", ["sleep:3000:f1"]).then(
      () => null,
      (err: unknown) => err,
    );
    const first = await until(() => marksOf("f1").find((m) => m.what === "started"), "the call to start");
    expect([w1.pid, w2.pid]).toContain(first.pid);
    process.kill(first.pid, "SIGKILL");
    const err = (await answer) as { message?: string } | null;
    expect(err?.message).toMatch(/worker running this call stopped/);
    expect(marksOf("f1").filter((m) => m.what === "started")).toHaveLength(1);
  });

  it("refuses to start a process when Redis does not answer, naming the URL", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const { code, output } = await runToExit(APP, ["--redis", url, "--role", "worker"], env("down"));
    expect(code).not.toBe(0);
    expect(output).toContain(`cannot connect to Redis at ${url}`);
  });

  it("does not start a worker whose app file cannot be loaded", async () => {
    const { code, output } = await runToExit("test/fixtures/broken-app.ts", role("worker"), env("broken"));
    expect(code).toBe(1);
    expect(output).toMatch(/cannot load .*broken-app\.ts \(the worker does not start\)/);
    expect(output).toContain("this app is broken");
  });
});
