import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { TradioFailure } from "../core/errors.js";
import type { Graph } from "../graph/graph.js";

/** One app's connection to the Redis its processes share, and the prefix of every key it writes there. */
export interface SharedRedis {
  readonly url: string;
  readonly client: Redis;
  /** `tradio:<app key>`: several apps (or mounts) can share one Redis. */
  readonly namespace: string;
  /** Twelve hex digits naming the app, the same in every process that serves it. */
  readonly appKey: string;
  close(): Promise<void>;
}

/**
 * A name for an app that every process serving the same app file computes alike, whatever its working
 * folder: its mount prefix, title, and the shape of its events and components.
 */
export function appKey(graph: Graph, prefix: string): string {
  const shape = {
    prefix,
    title: graph.meta.title ?? null,
    events: graph.events.map((e) => [e.apiName, e.inputs.map((c) => c.type), e.outputs.map((c) => c.type)]),
    components: graph.components.map((c) => c.type),
  };
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 12);
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
export async function connectShared(url: string, graph: Graph, prefix: string, timeoutMs = 5_000): Promise<SharedRedis> {
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
    throw new TradioFailure("TR_ERR_REDIS_UNAVAILABLE", `redis: cannot reach Redis at ${safeUrl(url)} (${(err as Error).message}); start it (redis-server) or check the URL`);
  }
  const key = appKey(graph, prefix);
  return {
    url,
    client,
    namespace: `tradio:${key}`,
    appKey: key,
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
