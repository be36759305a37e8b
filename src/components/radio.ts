import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import { pickEach } from "./interpret-choices.js";
import type { Neighbours } from "../core/interpretable.js";
import { isChoiceSpecList, isChoiceType, listValues, literalType, normalizeChoices, type Choice, type ChoiceSpec, type ChoiceType } from "./choices.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export interface RadioOptions<T extends ChoiceType = "value"> extends ComponentOptions {
  /** Plain strings, or `[label, value]` pairs where the label is shown and the value travels. */
  choices?: readonly ChoiceSpec[];
  /** "value" (default) gives the function the chosen value; "index" its position in `choices`. */
  type?: T;
  /** The choice selected at first; none by default. */
  value?: string | null;
}

/** What a Radio hands the function: the chosen value, or its index with `type: "index"`. */
export type RadioIn<T extends ChoiceType> = T extends "index" ? number : string;

/**
 * One choice out of a few. Gradio shortcut: "radio". Submitting with nothing selected is an error
 * ("no choice selected"), so the function always receives a choice; give `value` to preselect one.
 *
 * @example
 * new tr.Radio({ choices: ["park", "zoo", "road"], value: "park", label: "Location" })
 */
export class Radio<T extends ChoiceType = "value"> extends Component<RadioIn<T>, string, string> {
  readonly type = "radio";
  readonly className = "Radio";
  readonly choices: Choice[];
  readonly inputType: T;
  readonly interpretationShape = "choices";
  private readonly values: string[];
  private readonly initial: string | null;

  constructor(opts: RadioOptions<T> = {}) {
    super(opts);
    const owner = this.constructor.name;
    this.choices = normalizeChoices(owner, opts.choices);
    this.values = this.choices.map((c) => c[1]);
    this.inputType = opts.type ?? ("value" as T);
    const value = opts.value ?? null;
    if (value !== null && !this.values.includes(value)) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" (${JSON.stringify(value)}) is not one of the choices: ${listValues(this.values)}`);
    }
    this.initial = value;
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      choices: isChoiceSpecList,
      type: isChoiceType,
      value: (v) => v === null || typeof v === "string",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      choices: this.choices.map((c) => [...c]),
      type: this.inputType,
      value: this.initial,
    };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return this.initial;
  }

  apiInfo(): JSONSchema {
    return { enum: [...this.values], title: "Radio", type: "string" };
  }
  exampleInput(): unknown {
    return this.values[0] ?? null;
  }
  override pythonType(): string {
    return literalType(this.values);
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): RadioIn<T> {
    if (payload === null || payload === undefined) this.fail(`no choice selected (expected one of: ${listValues(this.values)})`);
    const i = typeof payload === "string" ? this.values.indexOf(payload) : -1;
    if (i < 0) this.fail(`${describe(payload)} is not one of the choices: ${listValues(this.values)}`);
    return (this.inputType === "index" ? i : this.values[i]) as RadioIn<T>;
  }

  postprocess(value: string, _ctx?: ComponentContext): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value !== "string" || !this.values.includes(value)) {
      this.fail(`the function returned ${describe(value)}, expected one of the choices: ${listValues(this.values)}`);
    }
    return value;
  }

  /** Interpretation: every other choice; shown as one score per choice, null at the selected one. */
  interpretationNeighbours(x: RadioIn<T>): Neighbours<RadioIn<T>> {
    const keys = this.inputType === "index" ? this.values.map((_, i) => i) : this.values;
    return pickEach<string | number>(x, keys) as Neighbours<RadioIn<T>>;
  }
}
