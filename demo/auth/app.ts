// The guide's login example: `launch({ auth: ["admin", "pass1234"] })` puts a login page in front of an
// image classifier (here a small one that names an image's main colour, so the demo needs no model).
//
// Run it with login: `npx tsx demo/auth/app.ts` (it launches itself), or `npx tradio demo/auth/app.ts`
// and the gallery (`npm start`), which use `launchOptions` below. Log in as admin / pass1234.
import { pathToFileURL } from "node:url";
import * as tr from "tradio";

const COLOURS: Record<string, [number, number, number]> = {
  red: [220, 40, 40],
  green: [40, 170, 70],
  blue: [40, 80, 220],
  yellow: [235, 215, 50],
  black: [15, 15, 15],
  white: [240, 240, 240],
  grey: [128, 128, 128],
};

/** Scores each named colour by how close it is to the image's average colour. */
export function classifyImage(image: tr.Pixels): Record<string, number> {
  const sum = [0, 0, 0];
  for (let i = 0; i < image.data.length; i += image.channels) {
    for (let c = 0; c < 3; c++) sum[c] += image.data[i + Math.min(c, image.channels - 1)];
  }
  const n = image.data.length / image.channels;
  const mean = sum.map((s) => s / n);
  const weights = Object.entries(COLOURS).map(([name, rgb]) => {
    const distance = Math.hypot(...rgb.map((v, c) => v - mean[c]));
    return [name, Math.exp(-distance / 40)] as const;
  });
  const total = weights.reduce((t, [, w]) => t + w, 0);
  return Object.fromEntries(weights.map(([name, w]) => [name, w / total]));
}

/** What `launch()` gets: the CLI and the gallery read this export too. */
export const launchOptions = { auth: ["admin", "pass1234"] } satisfies tr.LaunchOptions;

const demo = new tr.Interface({
  fn: classifyImage,
  inputs: new tr.Image({ shape: [64, 64], label: "image", required: true }),
  outputs: new tr.Label({ numTopClasses: 3, label: "colour" }),
  title: "Colour classifier (members only)",
  description: "An image classifier behind a login page: log in as admin / pass1234.",
  allowFlagging: "never",
});
export default demo;

// `npx tsx demo/auth/app.ts` launches with the login; importing the file (the gallery, the CLI, tests) does not.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await demo.launch(launchOptions);
}
