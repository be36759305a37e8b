import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

/** One class and its confidence, as Gradio's LabelData carries it. */
export interface LabelConfidence {
  label: string;
  confidence: number;
}

/** Gradio 4's LabelData: the top label, and the classes by descending confidence (or null for a plain label). */
export interface LabelData {
  label: string | number | null;
  confidences: LabelConfidence[] | null;
}

/**
 * What the function may return: a map of class → confidence (shown sorted, top class as the label),
 * a plain label (string or number), or a LabelData as it is.
 */
export type LabelOut = Record<string, number> | string | number | LabelData;

export interface LabelOptions extends ComponentOptions {
  /** How many classes to show; all of them when unset. */
  numTopClasses?: number;
  /** Colour of the label bar (any CSS colour). */
  color?: string;
  showLabel?: boolean;
  value?: LabelOut;
}

const EMPTY: LabelData = { label: null, confidences: null };

/**
 * A classification result: a label, optionally with confidences per class. Gradio shortcut: "label".
 *
 * @example
 * new tr.Label({ numTopClasses: 3 })   // the function returns { cat: 0.9, dog: 0.08, bird: 0.02 }
 */
export class Label extends Component<LabelData, LabelOut> {
  readonly type = "label";
  readonly className = "Label";
  readonly numTopClasses: number | undefined;
  readonly color: string | undefined;
  readonly showLabel: boolean;
  private readonly initial: LabelData | null;

  constructor(opts: LabelOptions = {}) {
    super(opts);
    const owner = this.constructor.name;
    this.numTopClasses = opts.numTopClasses;
    this.color = opts.color;
    this.showLabel = opts.showLabel ?? true;
    if (this.numTopClasses !== undefined && (!Number.isInteger(this.numTopClasses) || this.numTopClasses < 1)) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "numTopClasses" must be a positive integer, got ${this.numTopClasses}`);
    }
    this.initial =
      opts.value === undefined || opts.value === null
        ? null
        : this.toWire(opts.value, (m) => {
            throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" is invalid: ${m}`);
          });
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      numTopClasses: "number",
      color: "string",
      showLabel: "boolean",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      show_label: this.showLabel,
      num_top_classes: this.numTopClasses ?? null,
      color: this.color ?? null,
      value: this.initial,
    };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return this.initial;
  }

  apiInfo(): JSONSchema {
    const labelValue = { anyOf: [{ type: "string" }, { type: "number" }, { type: "null" }] };
    return {
      title: "LabelData",
      type: "object",
      properties: {
        label: { ...labelValue, default: null },
        confidences: {
          anyOf: [
            {
              type: "array",
              items: {
                title: "LabelConfidence",
                type: "object",
                properties: { label: { type: "string" }, confidence: { type: "number" } },
                required: ["label", "confidence"],
              },
            },
            { type: "null" },
          ],
          default: null,
        },
      },
    };
  }
  exampleInput(): unknown {
    return {
      label: "Cat",
      confidences: [
        { label: "Cat", confidence: 0.9 },
        { label: "Dog", confidence: 0.1 },
      ],
    };
  }
  override pythonType(): string {
    return "Dict(label: str | float | None, confidences: List[Dict(label: str, confidence: float)] | None)";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): LabelData {
    if (payload === null || payload === undefined) return { ...EMPTY };
    if (!isPlainObject(payload)) this.fail(`expected a LabelData object {label, confidences}, got ${describe(payload)}`);
    return this.checkLabelData(payload, (m) => this.fail(m));
  }

  postprocess(value: LabelOut, _ctx?: ComponentContext): LabelData {
    return this.toWire(value, (m) => this.fail(`the function returned an invalid value: ${m}`));
  }

  private toWire(value: unknown, bad: (message: string) => never): LabelData {
    if (value === null || value === undefined) return { ...EMPTY };
    if (typeof value === "string") return { label: value, confidences: null };
    if (typeof value === "number") {
      if (!Number.isFinite(value)) bad(`expected a finite number as the label, got ${value}`);
      return { label: String(value), confidences: null };
    }
    if (!isPlainObject(value)) {
      return bad(`expected a map of class → confidence, a string or a number, got ${describe(value)}`);
    }
    if (isLabelDataShape(value)) {
      const data = this.checkLabelData(value, bad);
      if (data.confidences === null) return data;
      const confidences = this.top(data.confidences);
      return { label: data.label ?? confidences[0]?.label ?? null, confidences };
    }
    const entries = Object.entries(value);
    if (entries.length === 0) return { ...EMPTY };
    const confidences = entries.map(([label, confidence]) => {
      if (typeof confidence !== "number" || !Number.isFinite(confidence)) {
        bad(`the confidence of ${JSON.stringify(label)} is ${describe(confidence)}, expected a finite number`);
      }
      return { label, confidence };
    });
    const top = this.top(confidences);
    return { label: top[0].label, confidences: top };
  }

  /** Sorted by descending confidence (ties keep their order), cut to `numTopClasses`. */
  private top(confidences: LabelConfidence[]): LabelConfidence[] {
    const sorted = [...confidences].sort((a, b) => b.confidence - a.confidence);
    return this.numTopClasses === undefined ? sorted : sorted.slice(0, this.numTopClasses);
  }

  private checkLabelData(value: Record<string, unknown>, bad: (message: string) => never): LabelData {
    for (const key of Object.keys(value)) {
      if (key !== "label" && key !== "confidences") bad(`unexpected key ${JSON.stringify(key)} in LabelData (expected label, confidences)`);
    }
    const label = value.label ?? null;
    if (label !== null && typeof label !== "string" && !(typeof label === "number" && Number.isFinite(label))) {
      bad(`"label" must be a string, a number or null, got ${describe(label)}`);
    }
    const raw = value.confidences ?? null;
    if (raw === null) return { label, confidences: null };
    if (!Array.isArray(raw)) return bad(`"confidences" must be an array or null, got ${describe(raw)}`);
    const confidences = raw.map((c, i): LabelConfidence => {
      if (!isPlainObject(c)) bad(`confidences[${i}] must be an object {label, confidence}, got ${describe(c)}`);
      const l = c.label;
      if (typeof l !== "string" && !(typeof l === "number" && Number.isFinite(l))) {
        bad(`confidences[${i}].label must be a string, got ${describe(l)}`);
      }
      const conf = c.confidence;
      if (typeof conf !== "number" || !Number.isFinite(conf)) {
        bad(`confidences[${i}].confidence must be a finite number, got ${describe(conf ?? null)}`);
      }
      return { label: String(l), confidence: conf };
    });
    return { label, confidences };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * A LabelData rather than a confidence map: no keys but `label` and `confidences`, and either
 * `confidences` is a list or null, or `label` is not a number (so it cannot be a class's confidence).
 */
function isLabelDataShape(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  if (keys.length === 0 || !keys.every((k) => k === "label" || k === "confidences")) return false;
  if ("confidences" in v) return v.confidences === null || Array.isArray(v.confidences);
  return typeof v.label !== "number";
}
