import type { Props } from "$protocol";

/**
 * The `/interpret` scores of one input, read into what the page draws. Each reader returns null for a
 * value not in its shape (a custom interpretation function can return anything), so nothing is drawn.
 */

const isScore = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isMaybe = (v: unknown): v is number | null => v === null || isScore(v);

/** "text": `[token, score]` pairs covering the text. */
export function textTokens(v: unknown): [string, number][] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const ok = v.every((t) => Array.isArray(t) && t.length === 2 && typeof t[0] === "string" && isScore(t[1]));
  return ok ? (v as [string, number][]) : null;
}

/** "pixels": a rectangular 2-D array of scores. */
export function pixelRows(v: unknown): number[][] | null {
  if (!Array.isArray(v) || v.length === 0 || !Array.isArray(v[0]) || v[0].length === 0) return null;
  const width = v[0].length;
  const ok = v.every((row) => Array.isArray(row) && row.length === width && row.every((s) => typeof s === "number"));
  return ok ? (v as number[][]) : null;
}

/** One coloured cell: a value that was tried (or the current one, with a null score). */
export interface Cell {
  label: string;
  score: number | null;
  /** What the score means, for the cell's title and screen readers. */
  describe: string;
}

const SHORT = (n: number) => String(Number(n.toPrecision(4)));

function choiceList(props: Props): [string, string][] {
  const raw: unknown[] = Array.isArray(props.choices) ? props.choices : [];
  return raw.map((c) => (Array.isArray(c) ? [String(c[0]), String(c[1] ?? c[0])] : [String(c), String(c)]));
}

/** The cells of a neighbour or segment interpretation, by the `shape` prop of its Interpretation component. */
export function cells(shape: unknown, v: unknown, target: Props): Cell[] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  switch (shape) {
    case "number": {
      if (!v.every((p) => Array.isArray(p) && p.length === 2 && isScore(p[0]) && isMaybe(p[1]))) return null;
      return (v as [number, number | null][]).map(([x, s]) => ({ label: SHORT(x), score: s, describe: `${SHORT(x)}` }));
    }
    case "scores": {
      // A slider: the values tried are evenly spaced from minimum to maximum.
      if (!v.every(isScore)) return null;
      const min = Number(target.minimum ?? 0);
      const max = Number(target.maximum ?? 100);
      return v.map((s, i) => {
        const x = SHORT(v.length === 1 ? min : min + ((max - min) * i) / (v.length - 1));
        return { label: x, score: s, describe: x };
      });
    }
    case "segments": {
      if (!v.every(isScore)) return null;
      return v.map((s, i) => ({ label: "", score: s, describe: `Segment ${i + 1} of ${v.length}` }));
    }
    case "pair": {
      if (v.length !== 2 || !v.every(isMaybe)) return null;
      return [
        { label: "unchecked", score: v[0], describe: "Unchecked" },
        { label: "checked", score: v[1], describe: "Checked" },
      ];
    }
    case "pairs": {
      // Each choice toggled: the null side is its current state, the other side the score of flipping it.
      const choices = choiceList(target);
      if (!v.every((p) => Array.isArray(p) && p.length === 2 && p.every(isMaybe))) return null;
      return (v as [number | null, number | null][]).map(([off, on], i) => {
        const name = choices[i]?.[0] ?? `choice ${i + 1}`;
        const checked = on === null;
        return { label: `${checked ? "✓ " : ""}${name}`, score: checked ? off : on, describe: `${checked ? "Unchecking" : "Checking"} ${name}` };
      });
    }
    case "choices": {
      if (!v.every(isMaybe)) return null;
      const choices = choiceList(target);
      return v.map((s, i) => {
        const name = choices[i]?.[0] ?? `choice ${i + 1}`;
        return { label: name, score: s, describe: name };
      });
    }
    default:
      return null;
  }
}
