import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import { toggleEach } from "./interpret-choices.js";
import type { Neighbours } from "../core/interpretable.js";
import { choiceSchema, indexOfValue, isChoiceSpecList, isChoiceType, labelNote, listValues, literalType, normalizeChoices, type Choice, type ChoiceSpec, type ChoiceType, type ChoiceValue, type Widen } from "./choices.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export interface CheckboxGroupOptions<T extends ChoiceType = "value", V extends ChoiceValue = string> extends ComponentOptions {
  /** Strings or numbers, or `[label, value]` pairs where the label is shown and the value travels. */
  choices?: readonly ChoiceSpec<V>[];
  /** "value" (default) gives the function the checked values; "index" their positions in `choices`. */
  type?: T;
  /** Values checked at first. */
  value?: Widen<V>[];
}

/** What a CheckboxGroup hands the function: the checked values, or their indices with `type: "index"`. */
export type CheckboxGroupIn<T extends ChoiceType, V extends ChoiceValue = string> = T extends "index" ? number[] : Widen<V>[];

/**
 * Several boxes; any number of them checked. Gradio shortcut: "checkboxgroup".
 *
 * @example
 * new tr.CheckboxGroup({ choices: ["cheese", "ham", "olives"], label: "Toppings" })
 */
export class CheckboxGroup<T extends ChoiceType = "value", V extends ChoiceValue = string> extends Component<CheckboxGroupIn<T, V>, Widen<V>[], Widen<V>[]> {
  readonly type = "checkboxgroup";
  readonly className = "CheckboxGroup";
  readonly choices: Choice[];
  readonly inputType: T;
  readonly interpretationShape = "pairs";
  private readonly values: ChoiceValue[];
  private readonly initial: ChoiceValue[];

  constructor(opts: CheckboxGroupOptions<T, V> = {}) {
    super(opts);
    const owner = this.constructor.name;
    this.choices = normalizeChoices(owner, opts.choices);
    this.values = this.choices.map((c) => c[1]);
    this.inputType = opts.type ?? ("value" as T);
    const value = opts.value ?? [];
    for (const v of value) {
      if (indexOfValue(this.values, v) < 0) {
        throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" has ${JSON.stringify(v)}, which is not one of the choices: ${listValues(this.values)}`);
      }
    }
    if (new Set(value).size !== value.length) throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" lists a choice twice`);
    this.initial = [...value];
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      choices: isChoiceSpecList,
      type: isChoiceType,
      value: (v) => Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number"),
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      choices: this.choices.map((c) => [...c]),
      type: this.inputType,
      value: [...this.initial],
    };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return [...this.initial];
  }

  apiInfo(): JSONSchema {
    return { items: choiceSchema(this.values), title: "Checkbox Group", type: "array" };
  }
  exampleInput(): unknown {
    return this.values.length > 0 ? [this.values[0]] : [];
  }
  override pythonType(): string {
    return `List[${literalType(this.values)}]`;
  }
  override typeDescription(): string {
    return labelNote(this.choices) ?? "";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): CheckboxGroupIn<T, V> {
    if (payload === null || payload === undefined) return [] as CheckboxGroupIn<T, V>;
    if (!Array.isArray(payload)) this.fail(`expected an array of choices, got ${describe(payload)}`);
    const indices = this.checkList(payload, (m) => this.fail(m));
    return (this.inputType === "index" ? indices : indices.map((i) => this.values[i])) as CheckboxGroupIn<T, V>;
  }

  postprocess(value: Widen<V>[], _ctx?: ComponentContext): ChoiceValue[] {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) this.fail(`the function returned ${describe(value)}, expected an array of choices`);
    const indices = this.checkList(value, (m) => this.fail(`the function returned an invalid value: ${m}`));
    return indices.map((i) => this.values[i]!);
  }

  /** The position of each item in `choices`; an unknown or repeated item is an error. */
  private checkList(items: unknown[], bad: (message: string) => never): number[] {
    const seen = new Set<number>();
    return items.map((item) => {
      const i = indexOfValue(this.values, item);
      if (i < 0) bad(`${describe(item)} is not one of the choices: ${listValues(this.values)}`);
      if (seen.has(i)) bad(`${describe(item)} is checked twice`);
      seen.add(i);
      return i;
    });
  }

  /** Interpretation: each choice toggled in turn; shown as `[scoreIfUnchecked, scoreIfChecked]` per choice. */
  interpretationNeighbours(x: CheckboxGroupIn<T, V>): Neighbours<CheckboxGroupIn<T, V>> {
    const keys = this.inputType === "index" ? this.values.map((_, i) => i) : this.values;
    return toggleEach<string | number>(x, keys) as unknown as Neighbours<CheckboxGroupIn<T, V>>;
  }
}
