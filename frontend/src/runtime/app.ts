import type { AppConfig } from "$protocol";
import { Connection } from "./connection.js";
import { Dispatch } from "./dispatch.js";
import { Slots } from "./slots.svelte.js";
import { Clock } from "./status.svelte.js";
import { Toasts } from "./toasts.svelte.js";

/**
 * One app on the page, in parts named for what they hold:
 * - `connection`: the @gradio/client Client and its session (connection.ts);
 * - `slots`: every component's value and run status (slots.svelte.ts);
 * - `dispatch`: the config's event bindings, and the runs they start (dispatch.ts);
 * - `clock`: the elapsed-time ticker status overlays read (status.svelte.ts);
 * - `toasts`: the notices in the corner (toasts.svelte.ts).
 * Views read `slots` and call `dispatch` (`edit`, `trigger`, `fill`).
 */
export class AppRuntime {
  readonly slots: Slots;
  readonly clock = new Clock();
  readonly toasts = new Toasts();
  readonly dispatch: Dispatch;

  private constructor(
    readonly config: AppConfig,
    readonly connection: Connection,
  ) {
    this.slots = new Slots(config.components);
    this.dispatch = new Dispatch(config.dependencies, this.slots, connection, this.clock, this.toasts, config.max_file_size);
  }

  /**
   * Connects to the app at `url` with a fresh CSPRNG session id. Given the config embedded in the page, it
   * returns at once and the connection is made after the page is drawn (`connection.warm()`).
   */
  static async connect(url: string, config: AppConfig | null = null): Promise<AppRuntime> {
    const opened = await Connection.open(url, config);
    return new AppRuntime(opened.config, opened.connection);
  }
}
