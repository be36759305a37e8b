import { deserialize, serialize } from "node:v8";
import type { Redis } from "ioredis";
import { OptionError, TradioFailure } from "../core/errors.js";
import { sessionStores, type SessionStore, type SessionStoreOptions } from "./sessions.js";

export interface RedisSessionStoreOptions extends SessionStoreOptions {
  /** A connected ioredis client (shared with the rest of the app's Redis use). */
  redis: Redis;
  /** Prefix of every key this store writes, so several apps share one Redis (`tradio:<app>`). */
  namespace: string;
  /** Most bytes of serialised state kept, all sessions together; the least recently used go first. Default 256 MiB. */
  maxBytes?: number;
}

/** A state value that structured clone cannot carry (a function, a socket, a class with private fields). */
export class StateNotSerialisable extends TradioFailure {
  constructor(
    readonly componentId: number,
    cause: unknown,
  ) {
    super("TR_ERR_STATE_UNSERIALISABLE", `state of component ${componentId} cannot be kept in Redis: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

// Keys: <ns>:s:<session> the serialised state; <ns>:lru a sorted set of sessions by last use;
// <ns>:size a hash of their sizes; <ns>:bytes their total. The scripts keep the four consistent, and
// evict by idle age first, then least recently used past the count or byte capacity.
const EVICT = `
local ns, now, ttl, cap, maxb = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local function drop(k)
  local sz = tonumber(redis.call('HGET', ns..':size', k) or '0')
  redis.call('HDEL', ns..':size', k)
  redis.call('ZREM', ns..':lru', k)
  redis.call('DEL', ns..':s:'..k)
  redis.call('DECRBY', ns..':bytes', sz)
end
for _, k in ipairs(redis.call('ZRANGEBYSCORE', ns..':lru', '-inf', now - ttl)) do drop(k) end
while redis.call('ZCARD', ns..':lru') > cap or tonumber(redis.call('GET', ns..':bytes') or '0') > maxb do
  local oldest = redis.call('ZRANGE', ns..':lru', 0, 0)
  if #oldest == 0 then break end
  drop(oldest[1])
end
`;
const SET = `
local ns, k, v, now, ttl = KEYS[1], ARGV[5], ARGV[6], tonumber(ARGV[1]), tonumber(ARGV[2])
local old = tonumber(redis.call('HGET', ns..':size', k) or '0')
redis.call('SET', ns..':s:'..k, v, 'PX', ttl)
redis.call('HSET', ns..':size', k, #v)
redis.call('INCRBY', ns..':bytes', #v - old)
redis.call('ZADD', ns..':lru', now, k)
${EVICT}
`;
const GET = `
local ns, k, now, ttl = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('GET', ns..':s:'..k)
if not v then return nil end
local last = tonumber(redis.call('ZSCORE', ns..':lru', k) or '0')
if last <= now - ttl then return nil end
redis.call('PEXPIRE', ns..':s:'..k, ttl)
redis.call('ZADD', ns..':lru', now, k)
return v
`;
const DELETE = `
local ns, k = KEYS[1], ARGV[1]
local sz = tonumber(redis.call('HGET', ns..':size', k) or '0')
redis.call('HDEL', ns..':size', k)
redis.call('ZREM', ns..':lru', k)
redis.call('DEL', ns..':s:'..k)
redis.call('DECRBY', ns..':bytes', sz)
`;

/**
 * Session state in Redis, so a call landing on any process finds the state the previous one left. Each
 * session's values are serialised with v8's structured clone (Maps, Sets, Dates, typed arrays and cycles
 * survive; functions and sockets do not, and say which component held them). Idle TTL and capacity
 * work as in the memory store, counted across every process, plus a bound on the bytes held.
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis;
  private readonly ns: string;
  private readonly capacity: number;
  private readonly ttl: number;
  private readonly maxBytes: number;
  private readonly clock: () => number;

  constructor(opts: RedisSessionStoreOptions) {
    this.redis = opts.redis;
    this.ns = `${opts.namespace}:state`;
    this.capacity = opts.capacity ?? 10_000;
    this.ttl = opts.ttlMs ?? 60 * 60 * 1000;
    this.maxBytes = opts.maxBytes ?? 256 * 1024 ** 2;
    this.clock = opts.clock ?? Date.now;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new OptionError("TR_ERR_OPTION_INVALID", `sessionCapacity must be a positive integer, got ${this.capacity}`);
    if (!(this.ttl > 0)) throw new OptionError("TR_ERR_OPTION_INVALID", `sessionTtlMs must be a positive number, got ${this.ttl}`);
    if (!(this.maxBytes > 0)) throw new OptionError("TR_ERR_OPTION_INVALID", `stateMaxBytes must be a positive number, got ${this.maxBytes}`);
    this.redis.defineCommand("trStateSet", { numberOfKeys: 1, lua: SET });
    this.redis.defineCommand("trStateGet", { numberOfKeys: 1, lua: GET });
    this.redis.defineCommand("trStateDel", { numberOfKeys: 1, lua: DELETE });
  }

  private get cmd() {
    return this.redis as unknown as {
      trStateSet(ns: string, now: number, ttl: number, cap: number, maxb: number, key: string, value: Buffer): Promise<unknown>;
      trStateGetBuffer(ns: string, key: string, now: number, ttl: number): Promise<Buffer | null>;
      trStateDel(ns: string, key: string): Promise<unknown>;
    };
  }

  async get(key: string): Promise<Map<number, unknown> | undefined> {
    const raw = await this.cmd.trStateGetBuffer(this.ns, key, this.clock(), this.ttl);
    if (!raw) return undefined;
    const parts = deserialize(raw) as Map<number, Uint8Array>;
    return new Map([...parts].map(([id, bytes]) => [id, deserialize(bytes)]));
  }

  async set(key: string, values: Map<number, unknown>): Promise<void> {
    // Each value alone first, so a failure names the component that held it.
    const parts = new Map<number, Buffer>();
    for (const [id, value] of values) {
      try {
        parts.set(id, serialize(value));
      } catch (err) {
        throw new StateNotSerialisable(id, err);
      }
    }
    const blob = serialize(parts);
    if (blob.byteLength > this.maxBytes) {
      throw new TradioFailure("TR_ERR_TOO_COMPLEX", `a session's state takes ${blob.byteLength} bytes, more than the store's whole stateMaxBytes (${this.maxBytes})`);
    }
    await this.cmd.trStateSet(this.ns, this.clock(), this.ttl, this.capacity, this.maxBytes, key, blob);
  }

  async delete(key: string): Promise<void> {
    await this.cmd.trStateDel(this.ns, key);
  }

  /** Sessions held now (across every process). */
  async count(): Promise<number> {
    return this.redis.zcard(`${this.ns}:lru`);
  }

  /** Bytes of serialised state held now. */
  async bytes(): Promise<number> {
    return Number((await this.redis.get(`${this.ns}:bytes`)) ?? 0);
  }
}

sessionStores.register("redis", (opts) => {
  const o = opts as RedisSessionStoreOptions;
  if (!o.redis || !o.namespace) throw new OptionError("TR_ERR_OPTION_MISSING", 'sessionStore "redis" needs the app launched with `redis` (a Redis URL)');
  return new RedisSessionStore(o);
});
