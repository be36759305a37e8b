/**
 * Counts per key (a client address, a username) in fixed one-minute windows, for limits such as "at most
 * N a minute from one address": in this process (`WindowCounter`) or, for processes sharing a Redis,
 * there (`RedisWindowCounter` in auth/), so a client cannot multiply its allowance by the number of processes.
 */

const WINDOW_MS = 60_000;
/** Keys counted at once per counter; past it the oldest windows are forgotten (memory stays bounded). */
const MAX_KEYS = 50_000;

export interface Counter {
  readonly limit: number;
  /** Counts one; the seconds to wait when the key is past its limit, else 0. */
  hit(key: string): number | Promise<number>;
  /** Counted for the key in its current window. */
  count(key: string): number | Promise<number>;
}

export class WindowCounter implements Counter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    private readonly now: () => number = Date.now,
    private readonly windowMs = WINDOW_MS,
  ) {}

  /** Counts one; returns the seconds to wait when the key is past its limit, else 0. */
  hit(key: string): number {
    const w = this.current(key, true)!;
    w.count++;
    return w.count > this.limit ? Math.max(1, Math.ceil((w.resetAt - this.now()) / 1000)) : 0;
  }

  /** Counted for the key in its current window. */
  count(key: string): number {
    return this.current(key, false)?.count ?? 0;
  }

  private current(key: string, create: boolean): { count: number; resetAt: number } | undefined {
    const now = this.now();
    let w = this.windows.get(key);
    if (w && w.resetAt <= now) {
      this.windows.delete(key);
      w = undefined;
    }
    if (!w && create) {
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
      // Map order is insertion order: the first keys are the oldest windows.
      for (const k of this.windows.keys()) {
        if (this.windows.size <= MAX_KEYS) break;
        this.windows.delete(k);
      }
    }
    return w;
  }
}

/** Makes the counter of one limit, by its name. */
export type CounterFactory = (name: string, limit: number) => Counter;

/**
 * Counts what is held at once per key (calls waiting or running from one address, uploads in progress):
 * taken when it starts, given back when it ends. In this process (`LocalTally`) or, for processes sharing a
 * Redis, there (`RedisTally` in server/), so a limit holds for the app as a whole.
 */
export interface Tally {
  readonly limit: number;
  /** Takes one for the key unless it already holds `limit`; says whether it did. */
  take(key: string): boolean | Promise<boolean>;
  /** Gives back one taken for the key. */
  give(key: string): void;
}

export class LocalTally implements Tally {
  private readonly held = new Map<string, number>();

  constructor(readonly limit: number) {}

  take(key: string): boolean {
    const n = this.held.get(key) ?? 0;
    if (n >= this.limit) return false;
    this.held.set(key, n + 1);
    return true;
  }

  give(key: string): void {
    const left = (this.held.get(key) ?? 1) - 1;
    if (left > 0) this.held.set(key, left);
    else this.held.delete(key);
  }
}

/**
 * A running total that writers add to (the bytes a folder holds), read at once without waiting: in this
 * process (`LocalTotal`) or, for processes writing to one shared folder, in Redis (`RedisTotal` in
 * server/), where each process sees the others' additions within about a second.
 */
export interface Total {
  readonly value: number;
  add(n: number): void;
  /** The total measured afresh (a folder walked). */
  set(n: number): void;
  close?(): void;
}

export class LocalTotal implements Total {
  value = 0;

  add(n: number): void {
    this.value += n;
  }

  set(n: number): void {
    this.value = n;
  }
}
