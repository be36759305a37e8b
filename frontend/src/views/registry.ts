import type { Component, Snippet } from "svelte";
import type { AppConfig, ComponentConfig } from "$protocol";
import viewFiles from "virtual:tradio-views";
import type { AppRuntime } from "../runtime/app.js";
import type { Slot } from "../runtime/slots.svelte.js";
import Unsupported from "./Unsupported.svelte";

/** What every view gets: its component's slot (config, value, status), the app, and its children in the layout (layout blocks). */
export interface ViewProps {
  slot: Slot;
  app: AppRuntime;
  children?: Snippet;
}

export type View = Component<ViewProps>;

/**
 * The page's views by the server's type names ("textbox", "row", "dataset"…): the same names the server's
 * component registry uses, so a type means one thing on both sides.
 */
const views = new Map<string, View>();

export function registerView(type: string, view: View): void {
  views.set(type, view);
}

/** The view that draws a component: the one registered (loaded) for its type, or the "Unsupported" notice. */
export function viewFor(config: ComponentConfig): View {
  return views.get(config.type) ?? Unsupported;
}

// Each built-in view is its own chunk, loaded only by an app that shows its type. Which file draws which
// types is read from the files' `export const types` at build time (frontend/build/views.ts); the server
// names the chunks of an app's types in its page, so they arrive with the main script.
/** A view module: the view, and optionally what it must load before it can draw a component's first state. */
interface ViewModule {
  default: View;
  prepare?: (config: ComponentConfig) => Promise<unknown> | void;
}
const builtIn = import.meta.glob<ViewModule>("./*.svelte");

/**
 * Loads the views of every type in `config` (in parallel) and registers them, so that the layout can be
 * drawn at once. Components registered from outside tradio bring their own view: the config gives its
 * module's URL (`view`), and External loads and mounts it, registered under the component's type name.
 */
export async function loadViews(config: AppConfig): Promise<void> {
  await Promise.all(
    config.components.map(async (c) => {
      const file = c.view ? "./External.svelte" : viewFiles[c.type];
      const load = file ? builtIn[file] : undefined;
      if (!load) return;
      // The module loader returns the same module for every component of a type.
      const mod = await load();
      registerView(c.type, mod.default);
      await mod.prepare?.(c);
    }),
  );
}
