import type { ComponentContext } from "../core/context.js";
import type { EventRuntime } from "./graph.js";

/** What a block's props may depend on when the config is built: the request's root, the files, the runtime. */
export interface ResolveContext extends ComponentContext {
  runtime: EventRuntime;
}

/**
 * Blocks that arrange components or trigger events on the page (rows, columns, buttons, the examples
 * table). They carry no value through the API, so they are not `Component`s, but they take ids from the
 * same counter and appear in the config's `components` list, as in Gradio.
 */
export class Block {
  id = -1;
  constructor(
    readonly type: string,
    private readonly blockProps: Record<string, unknown> = {},
    /** Props computed when the config is built (example values whose file URLs depend on the request). */
    readonly resolve?: (ctx: ResolveContext) => Promise<Record<string, unknown>>,
  ) {}
  props(): Record<string, unknown> {
    return { visible: true, ...this.blockProps };
  }
  /** Fixes the block's props once its graph is built. */
  freeze(): void {
    Object.freeze(this.blockProps);
    Object.freeze(this);
  }
}

export type { LayoutNode } from "../protocol/types.js";
