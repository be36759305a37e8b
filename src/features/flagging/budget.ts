import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import { LocalTotal, type Total } from "../../core/counter.js";
import { ValidationError } from "../../core/errors.js";

/** The flagging folder's default bound (the Interface's `maxFlaggedBytes`). */
export const DEFAULT_MAX_FLAGGED_BYTES = 1024 ** 3;

/** Bytes as people read them: 512 bytes, 40.0 KiB, 12.3 MiB, 1.00 GiB. */
function size(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/**
 * The bytes one flagging folder holds: measured from the disk at launch, then counted as the built-in
 * loggers write files and rows, in this process or (for processes sharing a Redis, `count()`) there, so
 * each sees what the others wrote. A flag reserves the most it could add before anything is written, so
 * a flag past the bound is refused whole, and flags written at once cannot together pass it. One per
 * folder in a process, shared by the Interfaces that flag there.
 */
export class FlagBudget {
  private used: Total = new LocalTotal();
  private reserved = 0;
  private measuring: Promise<void> | undefined;

  private constructor(readonly dir: string) {}

  private static readonly byDir = new Map<string, FlagBudget>();

  /** The folder's budget, made on first use. */
  static of(dir: string): FlagBudget {
    const key = path.resolve(dir);
    let b = FlagBudget.byDir.get(key);
    if (!b) FlagBudget.byDir.set(key, (b = new FlagBudget(key)));
    return b;
  }

  /** The budget of a folder a Flagger bounds, if any (writers count into it; without one nothing is bounded). */
  static existing(dir: string): FlagBudget | undefined {
    return FlagBudget.byDir.get(path.resolve(dir));
  }

  /** Bytes on disk (as last measured and counted since). */
  get bytes(): number {
    return this.used.value;
  }

  /**
   * Counts in `total` from now on when it is shared (the app's processes on one Redis); called as an app
   * that flags here sets up, before it measures the folder. A total of this process's alone changes nothing.
   */
  count(total: Total): void {
    if (!(total instanceof LocalTotal)) this.used = total;
  }

  /**
   * Measures the folder (every regular file under it, links not followed): at each launch, so files
   * moved away or added while the app was down are seen. Launches at the same time share one walk.
   */
  measure(): Promise<void> {
    this.measuring ??= sizeOf(this.dir)
      .then((n) => {
        this.used.set(n);
      })
      .finally(() => {
        this.measuring = undefined;
      });
    return this.measuring;
  }

  /**
   * Holds room for `bytes` more, or refuses with 507 TR_ERR_STORE_FULL when the folder would pass
   * `limit`. Returns the release, called once the flag is written or has failed.
   */
  reserve(bytes: number, limit: number | null): () => void {
    if (limit !== null && this.used.value + this.reserved + bytes > limit) {
      throw new ValidationError(
        `flag: no room in the flagging folder: it holds ${size(this.used.value)} of the ${size(limit)} it may hold (maxFlaggedBytes), ` +
          `and this flag could add up to ${size(bytes)}; nothing was saved`,
        "TR_ERR_STORE_FULL",
        { status: 507 },
      );
    }
    this.reserved += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.reserved -= bytes;
    };
  }

  /** Counts bytes written to the folder. */
  add(bytes: number): void {
    this.used.add(bytes);
  }
}

/** Counts bytes a writer added to a flagging folder that a Flagger bounds. */
export function countFlagged(dir: string, bytes: number): void {
  FlagBudget.existing(dir)?.add(bytes);
}

async function sizeOf(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw err;
  }
  let total = 0;
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += await sizeOf(p);
    else if (e.isFile()) total += await lstat(p).then((s) => s.size, () => 0);
  }
  return total;
}
