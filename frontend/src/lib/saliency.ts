/**
 * Interpretation colours, as Gradio drew them: positive scores red rgb(231,76,60), negative blue
 * rgb(52,152,219), mixed into the background with intensity √|s| capped at 1.
 */
export const POSITIVE: readonly [number, number, number] = [231, 76, 60];
export const NEGATIVE: readonly [number, number, number] = [52, 152, 219];

/**
 * What a score is divided by before √. Gradio used raw scores, which suits confidences (always within
 * [-1, 1]); scores beyond that (a Number output, a custom function) would all be full colour, so then the
 * largest |s| maps to 1 instead. `stretch` always maps the largest |s| to 1: for images, which Gradio
 * min-max scaled on the server (tradio's server sends the raw signed scores).
 */
export function scaleOf(scores: Iterable<number | null>, stretch = false): number {
  let max = 0;
  for (const s of scores) if (typeof s === "number" && Number.isFinite(s)) max = Math.max(max, Math.abs(s));
  if (stretch) return max > 0 ? max : 1;
  return Math.max(1, max);
}

/** √(|s| / scale), in [0, 1]. */
export function intensity(score: number, scale: number): number {
  if (!Number.isFinite(score) || scale <= 0) return 0;
  return Math.min(1, Math.sqrt(Math.abs(score) / scale));
}

/** The CSS background of a score: the colour mixed into `--interp-base` (white, or the dark theme's field colour). */
export function saliencyCss(score: number, scale: number): string | undefined {
  const v = intensity(score, scale);
  if (v === 0) return undefined;
  const [r, g, b] = score < 0 ? NEGATIVE : POSITIVE;
  return `color-mix(in srgb, rgb(${r} ${g} ${b}) ${(v * 100).toFixed(1)}%, var(--interp-base))`;
}

/** A score for people: signed, three significant digits, rounding noise (|s| < 1e-9) to 0. */
export function formatScore(score: number | null): string {
  if (score === null) return "current value";
  if (!Number.isFinite(score) || Math.abs(score) < 1e-9) return "0";
  const s = String(Number(score.toPrecision(3)));
  return score > 0 ? `+${s}` : s.replace("-", "−");
}

/**
 * Per-pixel scores (one row per image row) as RGBA pixels: the score's colour, opaque in proportion to its
 * intensity, so the image shows through where a region does not matter.
 */
export function paintScores(rows: number[][], scale: number): ImageData {
  const height = rows.length;
  const width = rows[0].length;
  const out = new ImageData(width, height);
  const d = out.data;
  for (let y = 0; y < height; y++) {
    const row = rows[y];
    for (let x = 0; x < width; x++) {
      const s = row[x];
      const [r, g, b] = s < 0 ? NEGATIVE : POSITIVE;
      const i = (y * width + x) * 4;
      d[i] = r;
      d[i + 1] = g;
      d[i + 2] = b;
      d[i + 3] = Math.round(255 * intensity(s, scale));
    }
  }
  return out;
}
