import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { TradioFailure } from "../core/errors.js";
import type { Counter, Tally, Total } from "../core/counter.js";
import { RedisWindowCounter } from "../auth/redis-counter.js";
import { Liveness, RedisTally } from "./redis-tally.js";
import { RedisTotal } from "./redis-total.js";

/** One app's connection to the Redis its processes share, and the prefix of every key it writes there. */
export interface SharedRedis {
  readonly url: string;
  readonly client: Redis;
  /** The app's key prefix (the queue's, `tradio:<fingerprint>`, and the mount prefix): several apps share one Redis. */
  readonly namespace: string;
  /** Twelve hex digits naming the app, the same in every process that serves it. */
  readonly appKey: string;
  /** A per-key count in one-minute windows for all the app's processes, under `<namespace>:<name>:`. */
  windowCounter(name: string, limit: number): Counter;
  /** What keys hold at once, for all the app's processes, under `<namespace>:held:<name>:`. */
  tally(name: string, limit: number): Tally;
  /** A running total for all the app's processes, at `<namespace>:total:<name>`. */
  total(name: string): Total;
  /** Leaves the live processes (the others drop this one's tallied shares at once) and disconnects. */
  close(): Promise<void>;
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Connects to Redis (failing at once, naming the URL, when it cannot be reached at start). Later
 * disconnections are retried without end: commands wait until Redis is back.
 */
export async function connectShared(url: string, namespace: string, timeoutMs = 5_000): Promise<SharedRedis> {
  if (!/^rediss?:\/\//.test(url)) throw new TradioFailure("TR_ERR_OPTION_INVALID", `redis: URL must start with redis:// or rediss://, got ${JSON.stringify(safeUrl(url))}`);
  let client: Redis;
  try {
    client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: timeoutMs });
  } catch (err) {
    throw new TradioFailure("TR_ERR_OPTION_INVALID", `redis: ${safeUrl(url)} is not a Redis URL (${(err as Error).message})`);
  }
  client.on("error", () => undefined); // reconnects on its own; a failing command reports its own error
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new TradioFailure("TR_ERR_REDIS_UNREACHABLE", `redis: cannot connect to Redis at ${safeUrl(url)} (${(err as Error).message}); start it (redis-server) or check the URL`);
  }
  // One mark per process and app, whatever number of tallies count under it.
  const alive = new Liveness(client, `${namespace}:alive`);
  return {
    url,
    client,
    namespace,
    appKey: createHash("sha256").update(namespace).digest("hex").slice(0, 12),
    windowCounter: (name, limit) => new RedisWindowCounter(limit, client, `${namespace}:${name}:`),
    tally: (name, limit) => new RedisTally(limit, `${namespace}:held:${name}:`, alive),
    total: (name) => new RedisTotal(client, `${namespace}:total:${name}`),
    async close() {
      await alive.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}
