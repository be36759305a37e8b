// The guide's image classifier with interpretation, on a real CNN: the MobileNetV2 that ships inside the
// `nsfwjs` npm package (its weights are JavaScript modules in the package, so nothing is downloaded),
// run by TensorFlow.js on its WebAssembly backend. It sorts pictures into Drawing, Neutral (photo),
// Sexy, Porn and Hentai. The model loads on the first call, so the gallery starts fast.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tr from "tradio";

const CLASSES = ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"];
const here = path.dirname(fileURLToPath(import.meta.url));

type Tf = typeof import("@tensorflow/tfjs");
type Net = Awaited<ReturnType<typeof import("nsfwjs").load>>;
let model: Promise<{ tf: Tf; net: Net }> | undefined;

async function load(): Promise<{ tf: Tf; net: Net }> {
  const tf = await import("@tensorflow/tfjs");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + path.sep);
  // The pure-JavaScript backend is the fallback where WebAssembly cannot start; it is about ten times slower.
  if (!(await tf.setBackend("wasm").catch(() => false))) await tf.setBackend("cpu");
  const { load: loadNsfw } = await import("nsfwjs");
  const net = await loadNsfw("MobileNetV2", { size: 224 });
  return { tf, net };
}

/**
 * Batched: one forward pass classifies every image of the batch (interpretation sends its variants in
 * batches). The Image component's `shape` makes every image 224×224 RGB, the network's input.
 */
export async function classifyImages(images: tr.Pixels[]): Promise<[Record<string, number>[]]> {
  const { tf, net } = await (model ??= load().catch((err) => {
    model = undefined; // let a later call try again
    throw err;
  }));
  const probabilities = tf.tidy(() => {
    const batch = tf.stack(images.map((px) => tf.tensor3d(px.data, [px.height, px.width, px.channels], "int32")));
    return net.model.predict(batch.toFloat().div(255)) as import("@tensorflow/tfjs").Tensor;
  });
  const rows = (await probabilities.array()) as number[][];
  probabilities.dispose();
  return [rows.map((row) => Object.fromEntries(row.map((p, i) => [CLASSES[i], p])))];
}

export default new tr.Interface({
  fn: classifyImages,
  batch: true,
  maxBatchSize: 8,
  inputs: new tr.Image({ shape: [224, 224], label: "image", required: true }),
  outputs: new tr.Label({ numTopClasses: 3, label: "classes" }),
  interpretation: "default",
  title: "Image classification + interpretation",
  allowFlagging: "never", // the gallery serves every demo from one folder: only demo/flagging flags
  description:
    "MobileNetV2 from the nsfwjs package (Drawing, Neutral, Sexy, Porn, Hentai). Submit an image, then press Interpret: " +
    "the image is cut into about 16 superpixels, each greyed out in turn, and the parts that supported the top class turn red.",
  examples: [[path.join(here, "house.png")]],
});
