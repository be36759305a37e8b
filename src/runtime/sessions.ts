import { serialize } from "node:v8";
import { LRUCache } from "lru-cache";
import { OptionError } from "../core/errors.js";
import { Registry } from "../core/registry.js";

export interface SessionStoreOptions {
  /** Most sessions kept; the least recently used is evicted past it. Default 10 000 (Gradio's). */
  capacity?: number;
  /** Milliseconds a session may sit idle before it is dropped. Default 1 hour. */
  ttlMs?: number;
  /** Most bytes of state kept in all (as measured when stored); the least recently used sessions go first. Default 256 MiB. */
  maxBytes?: number;
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
  /** `bytes`: what the values take, measured when stored (`stateBytes`, v8.serialize's length), for stores bounded by size. */
  set(key: string, values: Map<number, unknown>, bytes?: number): void | Promise<void>;
  delete(key: string): void | Promise<void>;
  /** Sessions held, where the store can tell. */
  readonly size?: number;
}

/** Bytes of state kept in all, by default. */
export const DEFAULT_STATE_MAX_BYTES = 256 * 1024 ** 2;
/** Bytes of state one session may keep, by default. */
export const DEFAULT_STATE_SESSION_MAX_BYTES = 16 * 1024 ** 2;

/**
 * The size of a state value: the length of `v8.serialize(value)`, which is also what a store in another
 * process (Redis) keeps. A value v8 cannot serialise (a function inside, nesting too deep) is estimated
 * by a walk that adds up its strings, numbers and buffers.
 */
export function stateBytes(value: unknown): number {
  try {
    return serialize(value).length;
  } catch {
    return estimateBytes(value);
  }
}

function estimateBytes(value: unknown): number {
  let bytes = 0;
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") bytes += v.length + 4;
    else if (v === null || typeof v !== "object") bytes += 8;
    else if (seen.has(v)) continue;
    else {
      seen.add(v);
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) bytes += v.byteLength + 8;
      else if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
      else if (v instanceof Set) for (const x of v) stack.push(x);
      else if (Array.isArray(v)) stack.push(...v.slice(0, 1e6));
      else
        for (const [k, x] of Object.entries(v)) {
          bytes += k.length + 4;
          stack.push(x);
        }
      bytes += 8;
    }
  }
  return bytes;
}

/**
 * In-memory store bounded by count (LRU capacity), idle TTL and bytes (the sizes given to `set`): past
 * any bound the least recently used sessions are evicted first. Reading a session refreshes its age.
 */
export class MemorySessionStore implements SessionStore {
  private readonly cache: LRUCache<string, Map<number, unknown>>;
  constructor(opts: SessionStoreOptions = {}) {
    const capacity = opts.capacity ?? 10_000;
    const ttl = opts.ttlMs ?? 60 * 60 * 1000;
    const maxBytes = opts.maxBytes ?? DEFAULT_STATE_MAX_BYTES;
    if (!Number.isInteger(capacity) || capacity < 1) throw new OptionError("TR_ERR_OPTION_INVALID", `sessionCapacity must be a positive integer, got ${capacity}`);
    if (!(ttl > 0)) throw new OptionError("TR_ERR_OPTION_INVALID", `sessionTtlMs must be a positive number, got ${ttl}`);
    if (!(maxBytes >= 1) || !Number.isFinite(maxBytes)) throw new OptionError("TR_ERR_OPTION_INVALID", `maxBytes must be a positive number, got ${maxBytes}`);
    this.cache = new LRUCache({
      max: capacity,
      maxSize: Math.floor(maxBytes),
      ttl,
      updateAgeOnGet: true,
      ttlAutopurge: false,
      ...(opts.clock ? { perf: { now: opts.clock }, ttlResolution: 0 } : {}),
    });
  }
  get(key: string) {
    return this.cache.get(key);
  }
  set(key: string, values: Map<number, unknown>, bytes?: number) {
    this.cache.set(key, values, { size: Math.max(1, Math.ceil(bytes ?? stateBytes(values))) });
  }
  /** Bytes of state held, as measured when stored. */
  get bytes() {
    return this.cache.calculatedSize;
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
