import { ValidationError, type ErrorCode } from "../core/errors.js";
import type { ComponentContext } from "../core/context.js";
import { checkOptions, type OptionKind } from "../core/options.js";

/** A JSON schema fragment, as Gradio puts in `api_info`. */
export type JSONSchema = Record<string, unknown>;

/**
 * The argument of an input that may be left empty (Image, Audio, Number, Radio…): `null` when it is, as
 * in Gradio, unless the author marks the input `required: true` (then an empty value is refused).
 */
export type Maybe<T, R extends boolean> = R extends true ? T : T | null;

/** The `required` option of the inputs that may be left empty. */
export interface EmptyOptions<R extends boolean = false> {
  /** Refuse an empty value (HTTP 422, `TR_ERR_REQUIRED`, naming the input) instead of passing `null`; the function's parameter is then never null. */
  required?: R;
}

export interface ComponentOptions {
  label?: string;
  /** Shown under the label on the page. */
  info?: string;
  visible?: boolean;
  elemId?: string;
  elemClasses?: string[];
  /** Initial value shown on the page (in the function's own shape). */
  value?: unknown;
  /** Whether a person can edit it on the page; by default inputs can and outputs cannot. */
  interactive?: boolean;
  /** Show the label above it (default true); hidden, it is still read by screen readers. */
  showLabel?: boolean;
  /** Gradio's layout and button options, accepted so Gradio code ports unchanged; the README says which do something. */
  container?: boolean;
  scale?: number | null;
  minWidth?: number;
  render?: boolean;
  key?: string | number;
  autofocus?: boolean;
  autoscroll?: boolean;
  rtl?: boolean;
  buttons?: string[];
  showShareButton?: boolean;
  showCopyButton?: boolean;
  showDownloadButton?: boolean;
  showFullscreenButton?: boolean;
  showIndices?: boolean;
  waveformOptions?: Record<string, unknown>;
}

/** Gradio's purely visual options every component accepts (kept in `props`; the page applies `showLabel`). */
const VISUAL: Record<string, OptionKind> = {
  showLabel: "boolean",
  container: "boolean",
  scale: (v) => v === null || (typeof v === "number" && Number.isFinite(v) && v >= 0),
  minWidth: (v) => typeof v === "number" && Number.isFinite(v) && v >= 0,
  render: "boolean",
  key: (v) => typeof v === "string" || typeof v === "number",
  autofocus: "boolean",
  autoscroll: "boolean",
  rtl: "boolean",
  buttons: "string[]",
  showShareButton: "boolean",
  showCopyButton: "boolean",
  showDownloadButton: "boolean",
  showFullscreenButton: "boolean",
  showIndices: "boolean",
  waveformOptions: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
};

/**
 * The base of every component: the extension point. `In` is what the function receives for this
 * component (after preprocess), `Out` what the function returns for it (before postprocess), `Wire`
 * the JSON value clients exchange (it defaults to `In` where the two coincide).
 * The wire format is Gradio's, so `@gradio/client` and the page read it unchanged.
 */
export abstract class Component<In = unknown, Out = In, Wire = In> {
  /** Gradio's lowercase type name, e.g. "textbox"; the page picks its view by it. */
  abstract readonly type: string;
  /** Gradio's class name, e.g. "Textbox", shown by `/info`. */
  abstract readonly className: string;
  /** Phantom fields that carry the function's types; never set at run time. */
  declare readonly __in: In;
  declare readonly __out: Out;
  /** The wire value (what clients send and receive, and what calling an Interface from code uses). */
  declare readonly __wire: Wire;

  label: string | undefined;
  readonly info: string | undefined;
  readonly visible: boolean;
  readonly elemId: string | undefined;
  readonly elemClasses: string[];
  readonly value: unknown;
  /** Set by the `interactive` option; undefined lets the graph decide (inputs yes, outputs no). */
  readonly interactive: boolean | undefined;
  /** `required: true` (on the inputs that may be left empty): an empty value is refused rather than passed as null. */
  readonly required: boolean;
  readonly showLabel: boolean;
  /** Gradio's container, scale and min_width, sent in `props` as they are. */
  private readonly layout: { container: boolean; scale: number | null; min_width: number };
  /** Assigned when the component joins an app graph. */
  id = -1;
  /** State components never reach the page or the API. */
  readonly stateful: boolean = false;
  /** Components that only ever show a value (Label, HTML…) are never editable unless `interactive` says so. */
  readonly displayOnly: boolean = false;
  /**
   * For a component from outside tradio: the path of an ES module whose default export draws it on the
   * page (protocol/types.ts `ExternalView`). The server serves it; built-in components have none.
   */
  readonly viewModule: string | undefined = undefined;

