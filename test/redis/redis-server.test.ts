// The helper that other Redis tests use: a real redis-server on a free port, whose data survives a restart.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../redis-server.js";

describe("test/redis-server.ts", () => {
  let redis: TestRedis | undefined;
  afterAll(async () => redis?.stop());

  it("starts redis-server on a free loopback port and keeps its data across a restart and a crash", async () => {
    redis = await startRedis();
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const client = new Redis(redis.url, { maxRetriesPerRequest: null, lazyConnect: true });
    client.on("error", () => {}); // refused connections while it restarts are expected
    await client.connect();
    try {
      expect(await client.ping()).toBe("PONG");
      await client.set("k", "kept");
      await redis.restart();
      // ioredis reconnects on its own; the append-only file kept the key.
      expect(await client.get("k")).toBe("kept");
      await client.set("k2", "also kept");
      await redis.kill();
      await redis.start();
      expect(await client.get("k2")).toBe("also kept");
    } finally {
      client.disconnect();
    }
  });
});
