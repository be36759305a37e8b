import { isPositiveInt, oneOf, type OptionKind } from "../core/options.js";
import { isFlaggingCallback, type FlaggingCallback } from "../features/flagging/callback.js";
import type { FlaggingMode } from "../features/flagging/flagger.js";
import { flaggingCallbacks } from "../features/flagging/registry.js";
import { interpretationMethods } from "../features/interpretation/methods.js";
import type { BatchFn, InterfaceFn, Specs } from "./types.js";

export type { FlaggingMode };
export type InterpretationMethod = "default" | "shap" | "shapley";
type InterpretationFn = (...args: any[]) => unknown;

/** Every Interface option but the function, the components and batching: what load(), Parallel and Series pass on. */
export interface CommonOptions {
  /** Shown as the page heading and the tab title. */
  title?: string;
  /** Markdown above the components. */
  description?: string;
  /** Markdown below the components. */
  article?: string;
  /** A CSS string, or the path to a .css file. */
  css?: string;
  /** A list of examples (one list per example, or a flat list for one input), or a flagging folder. */
  examples?: unknown[] | string;
  examplesPerPage?: number;
  /** Run the examples once at launch so a click also fills the outputs. */
  cacheExamples?: boolean;
  /** No Submit button: the function runs whenever an input changes. */
  live?: boolean;
  /** The run button's text (default "Submit", or "Generate" for an interface without inputs). */
  submitBtn?: string;
  /** The clear button's text (default "Clear"); null (Gradio's None) or false hides the button. */
  clearBtn?: string | null | false;
  /** The text the run button shows while a run can be stopped (default "Stop"). Gradio refuses None here, and so does tradio. */
  stopBtn?: string;
  /** "manual" (default; "never" for an interface without outputs): Flag buttons; "auto": every run is flagged; "never". */
  allowFlagging?: FlaggingMode;
  /** Gradio 5's name for `allowFlagging` (either may be given; both, only if they agree). */
  flaggingMode?: FlaggingMode;
  /** One button per option: a string gives "Flag as <option>", a [label, value] pair sets both. */
  flaggingOptions?: (string | [string, string])[];
  /** Where flagged samples go (default "flagged", relative to the working directory). */
  flaggingDir?: string;
  /** Default: a CSVLogger writing `<flaggingDir>/log.csv`. A registered name ("csv", "sqlite") also works. */
  flaggingCallback?: FlaggingCallback | string;
  /**
   * Most bytes the flagging folder may hold, files and log together (default 1 GiB; null: no bound).
   * A flag that could take it past is refused whole with 507 TR_ERR_STORE_FULL. Counts what tradio's
   * loggers write; a `flaggingCallback` of your own keeps its own bounds.
   */
  maxFlaggedBytes?: number | null;
  /** Flags one client address may send a minute (default 60; null: no limit); past it 429 TR_ERR_RATE_LIMITED. */
  flagsPerMinute?: number | null;
  /** "default" (leave-one-out), "shap", a registered method's name, or a custom function; or one per input. */
  interpretation?: InterpretationMethod | string | InterpretationFn | (InterpretationMethod | string | InterpretationFn | null)[];
  numShap?: number;
  interpretationConcurrency?: number;
  /** Most perturbed calls one interpretation request may make (default 500); past it the request gets 422 TR_ERR_TOO_COMPLEX. */
  maxPerturbations?: number;
  theme?: string;
  thumbnail?: string;
  /** Name of the API endpoint (default "predict"). */
  apiName?: string;
  /** What the endpoint does, for agents (its MCP tool's description) and `/info`; default the function's JSDoc, then `description`. */
  toolDescription?: string;
  /** Most calls of this function running at once (default: the queue's default, 1). */
  concurrencyLimit?: number | "default" | null;
  /** Accepted for Gradio code; the screenshot button is gone from Gradio too. */
  allowScreenshot?: boolean;
}

/** Where the additional inputs are shown: a closed accordion, labelled "Additional Inputs" unless given. */
export interface AdditionalInputsAccordion {
  label?: string;
  /** Open when the page loads (default false). */
  open?: boolean;
}

interface ComponentsOption<I extends Specs, O extends Specs, A extends Specs> {
  inputs: I;
  outputs: O;
  /**
   * More inputs, after `inputs`: the function receives them as further parameters, and the page shows them in
   * an accordion under the inputs, closed (Gradio's `additional_inputs`). Examples may leave them out.
   */
  additionalInputs?: A;
  /** The accordion's label, or `{ label, open }`. */
  additionalInputsAccordion?: string | AdditionalInputsAccordion;
  maxBatchSize?: number;
}

