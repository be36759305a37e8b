import type { Redis } from "ioredis";
import type { Total } from "../core/counter.js";

/** How often the total is read back, to see what the other processes added. */
const REFRESH_MS = 1_000;

/**
 * A `Total` kept in Redis, for a folder several processes write to (the app's file store): an addition
 * is counted here at once and in Redis as it is sent, and the value is read back every second, so a
 * bound checked against it holds for the app as a whole, give or take what the others wrote in the last
 * second. Redis answers one connection's commands in order: an answer includes this process's
 * additions sent before it, and not those sent after (`outstanding` holds them until answered).
 */
export class RedisTotal implements Total {
  private base = 0;
  private outstanding = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    refreshMs = REFRESH_MS,
  ) {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), refreshMs);
    this.timer.unref();
  }

  private refresh(): void {
    this.redis.get(this.key).then((v) => this.heard(Number(v ?? 0)), () => {});
  }

  get value(): number {
    return this.base + this.outstanding;
  }

  add(n: number): void {
    if (n === 0) return;
    this.outstanding += n;
    this.redis.incrby(this.key, n).then(
      (total) => {
        this.outstanding -= n;
        this.heard(total);
      },
      () => {
        // Not counted in Redis (it is down): kept here, so this process still counts its own writes.
        this.outstanding -= n;
        this.base += n;
      },
    );
  }

  set(n: number): void {
    this.base = n;
    this.redis.set(this.key, n).catch(() => {});
  }

  private heard(total: number): void {
    this.base = total;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
