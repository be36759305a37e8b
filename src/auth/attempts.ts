/**
 * Login attempts, counted per key in fixed one-minute windows. Nothing here locks a username: the hard
 * limits are per client address and per (address, username) pair, so an attacker can only lock out
 * themselves; a username that many addresses get wrong is slowed down for everyone instead.
 */

import { WindowCounter, type Counter, type CounterFactory } from "../core/counter.js";

/** How a login attempt is limited: per address, per (address, username), and a slowdown per username. */
export interface LoginLimits {
  /** Attempts a minute from one client address (any usernames). */
  address: number;
  /** Attempts a minute for one username from one client address. */
  username: number;
}

/** The slowdown of a username: this much per failure past the free ones in the last minute, at most MAX_DELAY_MS. */
const DELAY_STEP_MS = 500;
const MAX_DELAY_MS = 5_000;

export class LoginGuard {
  private readonly perAddress: Counter;
  private readonly perPair: Counter;
  private readonly failures: Counter;

  /** `counters`: where the counts live; default this process's memory. */
  constructor(limits: LoginLimits, now: () => number = Date.now, counters?: CounterFactory) {
    const make = counters ?? ((_name: string, limit: number) => new WindowCounter(limit, now));
    this.perAddress = make("address", limits.address);
    this.perPair = make("pair", limits.username);
    // A username may fail this often a minute, from all addresses together, before attempts slow down.
    this.failures = make("failures", limits.username);
  }

  /** Counts an attempt from `address`; seconds to wait when the address is past its limit, else 0. */
  address(address: string): number | Promise<number> {
    return this.perAddress.hit(address);
  }

  /** Counts an attempt for `username` from `address`; seconds to wait when the pair is past its limit, else 0. */
  pair(address: string, username: string): number | Promise<number> {
    return this.perPair.hit(`${address}\n${username}`);
  }

  /**
   * Milliseconds to hold an attempt for `username` before its password is checked: 0 until the name has
   * failed `username` times in the last minute (from anywhere), then growing with each failure. The same
   * for every address, and whether or not the name exists.
   */
  delay(username: string): number | Promise<number> {
    const count = this.failures.count(username);
    return typeof count === "number" ? this.slowdown(count) : count.then((n) => this.slowdown(n));
  }

  private slowdown(failures: number): number {
    const over = failures - this.failures.limit;
    return over < 0 ? 0 : Math.min(MAX_DELAY_MS, DELAY_STEP_MS * (over + 1));
  }

  async failed(username: string): Promise<void> {
    await this.failures.hit(username);
  }
}
