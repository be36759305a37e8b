import { Component, type ComponentOptions, type EmptyOptions, type JSONSchema, type Maybe } from "./component.js";
import { OptionError } from "../core/errors.js";
import { pickEach, toggleEach } from "./interpret-choices.js";
import type { Neighbours } from "../core/interpretable.js";
import { choiceSchema, indexOfValue, isChoiceSpecList, isChoiceType, labelNote, listValues, literalType, normalizeChoices, type Choice, type ChoiceSpec, type ChoiceType, type ChoiceValue, type Widen } from "./choices.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export interface DropdownOptions<M extends boolean = false, T extends ChoiceType = "value", R extends boolean = false, V extends ChoiceValue = string>
  extends ComponentOptions,
    EmptyOptions<R> {
  /** Strings or numbers, or `[label, value]` pairs where the label is shown and the value travels. */
  choices?: readonly ChoiceSpec<V>[];
  /** Several choices at once: the function then receives an array. */
  multiselect?: M;
  /** "value" (default) gives the function the chosen value(s); "index" their positions in `choices`. */
  type?: T;
  /** Lets the user type a value that is not among the choices (not with `type: "index"` nor number choices). */
  allowCustomValue?: boolean;
  /** Most choices a multiselect dropdown accepts. */
  maxChoices?: number;
  /** Lets the user type to filter the choices (default true). */
  filterable?: boolean;
  /**
   * Selected at first. Defaults to the first choice (like Gradio 5), or nothing for a multiselect;
   * `null` starts with nothing selected.
   */
  value?: (M extends true ? Widen<V>[] : Widen<V>) | null;
}

/** What a Dropdown hands the function: a single-select one left empty gives null (unless `required: true`); a multiselect one, []. */
export type DropdownIn<M extends boolean, T extends ChoiceType, R extends boolean = false, V extends ChoiceValue = string> = M extends true
  ? T extends "index"
    ? number[]
    : Widen<V>[]
  : Maybe<T extends "index" ? number : Widen<V>, R>;
/** What the function returns for a Dropdown. */
export type DropdownOut<M extends boolean, V extends ChoiceValue = string> = M extends true ? Widen<V>[] : Widen<V> | null;

/**
 * A list of choices that opens on click; one choice, or several with `multiselect: true`. Gradio
 * shortcut: "dropdown". A single-select dropdown submitted with nothing selected gives the function null
 * (as in Gradio), unless the input is `required: true`.
 *
 * @example
 * new tr.Dropdown({ choices: ["cat", "dog", "bird"], multiselect: true, label: "Animals" })
 */
export class Dropdown<M extends boolean = false, T extends ChoiceType = "value", R extends boolean = false, V extends ChoiceValue = string> extends Component<
  DropdownIn<M, T, R, V>,
  DropdownOut<M, V>,
  DropdownOut<M, V>
