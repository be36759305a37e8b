import type { Redis } from "ioredis";
import type { Counter } from "../core/counter.js";

/** One attempt: the window starts with the key's first attempt and the key expires with it. */
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

interface Scripts {
  tradioHit(key: string, windowMs: number): Promise<[number, number]>;
}

/** The client with the script defined: sent once, then called by its SHA (a flood of attempts does not resend it). */
function withScripts(redis: Redis): Redis & Scripts {
  if (!("tradioHit" in redis)) redis.defineCommand("tradioHit", { numberOfKeys: 1, lua: HIT });
  return redis as Redis & Scripts;
}

/** Counts in one-minute windows kept in Redis, shared by every process of one app (login attempts, flags); each key expires with its window. */
export class RedisWindowCounter implements Counter {
  private readonly redis: Redis & Scripts;

  constructor(
    readonly limit: number,
    redis: Redis,
    /** Key prefix: the app's namespace and the limit's name. */
    private readonly prefix: string,
    private readonly windowMs = 60_000,
  ) {
    this.redis = withScripts(redis);
  }

  async hit(key: string): Promise<number> {
    const [count, ttl] = await this.redis.tradioHit(this.prefix + key, this.windowMs);
    return count > this.limit ? Math.max(1, Math.ceil(ttl / 1000)) : 0;
  }

  async count(key: string): Promise<number> {
    return Number((await this.redis.get(this.prefix + key)) ?? 0);
  }
}