  constructor(opts: ComponentOptions = {}) {
    checkOptions(this.owner, opts as Record<string, unknown>, {
      label: "string",
      info: "string",
      visible: "boolean",
      elemId: "string",
      elemClasses: "string[]",
      value: "any",
      interactive: "boolean",
    }, VISUAL, this.extraOptions());
    this.label = opts.label;
    this.info = opts.info;
    this.visible = opts.visible ?? true;
    this.elemId = opts.elemId;
    this.elemClasses = opts.elemClasses ?? [];
    this.value = opts.value;
    this.interactive = opts.interactive;
    this.required = (opts as { required?: unknown }).required === true;
    this.showLabel = opts.showLabel ?? true;
    this.layout = { container: opts.container ?? true, scale: opts.scale ?? null, min_width: opts.minWidth ?? 160 };
  }

  /** The name option errors start with: the class's `displayName` (Gradio's, e.g. "JSON"), else its own. */
  protected get owner(): string {
    return (this.constructor as { displayName?: string }).displayName ?? this.constructor.name;
  }

  /** Option names a subclass accepts beyond the common ones, with their expected kinds. */
  protected extraOptions(): Record<string, OptionKind> {
    return {};
  }

  /** Props for `/config`, in Gradio's snake_case. */
  props(): Record<string, unknown> {
    return {
      label: this.label ?? null,
      info: this.info ?? null,
      visible: this.visible,
      elem_id: this.elemId ?? null,
      elem_classes: this.elemClasses,
      show_label: this.showLabel,
      ...this.layout,
      value: null,
      // The page marks a required input and refuses it empty before sending, with the server's own words.
      ...(this.required ? { required: true, required_message: this.named(`this input is required; ${this.emptyHint()}`) } : {}),
    };
  }

  /** JSON schema of the wire value, for `/info` and config `api_info`. */
  abstract apiInfo(): JSONSchema;
  /** A sample wire value for API docs. */
  abstract exampleInput(): unknown;
  /** Python-ish type name Gradio shows in `/info`. */
  pythonType(): string {
    return "Any";
  }
  /** A note on the type for `/info` (`python_type.description`): choices' labels, for example. */
  typeDescription(): string {
    return "";
  }

  /** Wire value from a client → the function's argument. Throws ValidationError on a bad value. */
  abstract preprocess(payload: unknown, ctx: ComponentContext): In | Promise<In>;
  /** The function's return value → wire value. Throws ValidationError when the function returned a bad value. */
  abstract postprocess(value: Out, ctx: ComponentContext): unknown | Promise<unknown>;

  /**
   * An author's example (in the function's input shape, or a file path for media) → the wire value
   * that fills this component when the example is clicked. Media components copy files into the store.
   */
  async exampleValue(example: unknown, ctx: ComponentContext): Promise<unknown> {
    return this.postprocess(example as Out, ctx);
  }

  /** The page's initial value as a wire value. */
  async initialValue(ctx: ComponentContext): Promise<unknown> {
    if (this.value === undefined || this.value === null) return null;
    return this.exampleValue(this.value, ctx);
  }

  /** What to do with this input when it is left empty ("upload an image"), said when it is required. */
  protected emptyHint(): string {
    return "give a value";
  }

  /** What an input left empty gives the function: null, or (with `required: true`) a refusal naming the input. */
  protected empty<T = null>(): T {
    if (this.required) this.fail(`this input is required; ${this.emptyHint()}`, "TR_ERR_REQUIRED");
    return null as T;
  }

  /** Refuses a value, naming this component; `code` when the reason has its own (a file path, a fetch). */
  protected fail(message: string, code: ErrorCode = "TR_ERR_INVALID_VALUE"): never {
    throw new ValidationError(this.named(message), code);
  }

  /** A message about this component, prefixed with its class and label: `Image "photo": …`. */
  private named(message: string): string {
    return `${this.className}${this.label ? ` "${this.label}"` : ""}: ${message}`;
  }
}