> {
  readonly type = "dropdown";
  readonly className = "Dropdown";
  readonly choices: Choice[];
  readonly multiselect: boolean;
  readonly inputType: T;
  readonly allowCustomValue: boolean;
  readonly maxChoices: number | undefined;
  readonly filterable: boolean;
  private readonly values: ChoiceValue[];
  /** Interpretation shape: per-choice pairs when several choices can be selected, else one score per choice. */
  get interpretationShape(): "pairs" | "choices" {
    return this.multiselect ? "pairs" : "choices";
  }
  private readonly initial: ChoiceValue | ChoiceValue[] | null;

  constructor(opts: DropdownOptions<M, T, R, V> = {}) {
    super(opts);
    const owner = this.constructor.name;
    this.choices = normalizeChoices(owner, opts.choices);
    this.values = this.choices.map((c) => c[1]);
    this.multiselect = opts.multiselect === true;
    this.inputType = opts.type ?? ("value" as T);
    this.allowCustomValue = opts.allowCustomValue ?? false;
    this.maxChoices = opts.maxChoices;
    this.filterable = opts.filterable ?? true;
    if (this.allowCustomValue && this.inputType === "index") {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `${owner}: option "allowCustomValue" cannot be used with type "index" (a custom value has no index)`);
    }
    if (this.allowCustomValue && this.values.some((v) => typeof v !== "string")) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `${owner}: option "allowCustomValue" needs string choices (a typed value is text)`);
    }
    if (this.maxChoices !== undefined) {
      if (!this.multiselect) throw new OptionError("TR_ERR_OPTION_CONFLICT", `${owner}: option "maxChoices" needs multiselect: true`);
      if (!Number.isInteger(this.maxChoices) || this.maxChoices < 1) {
        throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "maxChoices" must be a positive integer, got ${this.maxChoices}`);
      }
    }
    const bad: (m: string) => never = (m) => {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" is invalid: ${m}`);
    };
    if (this.multiselect) {
      const v = opts.value === undefined || opts.value === null ? [] : opts.value;
      if (!Array.isArray(v)) bad(`expected an array for a multiselect dropdown, got ${describe(v)}`);
      this.initial = this.checkList(v, bad);
      if (this.maxChoices !== undefined && this.initial.length > this.maxChoices) bad(`more than maxChoices (${this.maxChoices}) values`);
    } else {
      const v = opts.value === undefined ? (this.values[0] ?? null) : opts.value;
      this.initial = v === null ? null : this.checkOne(v, bad);
    }
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      choices: isChoiceSpecList,
      multiselect: "boolean",
      type: isChoiceType,
      allowCustomValue: "boolean",
      maxChoices: "number",
      filterable: "boolean",
      required: "boolean",
      value: (v) => v === null || typeof v === "string" || typeof v === "number" || (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")),
    };
  }

  override props(): Record<string, unknown> {
    // A multiselect one left empty gives [] and is never refused: the page does not mark it required.
    const base = super.props();
    if (this.multiselect) {
      delete base.required;
      delete base.required_message;
    }
    return {
      ...base,
      choices: this.choices.map((c) => [...c]),
      multiselect: this.multiselect,
      type: this.inputType,
      allow_custom_value: this.allowCustomValue,
      max_choices: this.maxChoices ?? null,
      filterable: this.filterable,
      value: Array.isArray(this.initial) ? [...this.initial] : this.initial,
    };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return Array.isArray(this.initial) ? [...this.initial] : this.initial;
  }

  apiInfo(): JSONSchema {
    const item: JSONSchema = this.allowCustomValue ? { type: "string" } : choiceSchema(this.values);
    return this.multiselect ? { type: "array", items: item } : item;
  }
  exampleInput(): unknown {
    const first = this.values[0];
    if (this.multiselect) return first === undefined ? [] : [first];
    return first ?? null;
  }
  override pythonType(): string {
    const one = this.allowCustomValue ? "str" : literalType(this.values);
    return this.multiselect ? `List[${one}]` : one;
  }
  override typeDescription(): string {
    return labelNote(this.choices) ?? "";
  }

  protected override emptyHint(): string {
    return `choose one of: ${listValues(this.values)}`;
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): DropdownIn<M, T, R, V> {
    const bad: (m: string) => never = (m) => this.fail(m);
    if (this.multiselect) {
      if (payload === null || payload === undefined) return [] as unknown as DropdownIn<M, T, R, V>;
      if (!Array.isArray(payload)) this.fail(`expected an array of choices, got ${describe(payload)}`);
      const chosen = this.checkList(payload, bad);
      if (this.maxChoices !== undefined && chosen.length > this.maxChoices) {
        this.fail(`at most ${this.maxChoices} choice${this.maxChoices === 1 ? "" : "s"} may be selected, got ${chosen.length}`);
      }
      return (this.inputType === "index" ? chosen.map((v) => this.values.indexOf(v)) : chosen) as DropdownIn<M, T, R, V>;
    }
    if (payload === null || payload === undefined || (payload === "" && !this.values.includes(""))) {
      return this.empty() as DropdownIn<M, T, R, V>;
    }
    const chosen = this.checkOne(payload, bad);
    return (this.inputType === "index" ? this.values.indexOf(chosen) : chosen) as DropdownIn<M, T, R, V>;
  }

  postprocess(value: DropdownOut<M, V>, _ctx?: ComponentContext): ChoiceValue | ChoiceValue[] | null {
    const bad: (m: string) => never = (m) => this.fail(`the function returned an invalid value: ${m}`);
    const v: unknown = value;
    if (this.multiselect) {
      if (v === null || v === undefined) return [];
      return this.checkList(typeof v === "string" ? [v] : Array.isArray(v) ? v : bad(`expected an array of choices, got ${describe(v)}`), bad);
    }
    if (v === null || v === undefined) return null;
    return this.checkOne(v, bad);
  }

  private checkOne(item: unknown, bad: (message: string) => never): ChoiceValue {
    const i = indexOfValue(this.values, item);
    if (i >= 0) return this.values[i]!;
    if (this.allowCustomValue && typeof item === "string") return item;
    return bad(`${describe(item)} is not one of the choices: ${listValues(this.values)}`);
  }

  private checkList(items: unknown[], bad: (message: string) => never): ChoiceValue[] {
    const seen = new Set<ChoiceValue>();
    return items.map((item) => {
      const v = this.checkOne(item, bad);
      if (seen.has(v)) bad(`${describe(v)} is selected twice`);
      seen.add(v);
      return v;
    });
  }

  /** Interpretation: each choice toggled (multiselect) or every other choice (single select). */
  interpretationNeighbours(x: DropdownIn<M, T, R, V>): Neighbours<DropdownIn<M, T, R, V>> {
    const keys = this.inputType === "index" ? this.values.map((_, i) => i) : this.values;
    const n = this.multiselect ? toggleEach<string | number>(x as (string | number)[], keys) : pickEach<string | number>(x as string | number, keys);
    return n as unknown as Neighbours<DropdownIn<M, T, R, V>>;
  }
}
