// A worker process given SIGTERM drains: it takes no new call, the call it runs finishes there (or, past
// its grace period, goes back to the queue and runs on another worker), and it exits 0. Nothing is lost,
// and nothing is failed as a lost worker (workerLost "fail" would fail a call whose worker died).
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@gradio/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../redis-server.js";
import { runApp, stopAll } from "./processes.js";

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

const role = (r: string) => ["--redis", redis.url, "--role", r];

function marksOf(label: string): { pid: number; what: string }[] {
  return readdirSync(marks)
    .filter((f) => f.startsWith(`${label}.`))
    .map((f) => {
      const [, pid, what] = f.split(".");
      return { pid: Number(pid), what };
    });
}

async function until<T>(get: () => T | undefined | false, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A web process and two workers of one app (its own prefix), with `more` env. */
async function cluster(prefix: string, more: Record<string, string> = {}) {
  const env = { TRADIO_TEST_MARKS: marks, TEST_PREFIX: `test:${prefix}`, ...more };
  const [web, ...workers] = await Promise.all([runApp(APP, role("web"), env), runApp(APP, role("worker"), env), runApp(APP, role("worker"), env)]);
  return { web, workers };
}

it("finishes the call it runs, takes no new one meanwhile, and exits 0", { timeout: 240_000 }, async () => {
  const { web, workers } = await cluster("drain-finish", { TRADIO_DRAIN_TIMEOUT: "60" });
  const client = await Client.connect(web.url);
  const first = client.predict("/predict", ["sleep:2500:d1"]);
  const started = await until(() => marksOf("d1").find((m) => m.what === "started"), "d1 to start");
  const leaving = workers.find((w) => w.pid === started.pid)!;
  const staying = workers.find((w) => w.pid !== started.pid)!;
  leaving.child.kill("SIGTERM");
  await until(() => /SIGTERM: finishing the running calls/.test(leaving.output()), "the drain to begin");
  // Joined while the worker drains: the other worker runs it.
  const second = await client.predict("/predict", ["echo:d2"]);
  expect(second.data).toEqual([`d2@${staying.pid}`]);
  expect((await first).data).toEqual([`d1@${leaving.pid}`]);
  expect(await leaving.exited).toBe(0);
  expect(marksOf("d1")).toEqual(expect.arrayContaining([{ pid: leaving.pid, what: "started" }, { pid: leaving.pid, what: "ended" }]));
  expect(marksOf("d1").filter((m) => m.what === "started")).toHaveLength(1);
  expect(marksOf("d1").some((m) => m.what === "aborted")).toBe(false);
});

it("past the grace period hands the call back: its signal fires there and it runs again on another worker (not failed as lost)", { timeout: 240_000 }, async () => {
  const { web, workers } = await cluster("drain-grace", { TRADIO_DRAIN_TIMEOUT: "0.5", TEST_WORKER_LOST: "fail" });
  const client = await Client.connect(web.url);
  const answer = client.predict("/predict", ["sleep:3000:g1"]);
  const started = await until(() => marksOf("g1").find((m) => m.what === "started"), "g1 to start");
  const leaving = workers.find((w) => w.pid === started.pid)!;
  const staying = workers.find((w) => w.pid !== started.pid)!;
  leaving.child.kill("SIGTERM");
  expect(await leaving.exited).toBe(0);
  expect((await answer).data).toEqual([`g1@${staying.pid}`]);
  const seen = marksOf("g1");
  expect(seen).toEqual(expect.arrayContaining([{ pid: leaving.pid, what: "aborted" }, { pid: staying.pid, what: "started" }, { pid: staying.pid, what: "ended" }]));
  // Stopped there at the grace period (0.5 s), not run to its end (3 s), and run once more, not twice.
  expect(seen).not.toContainEqual({ pid: leaving.pid, what: "ended" });
  expect(seen.filter((m) => m.what === "started")).toHaveLength(2);
});
