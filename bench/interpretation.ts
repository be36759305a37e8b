// `npm run bench interpret` (or `tsx bench/interpretation.ts` after a build): interpretation speed and
// SHAP accuracy, each against a baseline computed in the same run.
import { Interface } from "../dist/index.js";
import { planShap, shapValues } from "../dist/features/interpretation/kernel-shap.js";
import { seededRandom } from "../dist/features/interpretation/random.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * 1. Time to interpret a 40-token text when every model call takes 5 ms (a remote or GPU model: the
 *    event loop is free meanwhile). The baseline evaluates one perturbation after another, as Gradio
 *    did (interpretationConcurrency: 1); the rounds alternate so machine drift hits both alike.
 */
async function speed() {
  const latency = () => new Promise((resolve) => setTimeout(resolve, 5)); // the simulated model's latency
  const score = (text: string) => {
    const n = text.split(" ").filter((w) => w.startsWith("good")).length;
    const pos = 1 / (1 + Math.exp(-n / 4));
    return { pos, neg: 1 - pos };
  };
  const model = async (text: string) => (await latency(), score(text));
  const batchModel = async (texts: string[]) => (await latency(), [texts.map(score)]);
  const text = Array.from({ length: 40 }, (_, i) => (i % 3 ? `word${i}` : `good${i}`)).join(" ");
  const variants = {
    sequential: new Interface({ fn: model, inputs: "text", outputs: "label", interpretation: "default", interpretationConcurrency: 1 }),
    concurrent: new Interface({ fn: model, inputs: "text", outputs: "label", interpretation: "default" }),
    wider: new Interface({ fn: model, inputs: "text", outputs: "label", interpretation: "default", interpretationConcurrency: 8 }),
    batched: new Interface({ fn: batchModel, batch: true, maxBatchSize: 4, inputs: "text", outputs: "label", interpretation: "default" }),
  };
  const times: Record<keyof typeof variants, number[]> = { sequential: [], concurrent: [], wider: [], batched: [] };
  const reference = JSON.stringify(await variants.sequential.interpret([text]));
  for (const iface of Object.values(variants)) {
    if (JSON.stringify(await iface.interpret([text])) !== reference) throw new Error("the variants disagree on the scores");
  }
  for (let round = 0; round < 7; round++) {
    for (const [name, iface] of Object.entries(variants) as [keyof typeof variants, (typeof variants)["sequential"]][]) {
      const started = performance.now();
      await iface.interpret([text]);
      times[name].push(performance.now() - started);
    }
  }
  const seq = median(times.sequential);
  const line = (name: keyof typeof variants, what: string) =>
    `  ${what.padEnd(47)} ${median(times[name]).toFixed(0).padStart(5)} ms   ${(seq / median(times[name])).toFixed(2)}x`;
  console.log("interpretation of a 40-token text (41 calls), model 5 ms a call, median of 7 alternating rounds:");
  console.log(line("sequential", "one call after another (Gradio's way)"));
  console.log(line("concurrent", "tradio, async fn, 4 calls in flight (default)"));
  console.log(line("wider", "tradio, async fn, interpretationConcurrency 8"));
  console.log(line("batched", "tradio, batch: true, maxBatchSize 4"));
  console.log("  (target >= 4: 40 perturbed calls, 4 in flight, beside the original prediction: at best 41/10 = 4.1x)");
}

/**
 * 2. SHAP accuracy for M = 16 on non-additive functions: mean absolute error against Shapley values
 *    computed by brute force over all 2^16 coalitions.
 */
