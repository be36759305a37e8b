import { type Component } from "../../components/component.js";
import type { FlaggingCallback } from "./callback.js";
import { resolveClientFiles } from "./files.js";
import { describe } from "../../core/options.js";
import { ValidationError } from "../../core/errors.js";
import { type FileStore } from "../../core/files.js";

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

  constructor(readonly opts: FlaggerOptions) {}

  /** The option values a client may send: the options' values, or "" when there are none. */
  get allowed(): string[] {
    return this.opts.options.length ? this.opts.options.map((o) => o[1]) : [""];
  }

  /** Runs the callback's setup once; if it fails, every flag reports the same error. */
  setup(): Promise<void> {
    this.ready ??= (async () => {
      await this.opts.callback.setup(this.opts.components, this.opts.dir);
    })();
    return this.ready;
  }

  /** A flag sent by a client (the `/flag` event): one wire value per flagged component, then the option. */
  async fromClient(args: unknown[], username: string | null, files: FileStore): Promise<unknown> {
    if (this.opts.mode === "never") throw new ValidationError('flagging is turned off for this app (allowFlagging: "never")');
    const n = this.opts.components.length;
    const option = args[n] ?? "";
    if (typeof option !== "string" || !this.allowed.includes(option)) {
      throw new ValidationError(`flag: the option must be one of ${this.allowed.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(option)}`);
    }
    if (n > 0 && args.slice(0, n).every(isEmpty)) {
      throw new ValidationError("flag: there is nothing to flag: every input and output is empty", "TR_ERR_FLAG_EMPTY");
    }
    const values = await resolveClientFiles(this.opts.components, args.slice(0, n), files);
    await this.setup();
    return this.opts.callback.flag(values, option, username);
  }

  /**
   * An automatic flag of a successful run: returns at once and writes the row once the response is on
   * its way. A failure is logged; `settled()` waits for rows still being written.
   */
  auto(values: unknown[], username: string | null, files: FileStore): void {
    const job: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        const resolved = await resolveClientFiles(this.opts.components, values, files);
        await this.setup();
        await this.opts.callback.flag(resolved, "", username);
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
