import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import { pickEach, toggleEach } from "./interpret-choices.js";
import type { Neighbours } from "../core/interpretable.js";
import { isChoiceSpecList, isChoiceType, listValues, literalType, normalizeChoices, type Choice, type ChoiceSpec, type ChoiceType } from "./choices.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export interface DropdownOptions<M extends boolean = false, T extends ChoiceType = "value"> extends ComponentOptions {
  /** Plain strings, or `[label, value]` pairs where the label is shown and the value travels. */
  choices?: readonly ChoiceSpec[];
  /** Several choices at once: the function then receives an array. */
  multiselect?: M;
  /** "value" (default) gives the function the chosen value(s); "index" their positions in `choices`. */
  type?: T;
  /** Lets the user type a value that is not among the choices (not with `type: "index"`). */
  allowCustomValue?: boolean;
  /** Most choices a multiselect dropdown accepts. */
  maxChoices?: number;
  /** Lets the user type to filter the choices (default true). */
  filterable?: boolean;
  /**
   * Selected at first. Defaults to the first choice (like Gradio 5), or nothing for a multiselect;
   * `null` starts with nothing selected.
   */
  value?: (M extends true ? string[] : string) | null;
}

/** What a Dropdown hands the function. */
export type DropdownIn<M extends boolean, T extends ChoiceType> = M extends true
  ? T extends "index"
    ? number[]
    : string[]
  : T extends "index"
    ? number
    : string;
/** What the function returns for a Dropdown. */
export type DropdownOut<M extends boolean> = M extends true ? string[] : string;

/**
 * A list of choices that opens on click; one choice, or several with `multiselect: true`. Gradio
 * shortcut: "dropdown". A single-select dropdown submitted with nothing selected is an error.
 *
 * @example
 * new tr.Dropdown({ choices: ["cat", "dog", "bird"], multiselect: true, label: "Animals" })
 */
export class Dropdown<M extends boolean = false, T extends ChoiceType = "value"> extends Component<
  DropdownIn<M, T>,
  DropdownOut<M>,
  DropdownOut<M>
> {
  readonly type = "dropdown";
  readonly className = "Dropdown";
  readonly choices: Choice[];
  readonly multiselect: boolean;
  readonly inputType: T;
  readonly allowCustomValue: boolean;
  readonly maxChoices: number | undefined;
  readonly filterable: boolean;
  private readonly values: string[];
  /** Interpretation shape: per-choice pairs when several choices can be selected, else one score per choice. */
  get interpretationShape(): "pairs" | "choices" {
    return this.multiselect ? "pairs" : "choices";
  }
  private readonly initial: string | string[] | null;

  constructor(opts: DropdownOptions<M, T> = {}) {
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
      value: (v) => v === null || typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string")),
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
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
    const item: JSONSchema = this.allowCustomValue ? { type: "string" } : { type: "string", enum: [...this.values] };
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

  preprocess(payload: unknown, _ctx?: ComponentContext): DropdownIn<M, T> {
    const bad: (m: string) => never = (m) => this.fail(m);
    if (this.multiselect) {
      if (payload === null || payload === undefined) return [] as unknown as DropdownIn<M, T>;
      if (!Array.isArray(payload)) this.fail(`expected an array of choices, got ${describe(payload)}`);
      const chosen = this.checkList(payload, bad);
      if (this.maxChoices !== undefined && chosen.length > this.maxChoices) {
        this.fail(`at most ${this.maxChoices} choice${this.maxChoices === 1 ? "" : "s"} may be selected, got ${chosen.length}`);
      }
      return (this.inputType === "index" ? chosen.map((v) => this.values.indexOf(v)) : chosen) as DropdownIn<M, T>;
    }
    if (payload === null || payload === undefined) this.fail(`no choice selected (expected one of: ${listValues(this.values)})`);
    const chosen = this.checkOne(payload, bad);
    return (this.inputType === "index" ? this.values.indexOf(chosen) : chosen) as DropdownIn<M, T>;
  }

  postprocess(value: DropdownOut<M>, _ctx?: ComponentContext): string | string[] | null {
    const bad: (m: string) => never = (m) => this.fail(`the function returned an invalid value: ${m}`);
    const v: unknown = value;
    if (this.multiselect) {
      if (v === null || v === undefined) return [];
      return this.checkList(typeof v === "string" ? [v] : Array.isArray(v) ? v : bad(`expected an array of choices, got ${describe(v)}`), bad);
    }
    if (v === null || v === undefined) return null;
    return this.checkOne(v, bad);
  }

  private checkOne(item: unknown, bad: (message: string) => never): string {
    if (typeof item !== "string") return bad(`expected one of the choices: ${listValues(this.values)}, got ${describe(item)}`);
    if (!this.allowCustomValue && !this.values.includes(item)) {
      bad(`${describe(item)} is not one of the choices: ${listValues(this.values)}`);
    }
    return item;
  }

  private checkList(items: unknown[], bad: (message: string) => never): string[] {
    const seen = new Set<string>();
    return items.map((item) => {
      const v = this.checkOne(item, bad);
      if (seen.has(v)) bad(`${describe(v)} is selected twice`);
      seen.add(v);
      return v;
    });
  }

  /** Interpretation: each choice toggled (multiselect) or every other choice (single select). */
  interpretationNeighbours(x: DropdownIn<M, T>): Neighbours<DropdownIn<M, T>> {
    const keys = this.inputType === "index" ? this.values.map((_, i) => i) : this.values;
    const n = this.multiselect ? toggleEach<string | number>(x as (string | number)[], keys) : pickEach<string | number>(x as string | number, keys);
    return n as unknown as Neighbours<DropdownIn<M, T>>;
  }
}