function accuracy() {
  const m = 16;
  const functions = 10;
  const make = (seed: number) => {
    const r = seededRandom(seed);
    const w = Array.from({ length: m }, () => r() * 2 - 1);
    const pairs = Array.from({ length: m }, () => [Math.floor(r() * m), Math.floor(r() * m), r() * 2 - 1]);
    return (z: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < m; i++) s += w[i] * z[i];
      for (const [a, b, c] of pairs) s += c * z[a] * z[b];
      return 1 / (1 + Math.exp(-s)); // a logistic of weights plus pairwise interactions
    };
  };
  const bruteForce = (f: (z: ArrayLike<number>) => number) => {
    const all = 1 << m;
    const value = new Float64Array(all);
    const z = new Uint8Array(m);
    for (let mask = 0; mask < all; mask++) {
      for (let j = 0; j < m; j++) z[j] = (mask >> j) & 1;
      value[mask] = f(z);
    }
    const fact = [1];
    for (let i = 1; i <= m; i++) fact[i] = fact[i - 1] * i;
    const phi = new Array<number>(m).fill(0);
    for (let mask = 0; mask < all; mask++) {
      let s = 0;
      for (let x = mask; x; x &= x - 1) s++;
      const w = (fact[s] * fact[m - s - 1]) / fact[m];
      for (let j = 0; j < m; j++) if (!(mask & (1 << j))) phi[j] += w * (value[mask | (1 << j)] - value[mask]);
    }
    return phi;
  };
  const ones = new Uint8Array(m).fill(1);
  const zeros = new Uint8Array(m);
  const rows: string[] = [];
  let magnitude = 0;
  for (const k of [2, 8, 64]) {
    const errors: number[] = [];
    let efficiency = 0;
    for (let seed = 1; seed <= functions; seed++) {
      const f = make(seed * 101);
      const truth = bruteForce(f);
      const plan = planShap(m, k * m);
      const phi = shapValues(plan, plan.coalitions.map(f), f(ones), f(zeros));
      magnitude += truth.reduce((a, x) => a + Math.abs(x), 0) / m / functions / 3;
      errors.push(phi.reduce((a, x, i) => a + Math.abs(x - truth[i]), 0) / m);
      efficiency = Math.max(efficiency, Math.abs(phi.reduce((a, b) => a + b, 0) - (f(ones) - f(zeros))));
    }
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    rows.push(
      `  | ${`${k}M = ${k * m}`.padEnd(11)} | ${mean.toExponential(2).padStart(9)} | ${Math.max(...errors).toExponential(2).padStart(9)} | ${efficiency.toExponential(1).padStart(8)} |`,
    );
  }
  console.log(`SHAP accuracy, M = 16, ${functions} non-additive functions (logistic of weights + pairwise interactions),`);
  console.log(`mean absolute error against brute-force Shapley values (whose mean |φ| is ${magnitude.toExponential(2)}):`);
  console.log("  | budget      | mean MAE  | worst MAE | |Σφ - Δ| |");
  console.log("  |-------------|-----------|-----------|----------|");
  for (const r of rows) console.log(r);
}

/**
 * 3. A synchronous model keeps the event loop busy while it is interpreted. The longest stall of the loop
 *    (what a request arriving meanwhile, GET /config say, would wait) against the whole interpretation's
 *    time, which is the stall a server that never yields would show.
 */
async function stalls() {
  const { monitorEventLoopDelay } = await import("node:perf_hooks");
  const busy = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };
  const iface = new Interface({ fn: (text: string) => (busy(1), { long: text.length / 3000, short: 1 - text.length / 3000 }), inputs: "text", outputs: "label", interpretation: "default" });
  const text = Array.from({ length: 500 }, (_, i) => `w${i}`).join(" ");
  const stallsMs: number[] = [];
  const totals: number[] = [];
  for (let round = 0; round < 3; round++) {
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const started = performance.now();
    await iface.interpret([text]);
    totals.push(performance.now() - started);
    h.disable();
    stallsMs.push(h.max / 1e6);
  }
  const refuse = performance.now();
  await iface.interpret([`${text} ${text}`]).catch((e: { code?: string }) => {
    if (e.code !== "TR_ERR_TOO_COMPLEX") throw e;
  });
  console.log(
    `interpretation of a 500-token text on a synchronous 1 ms model (501 calls, median of 3): ${median(totals).toFixed(0)} ms, longest event-loop stall ${median(stallsMs).toFixed(1)} ms, ratio ${(median(stallsMs) / median(totals)).toFixed(3)} (1 = the loop blocked throughout); a 1000-token text is refused (maxPerturbations 500) in ${(performance.now() - refuse).toFixed(1)} ms`,
  );
}

await speed();
accuracy();
await stalls();
