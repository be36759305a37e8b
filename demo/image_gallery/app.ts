// A gallery in, a gallery out: upload several images (or videos), pick an effect, and get them back with
// captions. Images come to the function as paths (Gradio's default); sharp applies the effect.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import * as tr from "tradio";

const EFFECTS = ["grayscale", "mirror", "blur", "warm tint"] as const;

/** Sample pictures for the examples, drawn once at start-up. */
async function samples(): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), "tradio-gallery-demo-"));
  const shapes = [
    ["#f97316", "#fde68a", '<circle cx="160" cy="120" r="70" fill="#fff7ed"/>'],
    ["#0ea5e9", "#a5f3fc", '<rect x="90" y="60" width="140" height="120" rx="16" fill="#ecfeff"/>'],
    ["#22c55e", "#bbf7d0", '<polygon points="160,40 250,200 70,200" fill="#f0fdf4"/>'],
    ["#a855f7", "#f5d0fe", '<path d="M60 160 Q160 20 260 160" stroke="#faf5ff" stroke-width="18" fill="none"/>'],
  ];
  return Promise.all(
    shapes.map(async ([a, b, shape], i) => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs><rect width="320" height="240" fill="url(#g)"/>${shape}</svg>`;
      const file = path.join(dir, `sample-${i + 1}.png`);
      await writeFile(file, await sharp(Buffer.from(svg)).png().toBuffer());
      return file;
    }),
  );
}

/**
 * Applies one effect to every image of the gallery; videos pass through unchanged.
 * @param items - the uploaded images and videos, with their captions
 * @param effect - what to do to each image
 */
async function apply(items: [string, string | null][] | null, effect: string) {
  // An empty gallery reaches the function as null (as in Gradio): nothing to do.
  if (items === null) throw new tr.Error("Upload a few images first (or click an example).");
  return Promise.all(
    items.map(async ([file, caption], i): Promise<[Uint8Array | string, string]> => {
      const name = caption ?? path.basename(file);
      if (/\.(mp4|webm|mov|mkv|ogv)$/i.test(file)) return [file, `${name} (video, unchanged)`];
      let img = sharp(file);
      if (effect === "grayscale") img = img.grayscale();
      else if (effect === "mirror") img = img.flop();
      else if (effect === "blur") img = img.blur(6);
      else img = img.tint({ r: 255, g: 190, b: 120 });
      return [await img.png().toBuffer(), `${i + 1}. ${name}: ${effect}`];
    }),
  );
}

export default new tr.Interface({
  fn: apply,
  inputs: [new tr.Gallery({ label: "Your images", columns: 4 }), new tr.Radio({ choices: [...EFFECTS], value: "grayscale", label: "Effect", required: true })],
  outputs: new tr.Gallery({ label: "Results", columns: [2, 2, 3, 4], format: "png" }),
  title: "Image gallery",
  description: "Upload several images, choose an effect, Submit. Click a result to see it large (arrow keys step through, Escape closes).",
  allowFlagging: "never",
  examples: [[await samples(), "grayscale"]],
});
