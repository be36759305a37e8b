import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import type { Neighbours } from "../core/interpretable.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export interface CheckboxOptions extends ComponentOptions {
  /** Initial state; defaults to unchecked. */
  value?: boolean;
}

/**
 * A single true/false box. Gradio shortcut: "checkbox".
 *
 * @example
 * new tr.Checkbox({ label: "Excited?", value: true })
 */
export class Checkbox extends Component<boolean, boolean> {
  readonly type = "checkbox";
  readonly className = "Checkbox";
  readonly interpretationShape = "pair";

  constructor(opts: CheckboxOptions = {}) {
    super(opts);
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return { value: "boolean" };
  }

  override props(): Record<string, unknown> {
    return { ...super.props(), value: this.value === true };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return this.value === true;
  }

  apiInfo(): JSONSchema {
    return { type: "boolean" };
  }
  exampleInput(): unknown {
    return true;
  }
  override pythonType(): string {
    return "bool";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): boolean {
    if (payload === null || payload === undefined) return false;
    if (typeof payload !== "boolean") this.fail(`expected true or false, got ${describe(payload)}`);
    return payload;
  }

  postprocess(value: boolean, _ctx?: ComponentContext): boolean {
    if (value === null || value === undefined) return false;
    if (typeof value !== "boolean") this.fail(`the function returned ${describe(value)}, expected true or false`);
    return value;
  }

  /** Interpretation: the other state; shown as `[scoreIfFalse, scoreIfTrue]` with null at the current one. */
  interpretationNeighbours(x: boolean): Neighbours<boolean> {
    return { values: [!x], shape: (scores) => (x ? [scores[0], null] : [null, scores[0]]) };
  }
}
