/**
 * Gradio's "default" interpretation. Token inputs drop one token at a time: a token's score is how much
 * the prediction falls without it, f(x) - f(x without token), so the parts that support the prediction
 * are positive (red). Neighbour inputs try other values: a value's score is how much the prediction would
 * rise with it, f(neighbour) - f(x).
 */

/** The coalition with every one of M tokens present but token i (made when its call is, not all M at once). */
export function leaveOneOutMask(m: number, i: number): Uint8Array {
  const z = new Uint8Array(m).fill(1);
  z[i] = 0;
  return z;
}

export function leaveOneOutScores(original: number, without: readonly number[]): number[] {
  return without.map((v) => original - v);
}

export function neighbourScores(original: number, neighbours: readonly number[]): number[] {
  return neighbours.map((v) => v - original);
}
