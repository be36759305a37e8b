// `npm run bench bodies` (or `tsx bench/bodies.ts` after a build): the cost of the nesting check that
// every JSON body gets before it is parsed, as a ratio to JSON.parse of the same text (the baseline, in
// the same run). Three 15 MB bodies: one long text (a big Textbox or chat message), many small arrays
// (a dataframe), and a text of escaped quotes and backslashes (the check's worst case for strings).
import { jsonNestedDeeperThan } from "../dist/core/limits.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MB15 = 15 * 2 ** 20;
/** Each body, and the most its check may cost as a ratio to parsing it. */
const bodies: Record<string, [string, number]> = {
  "one long text": [JSON.stringify({ data: ["m".repeat(MB15)] }), 0.1],
  "small arrays": [JSON.stringify({ data: [Array.from({ length: 1_000_000 }, (_, i) => [i, "ab"])] }), 0.5],
  // Every quote escaped: one search per two characters; about what parsing costs, never a multiple.
  escapes: [JSON.stringify({ data: ['\\"'.repeat(MB15 / 4)] }), 2],
};

const time = (f: () => unknown) => {
  const start = performance.now();
  f();
  return performance.now() - start;
};

for (const [name, [text, target]] of Object.entries(bodies)) {
  const check: number[] = [];
  const parse: number[] = [];
  // Alternating rounds, so drift of the machine hits both alike.
  for (let round = 0; round < 7; round++) {
    check.push(time(() => jsonNestedDeeperThan(text, 200)));
    parse.push(time(() => JSON.parse(text)));
  }
  const [c, p] = [median(check), median(parse)];
  console.log(`bodies: ${name}, ${(text.length / 2 ** 20).toFixed(0)} MB: nesting check ${c.toFixed(1)} ms, JSON.parse ${p.toFixed(1)} ms, ratio ${(c / p).toFixed(2)} (target: < ${target})`);
}
