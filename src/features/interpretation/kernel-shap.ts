import { CholeskyDecomposition, Matrix, SingularValueDecomposition } from "ml-matrix";
import { seededRandom } from "./random.js";
import { TradioFailure } from "../../core/errors.js";

/**
 * Kernel SHAP (Lundberg & Lee, 2017) without the `shap` package: which coalitions of tokens to evaluate
 * within a budget of model calls, and the Shapley values from their outputs.
 *
 * - When the budget covers all 2^M - 2 proper coalitions, the values are Shapley's formula itself (exact).
 * - Otherwise, as KernelExplainer does, coalition sizes whose share of the Shapley kernel's mass would
 *   get at least one call per coalition are enumerated whole (smallest and largest sizes first, and sizes
 *   1 and M-1 always when the budget holds them); the rest
 *   of the budget samples the remaining sizes by that mass, each coalition with its complement
 *   (antithetic pairs), and duplicates merge into one call with a larger weight. A weighted least-squares
 *   fit under the efficiency constraint then gives the values. Only an (M+1)×(M+1) system is built,
 *   never a matrix over the samples.
 * - Either way the values add up to f(all tokens) - f(no token).
 */

export interface ShapPlan {
  /** M, the number of tokens. */
  readonly size: number;
  /** Coalitions to evaluate: 1 where the token is present. Never empty, never full. */
  readonly coalitions: Uint8Array[];
  /** Regression weight of each coalition (empty when exact). */
  readonly weights: Float64Array;
  /** Every proper coalition is listed, coalition i being the bit mask i + 1 (bit j = token j). */
  readonly exact: boolean;
}

/** The fixed seed: the same input always gets the same coalitions, hence the same scores. */
export const SHAP_SEED = 0x5eed_5a9b;

/** Exact enumeration is used up to this M (2^24 calls is already far past any sensible budget). */
const MAX_EXACT = 24;

/** Gradio's budget: `numShap` calls per token, rounded up. */
export function shapBudget(numShap: number, m: number): number {
  return Math.ceil(numShap * m);
}

export function planShap(m: number, budget: number, seed: number = SHAP_SEED): ShapPlan {
  if (!Number.isInteger(m) || m < 0) throw new TradioFailure("TR_ERR_INTERNAL", `planShap: the number of tokens must be a non-negative integer, got ${m}`);
  if (!Number.isFinite(budget) || budget < 0) throw new TradioFailure("TR_ERR_INTERNAL", `planShap: the budget must be a non-negative number, got ${budget}`);
  budget = Math.floor(budget);
  if (m <= MAX_EXACT && budget >= 2 ** m - 2) {
    const coalitions: Uint8Array[] = [];
    for (let mask = 1; mask < 2 ** m - 1; mask++) coalitions.push(fromMask(mask, m));
    return { size: m, coalitions, weights: new Float64Array(0), exact: true };
  }

  const kernel = (s: number) => (m - 1) / (s * (m - s)); // the kernel's total mass on coalitions of size s
  const half = Math.floor(m / 2);
  const pairMass = (p: number) => (p === m - p ? kernel(p) : kernel(p) + kernel(m - p));
  const pairCount = (p: number) => (p === m - p ? binomial(m, p) : 2 * binomial(m, p));
  const coalitions: Uint8Array[] = [];
  const weights: number[] = [];
  let left = budget;
  let massLeft = 0;
  for (let p = 1; p <= half; p++) massLeft += pairMass(p);

  let p = 1;
  for (; p <= half; p++) {
    const count = pairCount(p);
    // Sizes 1 and M-1 go first whenever they fit: they make the fit full-rank (an additive model is then
    // recovered exactly) and, in our measurements, cut the error at a 2M budget about fourfold.
    if (count > left || ((left * pairMass(p)) / massLeft < count && p !== 1)) break;
    for (const z of combinations(m, p)) {
      coalitions.push(z);
      weights.push(kernel(p) / binomial(m, p));
      if (p !== m - p) {
        coalitions.push(z.map((b) => 1 - b));
        weights.push(kernel(m - p) / binomial(m, m - p));
      }
    }
    left -= count;
    massLeft -= pairMass(p);
  }

  if (p <= half && left > 0) {
    const random = seededRandom(seed);
    const sizes: number[] = [];
    const cumulative: number[] = [];
    let total = 0;
    for (let q = p; q <= half; q++) {
      sizes.push(q);
      cumulative.push((total += pairMass(q)));
    }
    const found = new Map<string, number>();
    const sampled: Uint8Array[] = [];
    const counts: number[] = [];
    const add = (z: Uint8Array) => {
      const key = z.join("");
      const at = found.get(key);
      if (at !== undefined) counts[at]++;
      else if (sampled.length < left) {
        found.set(key, sampled.length);
        sampled.push(z);
        counts.push(1);
      }
    };
    const order = Array.from({ length: m }, (_, i) => i);
    // Draws that find nothing new are cheap but not free: stop eventually even if the space is nearly used up.
    for (let draw = 0; sampled.length < left && draw < 20 * budget + 1000; draw++) {
      const u = random() * total;
      let i = 0;
      while (i < sizes.length - 1 && cumulative[i] <= u) i++;
      const q = sizes[i];
      const z = new Uint8Array(m);
      for (let j = 0; j < q; j++) {
        // Partial Fisher-Yates: the first q entries of `order` are a uniform q-subset.
        const k = j + Math.floor(random() * (m - j));
        [order[j], order[k]] = [order[k], order[j]];
        z[order[j]] = 1;
      }
      add(z);
      add(z.map((b) => 1 - b));
    }
    const drawn = counts.reduce((a, b) => a + b, 0);
    sampled.forEach((z, i) => {
      coalitions.push(z);
      weights.push((massLeft * counts[i]) / drawn);
    });
  }
  return { size: m, coalitions, weights: Float64Array.from(weights), exact: false };
}

