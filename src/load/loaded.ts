import type { Component } from "../components/component.js";

/** What a loader found: the parts of the Interface that `load()` builds (options given to `load()` override them). */
export interface Loaded {
  title: string;
  description?: string;
  article?: string;
  inputs: Component<any, any>[];
  outputs: Component<any, any>[];
  /** Called as an Interface function: one wire value per input (files as local paths), then the call context. */
  fn: (...args: unknown[]) => Promise<unknown>;
  examples?: unknown[][];
}