export type InterfaceOptions<I extends Specs, O extends Specs, A extends Specs = readonly []> = CommonOptions &
  ComponentsOption<I, O, A> &
  ({ fn: InterfaceFn<I, O, A>; batch?: false } | { fn: BatchFn<I, O, A>; batch: true });

const isAccordion = (v: unknown): boolean => {
  if (typeof v === "string") return true;
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return (
    Object.keys(o).every((k) => k === "label" || k === "open") &&
    (o.label === undefined || typeof o.label === "string") &&
    (o.open === undefined || typeof o.open === "boolean")
  );
};

const positiveIntOrNull = Object.assign((v: unknown): boolean => v === null || isPositiveInt(v), { expected: "a positive integer or null" });

const nonEmptyText = Object.assign((v: unknown): boolean => typeof v === "string" && v.trim() !== "", { expected: "a non-empty string" });

const isMethod = (v: unknown): boolean =>
  v === "shapley" || typeof v === "function" || (typeof v === "string" && interpretationMethods.has(v));

/** The checks of the options every builder of an Interface passes on (load(), Parallel, Series). */
export const COMMON_KINDS: Record<keyof CommonOptions, OptionKind> = {
  title: "string",
  description: "string",
  article: "string",
  css: "string",
  examples: (v) => typeof v === "string" || Array.isArray(v),
  examplesPerPage: isPositiveInt,
  cacheExamples: "boolean",
  live: "boolean",
  submitBtn: nonEmptyText,
  clearBtn: Object.assign((v: unknown) => v === null || v === false || nonEmptyText(v), { expected: "a non-empty string, null or false" }),
  stopBtn: nonEmptyText,
  allowFlagging: oneOf("manual", "auto", "never"),
  flaggingMode: oneOf("manual", "auto", "never"),
  flaggingOptions: (v) =>
    Array.isArray(v) && v.every((o) => typeof o === "string" || (Array.isArray(o) && o.length === 2 && o.every((x) => typeof x === "string"))),
  flaggingDir: "string",
  flaggingCallback: (v) => isFlaggingCallback(v) || (typeof v === "string" && flaggingCallbacks.has(v)),
  maxFlaggedBytes: positiveIntOrNull,
  flagsPerMinute: positiveIntOrNull,
  interpretation: (v) => isMethod(v) || (Array.isArray(v) && v.every((m) => m === null || isMethod(m))),
  numShap: (v) => typeof v === "number" && Number.isFinite(v) && v > 0,
  interpretationConcurrency: isPositiveInt,
  maxPerturbations: isPositiveInt,
  theme: "string",
  thumbnail: "string",
  apiName: (v) => typeof v === "string" && /^[A-Za-z_][\w-]*$/.test(v),
  toolDescription: "string",
  concurrencyLimit: (v) => v === null || v === "default" || isPositiveInt(v),
  allowScreenshot: "boolean",
};

/** The names of the common options, in the order they are documented. */
export const COMMON_NAMES = Object.keys(COMMON_KINDS) as (keyof CommonOptions)[];

export const INTERFACE_KINDS: Record<string, OptionKind> = {
  fn: "function",
  inputs: "any",
  outputs: "any",
  batch: "boolean",
  maxBatchSize: isPositiveInt,
  additionalInputs: "any",
  additionalInputsAccordion: isAccordion,
  ...COMMON_KINDS,
};

/** Options of `load()`: where and how to load, plus any Interface option, which overrides what was loaded. */
export interface LoadOptions extends Partial<CommonOptions> {
  /** Hugging Face token for the Hub, the Inference API and private Spaces; default env HF_TOKEN (which plain URLs never get). */
  hfToken?: string;
  /** Name of the local API endpoint (like `apiName`), as Gradio's `alias`. */
  alias?: string;
  /** Gradio's `src`: "huggingface", "models" or "spaces", so the name can be given without its prefix. */
  src?: "huggingface" | "models" | "spaces";
  /** Replace the loaded input components (same count; file inputs stay file inputs). */
  inputs?: Specs;
  /** Replace the loaded output components (same count; file outputs stay file outputs). */
  outputs?: Specs;
  /** Models: a dedicated endpoint serving this model (an Inference Endpoint); default env HF_INFERENCE_ENDPOINT + "/models/<repo>". */
  endpointUrl?: string;
  /** Spaces and URLs: a login for an app launched with `auth`. */
  auth?: [string, string];
  /** Spaces and URLs: which endpoint to wrap (default "/predict", else the first named one). */
  remoteEndpoint?: string;
  /** Spaces and URLs: most remote sessions kept at once (one per local session of a stateful app). Default 1000. */
  maxSessions?: number;
}