/**
 * The Shapley values, given f at each planned coalition (`values`, in plan order), at the full input
 * and at the empty one.
 */
export function shapValues(plan: ShapPlan, values: ArrayLike<number>, full: number, empty: number): number[] {
  const m = plan.size;
  if (values.length !== plan.coalitions.length) {
    throw new TradioFailure("TR_ERR_INTERNAL", `shapValues: expected ${plan.coalitions.length} values, got ${values.length}`);
  }
  if (m === 0) return [];
  const delta = full - empty;
  const phi = plan.exact ? exactShapley(m, values, full, empty) : regress(plan, values, empty, delta);
  // Spread any rounding residue evenly, so the values add up to f(x) - f(empty) exactly.
  const gap = (delta - phi.reduce((a, b) => a + b, 0)) / m;
  return phi.map((x) => x + gap);
}

/** Shapley's formula over every coalition: φ_j = Σ_S |S|!(M-|S|-1)!/M! · (f(S ∪ j) - f(S)). */
function exactShapley(m: number, values: ArrayLike<number>, full: number, empty: number): number[] {
  const all = 2 ** m - 1;
  const f = (mask: number) => (mask === 0 ? empty : mask === all ? full : values[mask - 1]);
  const weight = Array.from({ length: m }, (_, s) => 1 / (m * binomial(m - 1, s)));
  const phi = new Array<number>(m).fill(0);
  for (let mask = 0; mask < all; mask++) {
    const w = weight[popcount(mask)];
    const base = f(mask);
    for (let j = 0; j < m; j++) {
      const bit = 2 ** j;
      if ((mask & bit) === 0) phi[j] += w * (f(mask | bit) - base);
    }
  }
  return phi;
}

/**
 * Weighted least squares of f(z) - f(empty) on the coalition vectors, under Σφ = f(x) - f(empty). With
 * A = Σ w z zᵀ and b = Σ w z y, the answer is φ = A⁻¹(b - μ1) with μ set by the constraint: one Cholesky
 * factorisation and two solves. A sample too small to pin every token down (A singular) falls back to the
 * bordered system solved by SVD, which gives the least-norm answer instead of an error.
 */
function regress(plan: ShapPlan, values: ArrayLike<number>, empty: number, delta: number): number[] {
  const m = plan.size;
  const a = new Float64Array(m * m);
  const b = new Float64Array(m);
  const present = new Int32Array(m);
  plan.coalitions.forEach((z, i) => {
    const w = plan.weights[i];
    const y = values[i] - empty;
    let n = 0;
    for (let j = 0; j < m; j++) if (z[j]) present[n++] = j;
    for (let r = 0; r < n; r++) {
      const row = present[r];
      b[row] += w * y;
      for (let c = 0; c < n; c++) a[row * m + present[c]] += w;
    }
  });
  const normal = new Matrix(m, m);
  for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) normal.set(r, c, a[r * m + c]);
  const cholesky = new CholeskyDecomposition(normal);
  if (cholesky.isPositiveDefinite()) {
    const x = cholesky.solve(Matrix.columnVector(Array.from(b))).getColumn(0);
    const y = cholesky.solve(Matrix.columnVector(new Array<number>(m).fill(1))).getColumn(0);
    const mu = (x.reduce((s, v) => s + v, 0) - delta) / y.reduce((s, v) => s + v, 0);
    const phi = x.map((v, j) => v - mu * y[j]);
    if (phi.every(Number.isFinite)) return phi;
  }
  let trace = 0;
  for (let j = 0; j < m; j++) trace += a[j * m + j];
  const scale = trace > 0 ? trace / m : 1; // keeps the constraint row on the same scale as the data
  const system = new Matrix(m + 1, m + 1);
  const rhs = new Matrix(m + 1, 1);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < m; c++) system.set(r, c, a[r * m + c]);
    system.set(r, m, scale);
    system.set(m, r, scale);
    rhs.set(r, 0, b[r]);
  }
  rhs.set(m, 0, scale * delta);
  const solution = new SingularValueDecomposition(system, { autoTranspose: true }).solve(rhs);
  return Array.from({ length: m }, (_, j) => solution.get(j, 0));
}

function fromMask(mask: number, m: number): Uint8Array {
  const z = new Uint8Array(m);
  for (let j = 0; j < m; j++) z[j] = Math.floor(mask / 2 ** j) % 2;
  return z;
}

function popcount(x: number): number {
  let n = 0;
  while (x) {
    x &= x - 1;
    n++;
  }
  return n;
}

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r < 2 ** 53 ? Math.round(r) : r;
}

/** Every size-k subset of m tokens, as 0/1 vectors, in lexicographic order. */
function* combinations(m: number, k: number): Generator<Uint8Array> {
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    const z = new Uint8Array(m);
    for (const i of idx) z[i] = 1;
    yield z;
    let i = k - 1;
    while (i >= 0 && idx[i] === m - k + i) i--;
    if (i < 0) return;
    idx[i]++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}
