import type { Component } from "../../components/component.js";
import type { ComponentContext } from "../../core/context.js";
import { TradioError, ValidationError } from "../../core/errors.js";
import { isNeighbourInterpretable, isTokenInterpretable } from "../../core/interpretable.js";
import { Registry } from "../../core/registry.js";
import { leaveOneOutMask, leaveOneOutScores, neighbourScores } from "./leave-one-out.js";

/** One input's share of an interpretation run: the values to try for it, and what to make of their scores. */
export interface InputPlan {
  /** Each builds one perturbed value of this input (lazily, so only the calls in flight hold them). */
  tries: (() => unknown | Promise<unknown>)[];
  /** The score of each try (the first output measured against the original) → what the page shows. */
  finish(scores: number[], original: number): unknown;
}

/**
 * An interpretation method ("default", "shap", or one registered by name): which inputs it explains and
 * how. Every method scores the first output, which must be a Label or a Number.
 */
export interface InterpretationMethodDef {
  /** Why this method cannot explain `input` with `output` first, or null when it can. */
  check(input: Component<any, any>, output: Component<any, any> | undefined): string | null;
  /**
   * The values to try for `input`. `maxPerturbations` is how many tries are left for this input under the
   * interface's bound; a method that would need more throws `tooComplex(...)` before building them.
   */
  plan(input: Component<any, any>, value: unknown, opts: { ctx: ComponentContext; numShap: number; maxPerturbations: number }): Promise<InputPlan>;
}

/** The bound's refusal: a 422 with TR_ERR_TOO_COMPLEX naming the input, the count and the limit. */
export function tooComplex(input: Component<any, any>, needed: number, left: number, detail = ""): ValidationError {
  const name = `${input.className}${input.label ? ` "${input.label}"` : ""}`;
  return new ValidationError(
    `interpretation of ${name} needs ${needed} model calls${detail}, more than the ${left} this interface allows per request (its maxPerturbations option); send a shorter input`,
    "TR_ERR_TOO_COMPLEX",
  );
}

/** Interpretation methods by name (the `interpretation` option's strings). */
export const interpretationMethods = new Registry<InterpretationMethodDef>("interpretationMethods");

const TOKEN_KINDS = "Textbox, Image or Audio";
const DEFAULT_KINDS = "Textbox, Image, Audio, Number, Slider, Checkbox, CheckboxGroup, Radio or Dropdown";
/** SHAP's regression is cubic in the number of tokens: past this, leave-one-out is the sensible method. */
export const MAX_SHAP_TOKENS = 1000;

const scoredOutput = (output: Component<any, any> | undefined, labelOnly: boolean): string | null => {
  const kind = output?.className;
  if (kind === "Label" || (!labelOnly && kind === "Number")) return null;
  return labelOnly
    ? `"shap" needs a Label as the first output (a Number works with "default" only)`
    : `the first output must be a Label or a Number for "default" or "shap" interpretation, got ${kind ?? "no output"}`;
};

interpretationMethods.register("default", {
  check(input, output) {
    if (!isTokenInterpretable(input) && !isNeighbourInterpretable(input)) {
      return `has no "default" interpretation (supported: ${DEFAULT_KINDS}); use null for it or a custom function`;
    }
    return scoredOutput(output, false);
  },
  async plan(input, value, { ctx, maxPerturbations }) {
    // An input left empty (null) has nothing to take apart.
    if (value === null || value === undefined) return { tries: [], finish: () => null };
    if (isTokenInterpretable(input)) {
      // Leave-one-out: a token's score is how much the prediction falls without it.
      const tokens = await input.interpretationTokens(value, ctx);
      if (tokens.count > maxPerturbations) throw tooComplex(input, tokens.count, maxPerturbations, ` (one per token)`);
      return {
        tries: Array.from({ length: tokens.count }, (_, i) => () => tokens.build(leaveOneOutMask(tokens.count, i))),
        finish: (scores, original) => tokens.shape(leaveOneOutScores(original, scores)),
      };
    }
    if (!isNeighbourInterpretable(input)) throw new TradioError(`${input.className} has no "default" interpretation`);
    const neighbours = input.interpretationNeighbours(value);
    if (neighbours.values.length > maxPerturbations) throw tooComplex(input, neighbours.values.length, maxPerturbations);
    return {
      tries: neighbours.values.map((v) => () => v),
      finish: (scores, original) => neighbours.shape(neighbourScores(original, scores)),
    };
  },
});

interpretationMethods.register("shap", {
  check(input, output) {
    if (!isTokenInterpretable(input)) return `"shap" needs a token input (${TOKEN_KINDS}); use "default" or null for it`;
    return scoredOutput(output, true);
  },
  async plan(input, value, { ctx, numShap, maxPerturbations }) {
    if (value === null || value === undefined) return { tries: [], finish: () => null };
    if (!isTokenInterpretable(input)) throw new TradioError(`${input.className} has no "shap" interpretation`);
    const tokens = await input.interpretationTokens(value, ctx);
    if (tokens.count === 0) return { tries: [], finish: () => tokens.shape([]) };
    if (tokens.count > MAX_SHAP_TOKENS) {
      throw new ValidationError(`SHAP interpretation handles at most ${MAX_SHAP_TOKENS} tokens; this ${input.className} has ${tokens.count}`, "TR_ERR_TOO_COMPLEX");
    }
    const { planShap, shapBudget, shapValues } = await import("./kernel-shap.js");
    const budget = shapBudget(numShap, tokens.count);
    // The empty coalition, then at most the budget (fewer when every coalition fits in it).
    const calls = 1 + Math.min(budget, 2 ** tokens.count - 2);
    if (calls > maxPerturbations) throw tooComplex(input, calls, maxPerturbations, ` (numShap ${numShap} × ${tokens.count} tokens)`);
    const shap = planShap(tokens.count, budget);
    // The first try is the empty coalition (every token absent); the rest are SHAP's sampled coalitions.
    return {
      tries: [new Uint8Array(tokens.count), ...shap.coalitions].map((z) => () => tokens.build(z)),
      finish: (scores, original) => tokens.shape(shapValues(shap, scores.slice(1), original, scores[0])),
    };
  },
});
