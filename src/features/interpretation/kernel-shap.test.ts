import { describe, expect, it } from "vitest";
import { planShap, shapBudget, shapValues } from "./kernel-shap.js";
import { seededRandom } from "./random.js";

type F = (z: ArrayLike<number>) => number;

/** Runs Kernel SHAP on f for m tokens with the given budget. */
function shap(f: F, m: number, budget: number, seed?: number): number[] {
  const plan = planShap(m, budget, seed);
  return shapValues(plan, plan.coalitions.map(f), f(new Uint8Array(m).fill(1)), f(new Uint8Array(m)));
}

/** Shapley values by definition, written independently of the code under test: the average marginal contribution over all orderings, counted by subset. */
function bruteForce(f: F, m: number): number[] {
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const phi = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & (1 << i)) continue;
      const z = Array.from({ length: m }, (_, j) => (mask >> j) & 1);
      const s = z.reduce((a, b) => a + b, 0);
      const with_ = [...z];
      with_[i] = 1;
      phi[i] += ((fact(s) * fact(m - s - 1)) / fact(m)) * (f(with_) - f(z));
    }
  }
  return phi;
}

/** A random non-additive function of m tokens: weights, pairwise interactions, a squashing nonlinearity. */
function randomFunction(m: number, seed: number): F {
  const r = seededRandom(seed);
  const w = Array.from({ length: m }, () => r() * 2 - 1);
  const pairs = Array.from({ length: m }, () => [Math.floor(r() * m), Math.floor(r() * m), r() * 2 - 1]);
  return (z) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += w[i] * z[i];
    for (const [a, b, c] of pairs) s += c * z[a] * z[b];
    return 1 / (1 + Math.exp(-s));
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mae = (a: number[], b: number[]) => sum(a.map((x, i) => Math.abs(x - b[i]))) / a.length;

describe("Kernel SHAP", () => {
  it("matches brute-force Shapley values exactly for M <= 10 once the budget reaches 2^M - 2", () => {
    for (let m = 1; m <= 10; m++) {
      const f = randomFunction(m, 100 + m);
      const truth = bruteForce(f, m);
      for (const budget of [2 ** m - 2, 2 ** m + 5]) {
        const plan = planShap(m, budget);
        expect(plan.exact).toBe(true);
        expect(plan.coalitions).toHaveLength(Math.max(0, 2 ** m - 2));
        shap(f, m, budget).forEach((x, i) => expect(x).toBeCloseTo(truth[i], 12));
      }
    }
  });

  it("stays close to exact with one call less than the full enumeration (the regression path)", () => {
    const m = 10;
    const f = randomFunction(m, 7);
    const plan = planShap(m, 2 ** m - 3);
    expect(plan.exact).toBe(false);
    expect(mae(shap(f, m, 2 ** m - 3), bruteForce(f, m))).toBeLessThan(1e-3);
  });

  it("is efficient: the scores add up to f(x) - f(empty), exactly and sampled", () => {
    for (const [m, budget] of [
      [6, 100],
      [16, 32],
      [16, 128],
      [30, 60],
      [40, 17],
    ]) {
      const f = randomFunction(m, m * budget);
      const full = f(new Uint8Array(m).fill(1));
      const empty = f(new Uint8Array(m));
      expect(sum(shap(f, m, budget))).toBeCloseTo(full - empty, 12);
    }
  });

  it("is symmetric: two interchangeable tokens get the same credit", () => {
    const f: F = (z) => Math.sqrt(z[0] + z[1] + 0.5 * z[2]) * (1 + z[3]);
    const phi = shap(f, 4, 14);
    expect(phi[0]).toBeCloseTo(phi[1], 12);
    expect(phi[0]).not.toBeCloseTo(phi[2], 3);
  });

  it("gives a dummy token nothing", () => {
    const f: F = (z) => z[0] * z[1] + 2 * z[2] - z[0] * z[2];
    expect(shap(f, 5, 30)[3]).toBeCloseTo(0, 12);
    expect(shap(f, 5, 30)[4]).toBeCloseTo(0, 12);
  });

  it("is linear, exactly and with sampling (the coalitions do not depend on f)", () => {
    for (const [m, budget] of [
      [6, 62],
      [16, 40],
    ]) {
      const f = randomFunction(m, 1);
      const g = randomFunction(m, 2);
      const h: F = (z) => 2 * f(z) - 3 * g(z);
      const [pf, pg, ph] = [shap(f, m, budget), shap(g, m, budget), shap(h, m, budget)];
      ph.forEach((x, i) => expect(x).toBeCloseTo(2 * pf[i] - 3 * pg[i], 10));
    }
  });

  it("returns an additive model's weights exactly from a budget of 2M", () => {
    for (const m of [5, 16, 40]) {
      const r = seededRandom(m);
      const w = Array.from({ length: m }, () => r() * 4 - 2);
      const f: F = (z) => 0.3 + w.reduce((a, wi, i) => a + wi * z[i], 0);
      const plan = planShap(m, shapBudget(2, m));
      if (m > 5) expect(plan.exact).toBe(false);
      shap(f, m, shapBudget(2, m)).forEach((x, i) => expect(x).toBeCloseTo(w[i], 9));
    }
  });

  it("splits the credit of an interaction equally", () => {
    const f: F = (z) => (z[0] && z[2] ? 1 : 0);
    const phi = shap(f, 4, 14);
    expect(phi[0]).toBeCloseTo(0.5, 12);
    expect(phi[2]).toBeCloseTo(0.5, 12);
    expect(phi[1]).toBeCloseTo(0, 12);
    expect(phi[3]).toBeCloseTo(0, 12);
  });

  it("gets closer to the truth as the budget grows", () => {
    const m = 16;
    let coarse = 0;
    let fine = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const f = randomFunction(m, seed);
      const truth = shap(f, m, 2 ** m); // exact (checked against brute force above)
      coarse += mae(shap(f, m, 2 * m), truth);
      fine += mae(shap(f, m, 64 * m), truth);
    }
    expect(fine).toBeLessThan(coarse / 2);
  });

  it("plans within the budget: distinct proper coalitions, positive weights, the same ones for the same seed", () => {
    const plan = planShap(20, 200);
    expect(plan.coalitions.length).toBeLessThanOrEqual(200);
    expect(plan.coalitions.length).toBeGreaterThan(190);
    const keys = new Set(plan.coalitions.map((z) => z.join("")));
    expect(keys.size).toBe(plan.coalitions.length);
    for (const z of plan.coalitions) {
      const n = sum(Array.from(z));
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(20);
    }
    expect(Array.from(plan.weights).every((w) => w > 0)).toBe(true);
    expect(planShap(20, 200).coalitions.map((z) => z.join(""))).toEqual(plan.coalitions.map((z) => z.join("")));
    expect(planShap(20, 200, 12345).coalitions.map((z) => z.join(""))).not.toEqual(plan.coalitions.map((z) => z.join("")));
  });

  it("samples coalitions with their complements", () => {
    const plan = planShap(24, 100);
    const keys = new Set(plan.coalitions.map((z) => z.join("")));
    const paired = plan.coalitions.filter((z) => keys.has(z.map((b) => 1 - b).join(""))).length;
    expect(paired).toBe(plan.coalitions.length);
  });

  it("handles no token, one token and a budget below 2M", () => {
    expect(shap(() => 1, 0, 10)).toEqual([]);
    expect(shap((z) => 3 * z[0] + 1, 1, 0)).toEqual([3]);
    const f = randomFunction(12, 3);
    const phi = shap(f, 12, 5);
    expect(phi).toHaveLength(12);
    expect(sum(phi)).toBeCloseTo(f(new Uint8Array(12).fill(1)) - f(new Uint8Array(12)), 12);
  });

  it("refuses nonsense sizes and budgets", () => {
    expect(() => planShap(-1, 10)).toThrowCode("TR_ERR_INTERNAL", /number of tokens/);
    expect(() => planShap(2.5, 10)).toThrowCode("TR_ERR_INTERNAL", /number of tokens/);
    expect(() => planShap(4, Number.NaN)).toThrowCode("TR_ERR_INTERNAL", /budget/);
    expect(() => shapValues(planShap(3, 6), [1, 2], 0, 0)).toThrowCode("TR_ERR_INTERNAL");
  });
});
