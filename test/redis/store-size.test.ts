// maxStoreSize with several processes sharing the files folder: the bytes the store holds are counted in
// Redis, so one process sees what the others wrote (within a second) and the bound holds for all of them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { RedisTotal } from "../../src/server/redis-total.js";
import { start } from "../helpers.js";
import { startRedis, type TestRedis } from "../redis-server.js";

let redis: TestRedis;
let filesDir: string;
beforeAll(async () => {
  redis = await startRedis();
  filesDir = mkdtempSync(path.join(tmpdir(), "tradio-store-size-"));
});
afterAll(async () => {
  await redis?.stop();
  rmSync(filesDir, { recursive: true, force: true });
});

it("refuses an upload on one process once uploads on another filled the shared store (maxStoreSize)", { timeout: 60_000 }, async () => {
  const app = () => new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text" });
  const opts = { redis: { url: redis.url, prefix: "t:store" }, filesDir, maxStoreSize: 10_000 };
  const [a, b] = await Promise.all([start(app(), opts), start(app(), opts)]);
  const upload = async (to: { base: string }, fill: string) => {
    const form = new FormData();
    form.append("files", new Blob([fill.repeat(6_000)]), `${fill}.txt`);
    const r = await fetch(`${to.base}/gradio_api/upload`, { method: "POST", body: form });
    return { status: r.status, json: await r.json() };
  };
  try {
    expect((await upload(a, "a")).status).toBe(200);
    // 6 000 of the 10 000 bytes are taken, on a: within a second b knows, and refuses 6 000 more.
    await new Promise((r) => setTimeout(r, 1_500));
    const refused = await upload(b, "b");
    expect([refused.status, refused.json.code]).toEqual([507, "TR_ERR_STORE_FULL"]);
    const client = new Redis(redis.url);
    try {
      expect(Number(await client.get("t:store:total:store-bytes"))).toBe(6_000);
    } finally {
      client.disconnect();
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

it("counts every process's additions once, sees the others' within its refresh, and takes a measured total", { timeout: 30_000 }, async () => {
  const one = new Redis(redis.url);
  const two = new Redis(redis.url);
  const a = new RedisTotal(one, "t:total:x", 100);
  const b = new RedisTotal(two, "t:total:x", 100);
  try {
    a.add(500);
    expect(a.value).toBe(500); // counted here at once
    b.add(250);
    b.add(250);
    expect(b.value).toBeGreaterThanOrEqual(500);
    await expect.poll(() => [a.value, b.value]).toEqual([1000, 1000]);
    a.set(42); // a folder measured afresh
    await expect.poll(() => [a.value, b.value]).toEqual([42, 42]);
    expect(await one.get("t:total:x")).toBe("42");
  } finally {
    a.close();
    b.close();
    one.disconnect();
    two.disconnect();
  }
});

it("measures the shared folder when a process launches, deleteCache or not: files written before Redis held a count are counted", { timeout: 60_000 }, async () => {
  const folder = mkdtempSync(path.join(tmpdir(), "tradio-store-measured-"));
  const app = () => new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text" });
  const opts = { redis: { url: redis.url, prefix: "t:measured" }, filesDir: folder, maxStoreSize: 10_000, deleteCache: null };
  const client = new Redis(redis.url);
  try {
    const a = await start(app(), opts);
    const form = new FormData();
    form.append("files", new Blob(["a".repeat(6_000)]), "a.txt");
    expect((await fetch(`${a.base}/gradio_api/upload`, { method: "POST", body: form })).status).toBe(200);
    await a.close();
    // Redis forgets its count (a new Redis, say); the files are still in the folder.
    await client.del("t:measured:total:store-bytes");
    const b = await start(app(), opts);
    try {
      expect(Number(await client.get("t:measured:total:store-bytes"))).toBe(6_000);
      const more = new FormData();
      more.append("files", new Blob(["b".repeat(6_000)]), "b.txt");
      const refused = await fetch(`${b.base}/gradio_api/upload`, { method: "POST", body: more });
      expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([507, "TR_ERR_STORE_FULL"]);
    } finally {
      await b.close();
    }
  } finally {
    client.disconnect();
    rmSync(folder, { recursive: true, force: true });
  }
});
