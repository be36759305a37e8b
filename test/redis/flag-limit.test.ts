// flagsPerMinute and maxFlaggedBytes with several processes: two launches of one app on one Redis count an
// address's flags, and the flagging folder's bytes, together, so running more processes does not multiply
// what one client may write to the log, nor what the folder may hold.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { start } from "../helpers.js";
import { runApp, stopAll } from "./processes.js";
import { startRedis, type TestRedis } from "../redis-server.js";

let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(path.join(tmpdir(), "tradio-flag-limit-"));
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const app = () => new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", flaggingDir: dir, flagsPerMinute: 3 });

it("counts one address's flags across processes sharing a Redis: the limit holds for the app as a whole", { timeout: 60_000 }, async () => {
  const opts = { trustProxy: true, redis: { url: redis.url, prefix: "t:flag-limit" } };
  const [a, b] = await Promise.all([start(app(), opts), start(app(), opts)]);
  const flag = async (to: { base: string }, text: string, from = "203.0.113.7") => {
    const r = await fetch(`${to.base}/gradio_api/run/flag`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": from },
      body: JSON.stringify({ data: [text, text, ""] }),
    });
    return { status: r.status, headers: r.headers, json: await r.json() };
  };
  try {
    // Three flags allowed a minute, sent to either process.
    expect([(await flag(a, "one")).status, (await flag(b, "two")).status, (await flag(a, "three")).status]).toEqual([200, 200, 200]);
    for (const to of [b, a]) {
      const refused = await flag(to, "four");
      expect(refused.status).toBe(429);
      expect(refused.json).toMatchObject({ code: "TR_ERR_RATE_LIMITED" });
      const wait = Number(refused.headers.get("retry-after"));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60);
    }
    // The count lives in Redis (whichever process's worker ran a flag counted it there), and expires with its minute.
    const client = new Redis(redis.url);
    try {
      expect(await client.get("t:flag-limit:limit:flags:203.0.113.7")).toBe("5");
      expect(await client.pttl("t:flag-limit:limit:flags:203.0.113.7")).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
    // Many at once from a new address, spread over both processes' workers: still exactly three pass.
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => flag(i % 2 ? a : b, `burst ${i}`, "192.0.2.55")));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(3);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(9);
    // Another address has its own allowance, on either process.
    expect((await flag(b, "other", "198.51.100.9")).status).toBe(200);
    const log = readFileSync(path.join(dir, "log.csv"), "utf8");
    for (const text of ["one", "two", "three", "other"]) expect(log).toContain(text);
    expect(log).not.toContain("four");
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

it("bounds the shared flagging folder for the app as a whole (maxFlaggedBytes): a process sees the others' rows", { timeout: 120_000 }, async () => {
  // Two processes (in one, launches share the folder's count anyway).
  const folder = mkdtempSync(path.join(tmpdir(), "tradio-flag-bytes-"));
  const args = ["--redis", redis.url];
  const [a, b] = await Promise.all([runApp("test/fixtures/flag-bytes-app.ts", args, { TRADIO_TEST_FLAG_DIR: folder }), runApp("test/fixtures/flag-bytes-app.ts", args, { TRADIO_TEST_FLAG_DIR: folder })]);
  const flag = async (to: { url: string }, text: string) => {
    const r = await fetch(`${to.url}/gradio_api/run/flag`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: [text, text, ""] }) });
    return { status: r.status, json: await r.json() };
  };
  try {
    // A flag of 2 x 1000 characters may add up to about 4.7 KB (every character quoted): it fits in an empty folder.
    expect((await flag(a, "a".repeat(1_000))).status).toBe(200);
    const written = statSync(path.join(folder, "log.csv")).size;
    expect(written).toBeGreaterThan(2_000);
    // b learns of a's row (within a second): the same flag would now pass the bound, so b refuses it whole.
    await new Promise((r) => setTimeout(r, 1_500));
    const refused = await flag(b, "b".repeat(1_000));
    expect([refused.status, refused.json.code]).toEqual([507, "TR_ERR_STORE_FULL"]);
    expect(refused.json.error).toContain("maxFlaggedBytes");
    expect(statSync(path.join(folder, "log.csv")).size).toBe(written);
    // A small one still fits, on either.
    expect((await flag(b, "small")).status).toBe(200);
  } finally {
    await stopAll();
    rmSync(folder, { recursive: true, force: true });
  }
});
