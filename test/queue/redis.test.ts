// The scheduler conformance suite against the Redis scheduler (BullMQ on a real redis-server), plus what
// only a shared queue has: a start that fails clearly when Redis does not answer.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRedisOptions, RedisScheduler } from "../../src/queue/redis.js";
import { schedulers, type QueueSettings } from "../../src/queue/scheduler.js";
import { freePort, startRedis, type TestRedis } from "../redis-server.js";
import { schedulerConformance } from "./conformance.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => redis?.stop());

// Each test gets an app of its own in the one Redis, so nothing left by one test reaches the next.
const make = (settings: QueueSettings) => new RedisScheduler(settings, { url: redis.url, prefix: `t:${randomUUID()}`, events: [0, 1, 2], lockTimeout: 2 });
schedulerConformance("redis", make);
schedulerConformance("redis, from the registry", (settings) =>
  schedulers.get("redis")(settings, { app: randomUUID(), events: [0, 1, 2], redis: { url: redis.url } }),
);

describe("redis scheduler: start", () => {
  it("refuses to start when Redis does not answer, naming the URL (no endless reconnecting)", async () => {
    const port = await freePort();
    const s = new RedisScheduler({ defaultConcurrencyLimit: 1, maxSize: null, statusUpdateRate: "auto" }, { url: `redis://:secret@127.0.0.1:${port}`, prefix: "t:down", events: [0] });
    s.start({ policy: () => undefined, run: async () => [] });
    const began = Date.now();
    await expect(s.ready()).rejects.toThrowCode("TR_ERR_REDIS_UNREACHABLE", new RegExp(`redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}`));
    await expect(s.ready()).rejects.not.toThrow(/secret/);
    expect(Date.now() - began).toBeLessThan(6000);
    await s.close();
  });

  it("checks drainTimeout: seconds from 0 to 86400, named when wrong", () => {
    expect(checkRedisOptions({ url: redis.url, drainTimeout: 0.5 }, "launch").drainTimeout).toBe(0.5);
    for (const bad of [-1, "30", Number.NaN, 100_000]) {
      expect(() => checkRedisOptions({ url: redis.url, drainTimeout: bad }, "launch")).toThrowCode("TR_ERR_OPTION_INVALID", /redis\.drainTimeout/);
    }
  });

  it("is not made without a redis option", () => {
    expect(() => schedulers.get("redis")({ defaultConcurrencyLimit: 1, maxSize: null, statusUpdateRate: "auto" })).toThrowCode("TR_ERR_OPTION_MISSING");
  });
});
