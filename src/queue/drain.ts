import { OptionError } from "../core/errors.js";

/** Whether `v` is a drain grace period in seconds (`redis.drainTimeout`, env TRADIO_DRAIN_TIMEOUT). Apart from redis.ts, so launch checks it without loading BullMQ. */
export const isDrainTimeout = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 86_400;

/** The drain's grace period in ms: `redis.drainTimeout`, else env TRADIO_DRAIN_TIMEOUT, else 30 s. */
export function drainGraceMs(redis: string | { drainTimeout?: number }, where: string): number {
  const own = typeof redis === "object" ? redis.drainTimeout : undefined;
  if (own !== undefined) return Math.round(own * 1000); // checked with the other redis options
  const text = process.env.TRADIO_DRAIN_TIMEOUT || undefined;
  if (text === undefined) return 30_000;
  const seconds = Number(text);
  if (!isDrainTimeout(seconds)) throw new OptionError("TR_ERR_OPTION_INVALID", `${where}: env TRADIO_DRAIN_TIMEOUT must be seconds from 0 to 86400, got ${JSON.stringify(text)}`);
  return Math.round(seconds * 1000);
}
