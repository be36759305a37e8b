import { Redis, type RedisOptions as IORedisOptions } from "ioredis";
import { TradioFailure } from "../core/errors.js";
import { shownUrl } from "./redis-url.js";

/** How long the first connection may take before the app refuses to start. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Connects to Redis for a scheduler. The first connection is tried once (a wrong URL or a Redis that is
 * down stops the launch with an error naming the URL, instead of retrying forever); once it answers, the
 * connection reconnects on its own whenever Redis restarts, and commands wait for it meanwhile.
 */
export async function connectRedis(url: string, name: string): Promise<Redis> {
  const common: IORedisOptions = { connectionName: name, connectTimeout: CONNECT_TIMEOUT_MS, lazyConnect: true };
  const probe = new Redis(url, { ...common, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  probe.on("error", () => {}); // reported below, once
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    probe.disconnect();
    const reason = err instanceof Error ? err.message : String(err);
    throw new TradioFailure("TR_ERR_REDIS_UNREACHABLE", `cannot connect to Redis at ${shownUrl(url)}: ${reason}`, { cause: err });
  }
  probe.disconnect();
  const client = new Redis(url, {
    ...common,
    // BullMQ's workers need commands to wait for a reconnect rather than fail.
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * times, 2_000),
  });
  await client.connect();
  return client;
}
