// maxSize across processes: several web processes (here, schedulers on connections of their own, the
// way separate processes reach Redis) race hundreds of joins into one app's queue; exactly maxSize are
// admitted, the rest refused with TR_ERR_QUEUE_FULL, and the queue in Redis holds exactly maxSize.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RedisScheduler } from "../../src/queue/redis.js";
import type { JobData } from "../../src/queue/scheduler.js";
import { startRedis, type TestRedis } from "../redis-server.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => redis?.stop());

const job = (eventId: number): JobData => ({
  id: randomUUID(),
  eventId,
  sessionKey: null,
  data: ["x"],
  request: { username: null, headers: {}, sessionHash: null, client: { host: "127.0.0.1" } },
  root: "http://127.0.0.1:7860",
});

it("admits exactly maxSize of 600 joins raced by 6 web processes, over two events", { timeout: 60_000 }, async () => {
  const prefix = `t:${randomUUID()}`;
  const maxSize = 50;
  const webs = Array.from({ length: 6 }, () => new RedisScheduler({ defaultConcurrencyLimit: 1, maxSize, statusUpdateRate: "auto" }, { url: redis.url, prefix, events: [0, 1], role: "web" }));
  const client = new Redis(redis.url);
  try {
    for (const s of webs) s.start({ policy: () => undefined, run: async () => [] });
    await Promise.all(webs.map((s) => s.ready()));
    const tries = webs.flatMap((s, k) => Array.from({ length: 100 }, (_, i) => s.push(job((i + k) % 2))));
    const results = await Promise.allSettled(tries);
    const admitted = results.filter((r) => r.status === "fulfilled").length;
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason as { code?: string });
    expect(admitted).toBe(maxSize);
    expect(refused).toHaveLength(600 - maxSize);
    expect(new Set(refused.map((e) => e.code))).toEqual(new Set(["TR_ERR_QUEUE_FULL"]));
    const inRedis = (await client.llen(`${prefix}:e0:wait`)) + (await client.llen(`${prefix}:e1:wait`));
    expect(inRedis).toBe(maxSize);
    // Once one leaves, exactly one more gets in.
    const first = (await client.lrange(`${prefix}:e0:wait`, -1, -1))[0].slice(1);
    expect(await webs[0].cancel(first)).toBe(true);
    const again = await Promise.allSettled(webs.map((s) => s.push(job(0))));
    expect(again.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  } finally {
    client.disconnect();
    await Promise.all(webs.map((s) => s.close()));
  }
});
