import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Tally } from "../core/counter.js";

// What each process holds is a field of its own in the key's hash, so a process that dies cannot leave
// its share counted for good: processes mark themselves alive in a sorted set (scored with when that
// lapses), and a share whose process has lapsed is dropped the next time the key is counted.

/** Takes one: KEYS[1] the key's hash, KEYS[2] the alive set; ARGV limit, owner, alive ms, hash ttl ms. */
const TAKE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
local total = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local lapses = redis.call('ZSCORE', KEYS[2], fields[i])
  if lapses and tonumber(lapses) > now then total = total + tonumber(fields[i + 1])
  else redis.call('HDEL', KEYS[1], fields[i]) end
end
if total >= tonumber(ARGV[1]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/** Gives one back: KEYS[1] the key's hash; ARGV[1] owner. A share taken before its process lapsed is gone already. */
const GIVE = `local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return n`;

/** Marks the owner alive: KEYS[1] the alive set; ARGV owner, alive ms. Owners long lapsed leave the set. */
const ALIVE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 86400000)
return 1`;

interface Scripts {
  tradioTake(hash: string, alive: string, limit: number, owner: string, aliveMs: number, ttlMs: number): Promise<number>;
  tradioGive(hash: string, owner: string): Promise<number>;
  tradioAlive(alive: string, owner: string, aliveMs: number): Promise<number>;
}

/** The client with the scripts defined (sent once, then called by their SHA: a flood of joins does not resend them). */
function withScripts(redis: Redis): Redis & Scripts {
  if (!("tradioTake" in redis)) {
    redis.defineCommand("tradioTake", { numberOfKeys: 2, lua: TAKE });
    redis.defineCommand("tradioGive", { numberOfKeys: 1, lua: GIVE });
    redis.defineCommand("tradioAlive", { numberOfKeys: 1, lua: ALIVE });
  }
  return redis as Redis & Scripts;
}

/** A process that has not marked itself alive for this long is taken for dead and its shares dropped. */
const ALIVE_MS = 30_000;
/** A key nobody has taken from for a day is forgotten, whatever it still counts. */
const KEY_TTL_MS = 86_400_000;

/**
 * One process's mark in its app's set of live processes, renewed every third of its span while the
 * process has tallies; every tally of the process counts under its owner name.
 */
export class Liveness {
  readonly owner = randomBytes(8).toString("hex");
  private timer: NodeJS.Timeout | undefined;
  readonly redis: Redis & Scripts;

  constructor(
    redis: Redis,
    /** The app's set of live processes. */
    readonly key: string,
    readonly ms = ALIVE_MS,
  ) {
    this.redis = withScripts(redis);
  }

  /** Starts renewing the mark (a take marks it too, so a share counts from the first). */
  renew(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.redis.tradioAlive(this.key, this.owner, this.ms).catch(() => {});
    }, this.ms / 3);
    this.timer.unref();
  }

  /** Leaves the set: the other processes drop this one's shares at once. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.redis.zrem(this.key, this.owner).catch(() => {});
  }
}

/** A `Tally` kept in Redis: one limit for all the processes of an app (e.g. calls from one address). */
export class RedisTally implements Tally {
  constructor(
    readonly limit: number,
    /** Key prefix: the app's namespace and the limit's name. */
    private readonly prefix: string,
    private readonly alive: Liveness,
  ) {
    alive.renew();
  }

  async take(key: string): Promise<boolean> {
    const { redis, key: aliveKey, owner, ms } = this.alive;
    return (await redis.tradioTake(this.prefix + key, aliveKey, this.limit, owner, ms, KEY_TTL_MS)) === 1;
  }

  give(key: string): void {
    this.alive.redis.tradioGive(this.prefix + key, this.alive.owner).catch(() => {});
  }
}
