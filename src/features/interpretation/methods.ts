import type { Component } from "../../components/component.js";
import type { ComponentContext } from "../../core/context.js";
import { TradioError, ValidationError } from "../../core/errors.js";
import { isNeighbourInterpretable, isTokenInterpretable } from "../../core/interpretable.js";
import { Registry } from "../../core/registry.js";
import { leaveOneOutMasks, leaveOneOutScores, neighbourScores } from "./leave-one-out.js";

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
  plan(input: Component<any, any>, value: unknown, opts: { ctx: ComponentContext; numShap: number }): Promise<InputPlan>;
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
  async plan(input, value, { ctx }) {
    // An input left empty (null) has nothing to take apart.
    if (value === null || value === undefined) return { tries: [], finish: () => null };
    if (isTokenInterpretable(input)) {
      // Leave-one-out: a token's score is how much the prediction falls without it.
      const tokens = await input.interpretationTokens(value, ctx);
      return {
        tries: leaveOneOutMasks(tokens.count).map((z) => () => tokens.build(z)),
        finish: (scores, original) => tokens.shape(leaveOneOutScores(original, scores)),
      };
    }
    if (!isNeighbourInterpretable(input)) throw new TradioError(`${input.className} has no "default" interpretation`);
    const neighbours = input.interpretationNeighbours(value);
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
  async plan(input, value, { ctx, numShap }) {
    if (value === null || value === undefined) return { tries: [], finish: () => null };
    if (!isTokenInterpretable(input)) throw new TradioError(`${input.className} has no "shap" interpretation`);
    const tokens = await input.interpretationTokens(value, ctx);
    if (tokens.count === 0) return { tries: [], finish: () => tokens.shape([]) };
    if (tokens.count > MAX_SHAP_TOKENS) {
      throw new ValidationError(`SHAP interpretation handles at most ${MAX_SHAP_TOKENS} tokens; this ${input.className} has ${tokens.count}`, "TR_ERR_TOO_COMPLEX");
    }
    const { planShap, shapBudget, shapValues } = await import("./kernel-shap.js");
    const shap = planShap(tokens.count, shapBudget(numShap, tokens.count));
    // The first try is the empty coalition (every token absent); the rest are SHAP's sampled coalitions.
    return {
      tries: [new Uint8Array(tokens.count), ...shap.coalitions].map((z) => () => tokens.build(z)),
      finish: (scores, original) => tokens.shape(shapValues(shap, scores.slice(1), original, scores[0])),
    };
  },
});
