// Global state (Interface State guide): `scores` lives in the module, so every user shares it.
import * as tr from "tradio";

const scores: number[] = [];

// A Number left empty reaches the function as null (as in Gradio); it adds nothing.
function trackScore(score: number | null) {
  if (score !== null) scores.push(score);
  return [...scores].sort((a, b) => b - a).slice(0, 3);
}

export default new tr.Interface({
  fn: trackScore,
  inputs: new tr.Number({ label: "Score" }),
  outputs: new tr.JSON({ label: "Top Scores" }),
  title: "Score tracker",
  allowFlagging: "never", // the gallery serves every demo from one folder: only demo/flagging flags
  description: "Every visitor adds to one shared list; the top three scores are shown.",
});
