import { LRUCache } from "lru-cache";
import { OptionError } from "../core/errors.js";
import { Registry } from "../core/registry.js";

export interface SessionStoreOptions {
  /** Most sessions kept; the least recently used is evicted past it. Default 10 000 (Gradio's). */
  capacity?: number;
  /** Milliseconds a session may sit idle before it is dropped. Default 1 hour. */
  ttlMs?: number;
  /** Milliseconds clock; tests pass a fake one. */
  clock?: () => number;
}

/**
 * Where per-session state lives (one Map of state values by component id per session key): an extension
 * point, so a store shared by several processes can replace the in-memory one. Methods may answer
 * directly or with a promise.
 */
export interface SessionStore {
  get(key: string): Map<number, unknown> | undefined | Promise<Map<number, unknown> | undefined>;
  set(key: string, values: Map<number, unknown>): void | Promise<void>;
  delete(key: string): void | Promise<void>;
  /** Sessions held, where the store can tell. */
  readonly size?: number;
}

/** In-memory store with LRU capacity and an idle TTL; reading a session refreshes its age. */
export class MemorySessionStore implements SessionStore {
  private readonly cache: LRUCache<string, Map<number, unknown>>;
  constructor(opts: SessionStoreOptions = {}) {
    const capacity = opts.capacity ?? 10_000;
    const ttl = opts.ttlMs ?? 60 * 60 * 1000;
    if (!Number.isInteger(capacity) || capacity < 1) throw new OptionError("TR_ERR_OPTION_INVALID", `sessionCapacity must be a positive integer, got ${capacity}`);
    if (!(ttl > 0)) throw new OptionError("TR_ERR_OPTION_INVALID", `sessionTtlMs must be a positive number, got ${ttl}`);
    this.cache = new LRUCache({
      max: capacity,
      ttl,
      updateAgeOnGet: true,
      ttlAutopurge: false,
      ...(opts.clock ? { perf: { now: opts.clock }, ttlResolution: 0 } : {}),
    });
  }
  get(key: string) {
    return this.cache.get(key);
  }
  set(key: string, values: Map<number, unknown>) {
    this.cache.set(key, values);
  }
  delete(key: string) {
    this.cache.delete(key);
  }
  get size() {
    return this.cache.size;
  }
}

/** Session stores by name (`launch({ sessionStore: "memory" })`); [scale] adds one on Redis. */
export const sessionStores = new Registry<(opts: SessionStoreOptions) => SessionStore>("sessionStores");
sessionStores.register("memory", (opts) => new MemorySessionStore(opts));
