// The guide's "Custom Flagging Options": users flag a prediction as incorrect, ambiguous, offensive or
// other, and each flag (image, label, option, time) lands in demo/flagging/flagged/log.csv.
// Run it alone with `npx tradio demo/flagging/app.ts`.
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tr from "tradio";

// A stand-in for an image model: how close the picture's average colour is to a few named colours.
const COLOURS: Record<string, [number, number, number]> = {
  red: [220, 40, 40],
  orange: [240, 150, 30],
  yellow: [240, 220, 50],
  green: [50, 170, 70],
  blue: [40, 90, 220],
  purple: [140, 60, 170],
  white: [245, 245, 245],
  black: [15, 15, 15],
  grey: [128, 128, 128],
};

function classifyImage(image: tr.Pixels): Record<string, number> {
  const mean = [0, 0, 0];
  const pixels = image.width * image.height;
  for (let i = 0; i < pixels; i++) for (let c = 0; c < 3; c++) mean[c] += image.data[i * image.channels + c] / pixels;
  const scores = Object.entries(COLOURS).map(([name, rgb]) => [name, Math.exp(-Math.hypot(...rgb.map((v, c) => v - mean[c])) / 40)] as const);
  const total = scores.reduce((sum, [, s]) => sum + s, 0);
  return Object.fromEntries(scores.map(([name, s]) => [name, s / total]));
}

export default new tr.Interface({
  fn: classifyImage,
  inputs: new tr.Image({ required: true, shape: [64, 64], label: "image" }),
  outputs: new tr.Label({ numTopClasses: 3, label: "colour" }),
  flaggingOptions: ["incorrect", "ambiguous", "offensive", "other"],
  flaggingDir: path.join(path.dirname(fileURLToPath(import.meta.url)), "flagged"),
  title: "Flag a prediction",
  description: "Upload a picture to name its main colour. If the answer looks wrong, flag it with a reason.",
});
