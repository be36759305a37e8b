// Login attempt counts kept in Redis: two guards (two processes) on one Redis count every attempt together.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginGuard } from "../../src/auth/attempts.js";
import { RedisWindowCounter } from "../../src/auth/redis-counter.js";
import { startRedis, type TestRedis } from "../redis-server.js";

describe("LoginGuard with Redis counters", () => {
  let redis: TestRedis;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  const guard = (ns: string, windowMs = 60_000) =>
    new LoginGuard({ address: 4, username: 2 }, Date.now, (name, limit) => new RedisWindowCounter(limit, client, `${ns}:${name}:`, windowMs));

  it("shares the per-address, per-pair and per-username counts between guards, and says how long to wait", async () => {
    const [a, b] = [guard("t1"), guard("t1")];
    expect([await a.address("10.0.0.1"), await b.address("10.0.0.1"), await a.address("10.0.0.1"), await b.address("10.0.0.1")]).toEqual([0, 0, 0, 0]);
    const wait = await a.address("10.0.0.1");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await b.address("10.0.0.2")).toBe(0);

    expect([await a.pair("10.0.0.1", "ada"), await b.pair("10.0.0.1", "ada")]).toEqual([0, 0]);
    expect(await a.pair("10.0.0.1", "ada")).toBeGreaterThan(0);
    expect(await b.pair("10.0.0.2", "ada")).toBe(0);

    // Failures of a name from either guard slow it down on both; other names and other apps are untouched.
    for (let i = 0; i < 2; i++) await (i % 2 ? a : b).failed("ada");
    expect(await a.delay("ada")).toBe(500);
    expect(await b.delay("ada")).toBe(500);
    expect(await b.delay("grace")).toBe(0);
    expect(await guard("t2").delay("ada")).toBe(0);
  });

  it("forgets counts when their window ends (the keys expire)", async () => {
    const g = guard("t3", 300);
    for (let i = 0; i < 4; i++) expect(await g.address("10.0.0.9")).toBe(0);
    expect(await g.address("10.0.0.9")).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(await g.address("10.0.0.9")).toBe(0);
    expect(await client.pttl("t3:address:10.0.0.9")).toBeGreaterThan(0);
  });
});
