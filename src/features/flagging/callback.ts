import type { Component } from "../../components/component.js";

/**
 * Where flagged samples go (Gradio's `FlaggingCallback`). tradio ships `CSVLogger` (the default) and
 * `SQLiteLogger`; pass your own as the Interface's `flaggingCallback`. Use one callback per Interface.
 */
export interface FlaggingCallback {
  /**
   * Called once before the first flag (at `launch()`, or on the first flag when the app is mounted
   * another way), with the flagged components (the visible inputs, then the visible outputs) and the
   * Interface's `flaggingDir`. Throw to refuse a folder that holds an incompatible log.
   */
  setup(components: Component<any, any>[], dir: string): void | Promise<void>;
  /**
   * Stores one flagged sample. `values` holds one wire value per component, as clients exchange them;
   * in file values (FileData) the `path` has been checked and is the real path of a file tradio stored.
   * `option` is the chosen flagging option ("" for the plain Flag button and for automatic flags);
   * `username` is the logged-in user when the app has `auth`, else null. May return what it likes
   * (the loggers return the log's row count or row id).
   */
  flag(values: unknown[], option: string, username: string | null): unknown;
}

/** Accepts any object with `setup` and `flag` functions (the `flaggingCallback` option's check). */
export function isFlaggingCallback(v: unknown): v is FlaggingCallback {
  if (v === null || typeof v !== "object") return false;
  const o = v as Record<string, unknown>;
  return typeof o.setup === "function" && typeof o.flag === "function";
}
