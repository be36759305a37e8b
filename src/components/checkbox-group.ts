import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import { toggleEach } from "./interpret-choices.js";
import type { Neighbours } from "../core/interpretable.js";
import { isChoiceSpecList, isChoiceType, listValues, literalType, normalizeChoices, type Choice, type ChoiceSpec, type ChoiceType } from "./choices.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export interface CheckboxGroupOptions<T extends ChoiceType = "value"> extends ComponentOptions {
  /** Plain strings, or `[label, value]` pairs where the label is shown and the value travels. */
  choices?: readonly ChoiceSpec[];
  /** "value" (default) gives the function the checked values; "index" their positions in `choices`. */
  type?: T;
  /** Values checked at first. */
  value?: string[];
}

/** What a CheckboxGroup hands the function: the checked values, or their indices with `type: "index"`. */
export type CheckboxGroupIn<T extends ChoiceType> = T extends "index" ? number[] : string[];

/**
 * Several boxes; any number of them checked. Gradio shortcut: "checkboxgroup".
 *
 * @example
 * new tr.CheckboxGroup({ choices: ["cheese", "ham", "olives"], label: "Toppings" })
 */
export class CheckboxGroup<T extends ChoiceType = "value"> extends Component<CheckboxGroupIn<T>, string[], string[]> {
  readonly type = "checkboxgroup";
  readonly className = "CheckboxGroup";
  readonly choices: Choice[];
  readonly inputType: T;
  readonly interpretationShape = "pairs";
  private readonly values: string[];
  private readonly initial: string[];

  constructor(opts: CheckboxGroupOptions<T> = {}) {
    super(opts);
    const owner = this.constructor.name;
    this.choices = normalizeChoices(owner, opts.choices);
    this.values = this.choices.map((c) => c[1]);
    this.inputType = opts.type ?? ("value" as T);
    const value = opts.value ?? [];
    for (const v of value) {
      if (!this.values.includes(v)) {
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
      value: "string[]",
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
    return { items: { enum: [...this.values], type: "string" }, title: "Checkbox Group", type: "array" };
  }
  exampleInput(): unknown {
    return this.values.length > 0 ? [this.values[0]] : [];
  }
  override pythonType(): string {
    return `List[${literalType(this.values)}]`;
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): CheckboxGroupIn<T> {
    if (payload === null || payload === undefined) return [] as CheckboxGroupIn<T>;
    if (!Array.isArray(payload)) this.fail(`expected an array of choices, got ${describe(payload)}`);
    const indices = this.checkList(payload, (m) => this.fail(m));
    return (this.inputType === "index" ? indices : indices.map((i) => this.values[i])) as CheckboxGroupIn<T>;
  }

  postprocess(value: string[], _ctx?: ComponentContext): string[] {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) this.fail(`the function returned ${describe(value)}, expected an array of choices`);
    const indices = this.checkList(value, (m) => this.fail(`the function returned an invalid value: ${m}`));
    return indices.map((i) => this.values[i]);
  }

  /** The position of each item in `choices`; an unknown or repeated item is an error. */
  private checkList(items: unknown[], bad: (message: string) => never): number[] {
    const seen = new Set<number>();
    return items.map((item) => {
      const i = typeof item === "string" ? this.values.indexOf(item) : -1;
      if (i < 0) bad(`${describe(item)} is not one of the choices: ${listValues(this.values)}`);
      if (seen.has(i)) bad(`${describe(item)} is checked twice`);
      seen.add(i);
      return i;
    });
  }

  /** Interpretation: each choice toggled in turn; shown as `[scoreIfUnchecked, scoreIfChecked]` per choice. */
  interpretationNeighbours(x: CheckboxGroupIn<T>): Neighbours<CheckboxGroupIn<T>> {
    const keys = this.inputType === "index" ? this.values.map((_, i) => i) : this.values;
    return toggleEach<string | number>(x, keys) as unknown as Neighbours<CheckboxGroupIn<T>>;
  }
}
