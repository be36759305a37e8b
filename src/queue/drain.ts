/** Whether `v` is a drain grace period in seconds (`redis.drainTimeout`, env TRADIO_DRAIN_TIMEOUT). Apart from redis.ts, so launch checks it without loading BullMQ. */
export const isDrainTimeout = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 86_400;
