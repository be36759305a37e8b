import type { ComponentContext } from "../components/component.js";

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
  ) {}
  /** Props computed when the config is built (e.g. example values whose file URLs depend on the request). */
  resolve?: (ctx: ComponentContext) => Promise<Record<string, unknown>>;
  props(): Record<string, unknown> {
    return { visible: true, ...this.blockProps };
  }
  setProp(key: string, value: unknown): void {
    this.blockProps[key] = value;
  }
}

/** A node of the page's layout tree. */
export interface LayoutNode {
  id: number;
  children?: LayoutNode[];
}
