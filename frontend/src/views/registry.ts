import type { Component, Snippet } from "svelte";
import type { AppConfig, ComponentConfig } from "$protocol";
import type { AppRuntime } from "../runtime/app.js";
import type { Slot } from "../runtime/slots.svelte.js";
import External from "./External.svelte";
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

/** The view that draws a component: the one registered for its type, or the "Unsupported" notice. */
export function viewFor(config: ComponentConfig): View {
  return views.get(config.type) ?? Unsupported;
}

/**
 * Components registered from outside tradio bring their own view: the config gives its module's URL
 * (`view`), and External loads and mounts it. They are registered under their type name like the others.
 */
export function registerExternalViews(config: AppConfig): void {
  for (const c of config.components) if (c.view) registerView(c.type, External);
}

// The built-in views register themselves: each file here names the types it draws (`export const types`).
const builtIn = import.meta.glob<{ default: View; types?: readonly string[] }>("./*.svelte", { eager: true });
for (const mod of Object.values(builtIn)) for (const type of mod.types ?? []) registerView(type, mod.default);
