import type { Neighbours } from "../core/interpretable.js";

/**
 * Neighbours of a multi-choice value (CheckboxGroup, multiselect Dropdown): each choice toggled in turn.
 * `keys` are the choices as the function receives them (values, or indices with `type: "index"`).
 * Shown as `[scoreIfUnchecked, scoreIfChecked]` per choice, null at the current state.
 */
export function toggleEach<T>(current: readonly T[], keys: readonly T[]): Neighbours<T[]> {
  const values = keys.map((k) => (current.includes(k) ? current.filter((c) => c !== k) : [...current, k]));
  return {
    values,
    shape: (scores) => keys.map((k, i) => (current.includes(k) ? [scores[i], null] : [null, scores[i]])),
  };
}

/**
 * Neighbours of a single-choice value (Radio, Dropdown): every other choice. Shown as one score per
 * choice, null at the selected one (a custom value outside the choices has no slot).
 */
export function pickEach<T>(current: T, keys: readonly T[]): Neighbours<T> {
  const values = keys.filter((k) => k !== current);
  return {
    values,
    shape: (scores) => {
      let j = 0;
      return keys.map((k) => (k === current ? null : scores[j++]));
    },
  };
}
