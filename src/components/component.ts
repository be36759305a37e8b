import type { FileStore } from "../runtime/file-store.js";

/** A JSON schema fragment, as Gradio puts in `api_info`. */
export type JSONSchema = Record<string, unknown>;

/** What a component may need while converting values: the file store and the public root URL. */
export interface ComponentContext {
  files: FileStore;
  /** Absolute URL of the app, used to build output file URLs (`<root>/gradio_api/file=<path>`). */
  root: string;
  /** True for calls made from the author's own code, which may name any readable file. */
  trusted?: boolean;
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
}

/**
 * Thrown when a value does not fit a component. The message reaches the caller (HTTP 4xx or the
 * queue's error message), so it names the component and says what was expected.
 */
export class ValidationError extends globalThis.Error {
  override name = "ValidationError";
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return "bytes";
  const t = typeof value;
  if (t === "string") {
    const s = value as string;
    return `the string ${JSON.stringify(s.length > 40 ? s.slice(0, 40) + "…" : s)}`;
  }
  if (t === "number" || t === "boolean") return `${t} ${String(value)}`;
  return t === "object" ? "an object" : t;
}

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
  /** Assigned when the component joins an app graph. */
  id = -1;
  /** State components never reach the page or the API. */
  readonly stateful: boolean = false;

  constructor(opts: ComponentOptions = {}) {
    checkOptions(this.constructor.name, opts as Record<string, unknown>, {
      label: "string",
      info: "string",
      visible: "boolean",
      elemId: "string",
      elemClasses: "string[]",
      value: "any",
    }, this.extraOptions());
    this.label = opts.label;
    this.info = opts.info;
    this.visible = opts.visible ?? true;
    this.elemId = opts.elemId;
    this.elemClasses = opts.elemClasses ?? [];
    this.value = opts.value;
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
      show_label: true,
      value: null,
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

  protected fail(message: string): never {
    throw new ValidationError(`${this.className}${this.label ? ` "${this.label}"` : ""}: ${message}`);
  }
}

export type OptionKind = "string" | "number" | "boolean" | "string[]" | "any" | "function" | ((v: unknown) => boolean);

/** Validates an options object: an unknown option or a wrong type throws an Error naming it. */
export function checkOptions(
  owner: string,
  opts: Record<string, unknown>,
  ...specs: Record<string, OptionKind>[]
): void {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(`${owner}: options must be an object, got ${describe(opts)}`);
  }
  const spec: Record<string, OptionKind> = Object.assign({}, ...specs);
  for (const [key, value] of Object.entries(opts)) {
    const kind = spec[key];
    if (kind === undefined) {
      const known = Object.keys(spec).sort().join(", ");
      throw new TypeError(`${owner}: unknown option "${key}" (known options: ${known})`);
    }
    if (value === undefined || kind === "any") continue;
    const ok =
      typeof kind === "function"
        ? kind(value)
        : kind === "string[]"
          ? Array.isArray(value) && value.every((v) => typeof v === "string")
          : typeof value === kind;
    if (!ok) {
      const want = typeof kind === "function" ? "a valid value" : kind === "string[]" ? "an array of strings" : `a ${kind}`;
      throw new TypeError(`${owner}: option "${key}" must be ${want}, got ${describe(value)}`);
    }
  }
}
