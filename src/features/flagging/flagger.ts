import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import type { EventRuntime } from "../../graph/graph.js";
import { type Component } from "../../components/component.js";
import type { FlaggingCallback } from "./callback.js";
import { flagKind, isUrl, pathOf, resolveClientFiles } from "./files.js";
import { FlagBudget } from "./budget.js";
import { CSVLogger } from "./csv-logger.js";
import { SQLiteLogger } from "./sqlite-logger.js";
import { describe } from "../../core/options.js";
import { ValidationError } from "../../core/errors.js";
import { type FileStore } from "../../core/files.js";
import type { RequestInfo } from "../../core/context.js";

/** Flags one client address may send a minute, unless the Interface's `flagsPerMinute` says otherwise. */
export const DEFAULT_FLAGS_PER_MINUTE = 60;

export type FlaggingMode = "manual" | "auto" | "never";
/** A button label and the value logged in the `flag` column. */
export type FlagOption = [label: string, value: string];

export interface FlaggerOptions {
  mode: FlaggingMode;
  /** The Interface's `flaggingOptions`, normalised; empty for the single plain Flag button. */
  options: FlagOption[];
  dir: string;
  callback: FlaggingCallback;
  /** The flagged components: visible inputs, then visible outputs. */
  components: Component<any, any>[];
  /** Most bytes the flagging folder may hold (the built-in loggers' files and rows); null: no bound. */
  maxBytes: number | null;
  /** Flags one client address may send a minute (fixed one-minute windows); null: no limit. */
  perMinute: number | null;
}

/** A value that says nothing: none, an empty string, list or object (numbers and booleans always say something). */
export function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v).length === 0;
}

/** Strings become `Flag as <x>` buttons with value x; `[label, value]` pairs are kept. */
export function normaliseOptions(options: (string | [string, string])[] | undefined): FlagOption[] {
  return (options ?? []).map((o) => (typeof o === "string" ? [`Flag as ${o}`, o] : [o[0], o[1]]));
}

/**
 * Connects an Interface to its flagging callback: sets the callback up once, checks what clients send
 * (mode, option, file paths) and keeps track of automatic flags still being written.
 */
export class Flagger {
  private ready: Promise<void> | undefined;
  private readonly pending = new Set<Promise<void>>();
  /** The folder's bytes, when the callback is one of tradio's loggers (a callback of your own keeps its own bounds). */
  private readonly budget: FlagBudget | undefined;

  constructor(readonly opts: FlaggerOptions) {
    const builtIn = opts.callback instanceof CSVLogger || opts.callback instanceof SQLiteLogger;
    if (builtIn && opts.mode !== "never") this.budget = FlagBudget.of(opts.dir);
  }

  /** The option values a client may send: the options' values, or "" when there are none. */
  get allowed(): string[] {
    return this.opts.options.length ? this.opts.options.map((o) => o[1]) : [""];
  }

  /**
   * Runs the callback's setup once; if it fails, every flag reports the same error. The folder's bytes
   * count in the app's total for it (`runtime`: shared by the app's processes on Redis).
   */
  setup(runtime: Pick<EventRuntime, "total">): Promise<void> {
    this.ready ??= (async () => {
      this.budget?.count(runtime.total(`flagged-bytes:${createHash("sha256").update(this.opts.dir).digest("hex").slice(0, 16)}`));
      await this.opts.callback.setup(this.opts.components, this.opts.dir);
      // Measured after setup, which may repair the log.
      await this.budget?.measure();
    })();
    return this.ready;
  }

  /**
   * A flag sent by a client (the `/flag` event): one wire value per flagged component, then the option.
   * `runtime` holds the app's counters (shared by its processes on Redis), where flags per address count.
   */
  async fromClient(args: unknown[], request: Pick<RequestInfo, "username" | "client">, files: FileStore, runtime: Pick<EventRuntime, "counter" | "total">): Promise<unknown> {
    if (this.opts.mode === "never") throw new ValidationError('flagging is turned off for this app (allowFlagging: "never")');
    await this.countFlag(request.client.host, runtime);
    const username = request.username;
    const n = this.opts.components.length;
    const option = args[n] ?? "";
    if (typeof option !== "string" || !this.allowed.includes(option)) {
      throw new ValidationError(`flag: the option must be one of ${this.allowed.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(option)}`);
    }
    if (n > 0 && args.slice(0, n).every(isEmpty)) {
      throw new ValidationError("flag: there is nothing to flag: every input and output is empty", "TR_ERR_FLAG_EMPTY");
    }
    const values = await resolveClientFiles(this.opts.components, args.slice(0, n), files);
    await this.setup(runtime);
    return this.write(values, option, username);
  }

  /** Writes a flag within the folder's bound: refused whole (507) when the most it could add does not fit. */
  private async write(values: unknown[], option: string, username: string | null): Promise<unknown> {
    if (!this.budget) return this.opts.callback.flag(values, option, username);
    const release = this.budget.reserve(await this.mostAdded(values, option, username), this.opts.maxBytes);
    try {
      return await this.opts.callback.flag(values, option, username);
    } finally {
      release();
    }
  }

  /**
   * The most one flag could add to the folder: each file's full size (a copy stored already costs
   * nothing, but is counted here), its structured values, and its row with every character escaped.
   */
  private async mostAdded(values: unknown[], option: string, username: string | null): Promise<number> {
    let bytes = 256 + 2 * Buffer.byteLength(JSON.stringify([option, username]));
    for (const [i, c] of this.opts.components.entries()) {
      const v = values[i] ?? null;
      if (v === null) continue;
      if (flagKind(c) === "file") {
        for (const item of Array.isArray(v) ? v : [v]) {
          const p = pathOf(item);
          bytes += 200;
          if (p !== undefined && !isUrl(p)) bytes += (await stat(p)).size;
          else bytes += 2 * Buffer.byteLength(p ?? "");
        }
      } else {
        // The text (or JSON) once in a file or cell, and once more for quotes a CSV cell doubles.
        bytes += 2 * Buffer.byteLength(typeof v === "string" ? v : JSON.stringify(v)) + 200;
      }
    }
    // A new log's header.
    if (this.budget && this.budget.bytes === 0) bytes += 2 * this.opts.components.reduce((n, c) => n + Buffer.byteLength(c.label ?? "") + 16, 64);
    return bytes;
  }

  /** One flag from a client address, or 429 TR_ERR_RATE_LIMITED saying when to try again. Calls from code are not limited. */
  private async countFlag(host: string | null, runtime: Pick<EventRuntime, "counter">): Promise<void> {
    const limit = this.opts.perMinute;
    if (limit === null || host === null) return;
    const seconds = await runtime.counter("flags", limit).hit(host);
    if (seconds > 0) {
      throw new ValidationError(`flag: too many flags from this address (at most ${limit} a minute, flagsPerMinute); try again in ${seconds} s`, "TR_ERR_RATE_LIMITED", {
        status: 429,
        retryAfter: seconds,
      });
    }
  }

  /**
   * An automatic flag of a successful run: returns at once and writes the row once the response is on
   * its way. A failure is logged; `settled()` waits for rows still being written.
   */
  auto(values: unknown[], username: string | null, files: FileStore, runtime: Pick<EventRuntime, "total">): void {
    const job: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        const resolved = await resolveClientFiles(this.opts.components, values, files);
        await this.setup(runtime);
        await this.write(resolved, "", username);
      })
      .catch((err: unknown) => {
        console.error(`tradio: an automatic flag could not be saved: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Resolves when no automatic flag is being written. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
