import { Component, type ComponentOptions, type EmptyOptions, type JSONSchema, type Maybe } from "./component.js";
import { OptionError } from "../core/errors.js";
import { pickEach } from "./interpret-choices.js";
import type { Neighbours } from "../core/interpretable.js";
import { choiceSchema, indexOfValue, isChoiceSpecList, isChoiceType, labelNote, listValues, literalType, normalizeChoices, type Choice, type ChoiceSpec, type ChoiceType, type ChoiceValue, type Widen } from "./choices.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export interface RadioOptions<T extends ChoiceType = "value", R extends boolean = false, V extends ChoiceValue = string> extends ComponentOptions, EmptyOptions<R> {
  /** Strings or numbers, or `[label, value]` pairs where the label is shown and the value travels. */
  choices?: readonly ChoiceSpec<V>[];
  /** "value" (default) gives the function the chosen value; "index" its position in `choices`. */
  type?: T;
  /** The choice selected at first; none by default. */
  value?: Widen<V> | null;
}

/** What a Radio hands the function: the chosen value, or its index with `type: "index"`. */
export type RadioIn<T extends ChoiceType, V extends ChoiceValue = string> = T extends "index" ? number : Widen<V>;

/**
 * One choice out of a few. Gradio shortcut: "radio". Submitted with nothing selected, the function
 * receives null (as in Gradio), unless the input is `required: true`; give `value` to preselect one.
 *
 * @example
 * new tr.Radio({ choices: ["park", "zoo", "road"], value: "park", label: "Location" })
 */
export class Radio<T extends ChoiceType = "value", R extends boolean = false, V extends ChoiceValue = string> extends Component<
  Maybe<RadioIn<T, V>, R>,
  Widen<V> | null,
  Widen<V>
> {
  readonly type = "radio";
  readonly className = "Radio";
  readonly choices: Choice[];
  readonly inputType: T;
  readonly interpretationShape = "choices";
  private readonly values: ChoiceValue[];
  private readonly initial: ChoiceValue | null;

  constructor(opts: RadioOptions<T, R, V> = {}) {
    super(opts);
    const owner = this.constructor.name;
    this.choices = normalizeChoices(owner, opts.choices);
    this.values = this.choices.map((c) => c[1]);
    this.inputType = opts.type ?? ("value" as T);
    const value = opts.value ?? null;
    if (value !== null && indexOfValue(this.values, value) < 0) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" (${JSON.stringify(value)}) is not one of the choices: ${listValues(this.values)}`);
    }
    this.initial = value;
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      choices: isChoiceSpecList,
      type: isChoiceType,
      required: "boolean",
      value: (v) => v === null || typeof v === "string" || typeof v === "number",
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
    return { ...choiceSchema(this.values), title: "Radio" };
  }
  exampleInput(): unknown {
    return this.values[0] ?? null;
  }
  override pythonType(): string {
    return literalType(this.values);
  }
  override typeDescription(): string {
    return labelNote(this.choices) ?? "";
  }

  protected override emptyHint(): string {
    return `choose one of: ${listValues(this.values)}`;
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): Maybe<RadioIn<T, V>, R> {
    if (payload === null || payload === undefined) return this.empty();
    const i = indexOfValue(this.values, payload);
    if (i < 0) this.fail(`${describe(payload)} is not one of the choices: ${listValues(this.values)}`);
    return (this.inputType === "index" ? i : this.values[i]) as Maybe<RadioIn<T, V>, R>;
  }

  postprocess(value: Widen<V> | null, _ctx?: ComponentContext): Widen<V> | null {
    if (value === null || value === undefined) return null;
    if (indexOfValue(this.values, value) < 0) {
      this.fail(`the function returned ${describe(value)}, expected one of the choices: ${listValues(this.values)}`);
    }
    return value;
  }

  /** Interpretation: every other choice; shown as one score per choice, null at the selected one. */
  interpretationNeighbours(x: RadioIn<T, V>): Neighbours<RadioIn<T, V>> {
    const keys = this.inputType === "index" ? this.values.map((_, i) => i) : this.values;
    return pickEach<string | number>(x, keys) as Neighbours<RadioIn<T, V>>;
  }
}
