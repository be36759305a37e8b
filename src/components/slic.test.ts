import { describe, expect, it } from "vitest";
import { slic, type SlicImage } from "./slic.js";
import { seededRandom } from "../features/interpretation/random.js";

function image(w: number, h: number, channels: number, colour: (x: number, y: number) => number[]): SlicImage {
  const data = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(colour(x, y), (y * w + x) * channels);
  return { width: w, height: h, channels, data };
}

/** Every label is one 4-connected region and the labels are 0..count-1. */
function expectConnected({ labels, count }: { labels: Int32Array; count: number }, w: number, h: number) {
  const seen = new Set<number>();
  const visited = new Uint8Array(labels.length);
  for (let p = 0; p < labels.length; p++) {
    if (visited[p]) continue;
    expect(seen.has(labels[p])).toBe(false); // a second region with a label already used
    seen.add(labels[p]);
    const stack = [p];
    visited[p] = 1;
    while (stack.length) {
      const q = stack.pop()!;
      const x = q % w;
      for (const r of [x > 0 ? q - 1 : -1, x < w - 1 ? q + 1 : -1, q - w, q + w]) {
        if (r >= 0 && r < w * h && !visited[r] && labels[r] === labels[q]) {
          visited[r] = 1;
          stack.push(r);
        }
      }
    }
  }
  expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
}

describe("SLIC superpixels", () => {
  it("follows colour edges: four flat quadrants give the four quadrants", () => {
    const colours = [
      [220, 30, 30],
      [30, 200, 40],
      [20, 40, 230],
      [240, 230, 20],
    ];
    const quadrant = (x: number, y: number) => (y < 24 ? 0 : 2) + (x < 32 ? 0 : 1);
    const img = image(64, 48, 3, (x, y) => colours[quadrant(x, y)]);
    for (const sigma of [0, 1]) {
      const { labels, count } = slic(img, { segments: 4, sigma });
      expect(count).toBe(4);
      const centre = [12 * 64 + 16, 12 * 64 + 48, 36 * 64 + 16, 36 * 64 + 48].map((p) => labels[p]);
      expect(new Set(centre).size).toBe(4);
      let wrong = 0;
      for (let p = 0; p < labels.length; p++) if (labels[p] !== centre[quadrant(p % 64, Math.floor(p / 64))]) wrong++;
      // Unblurred, exact; blurred, only where the four colours meet may a pixel go astray.
      expect(wrong).toBeLessThanOrEqual(sigma === 0 ? 0 : 4);
    }
  });

  it("cuts an object from its background even when the grid does not line up with it", () => {
    // A dark disc on a light background, off-centre: the superpixels that are mostly disc make up the disc.
    const inside = (x: number, y: number) => (x - 40) ** 2 + (y - 26) ** 2 < 15 ** 2;
    const img = image(96, 64, 3, (x, y) => (inside(x, y) ? [20, 20, 20] : [235, 235, 235]));
    const { labels, count } = slic(img, { segments: 16 });
    const dark = new Array<number>(count).fill(0);
    const size = new Array<number>(count).fill(0);
    labels.forEach((l, p) => {
      size[l]++;
      if (inside(p % 96, Math.floor(p / 96))) dark[l]++;
    });
    let both = 0;
    let either = 0;
    labels.forEach((l, p) => {
      const a = inside(p % 96, Math.floor(p / 96));
      const b = dark[l] > size[l] / 2;
      if (a && b) both++;
      if (a || b) either++;
    });
    expect(both / either).toBeGreaterThan(0.85); // the blurred rim may side with the background
  });

  it("makes about the requested number of connected superpixels on a textured image", () => {
    const r = seededRandom(9);
    const img = image(120, 90, 3, (x, y) => [
      (x * 2 + r() * 60) % 256,
      (y * 3 + r() * 60) % 256,
      ((x + y) * 1.5 + r() * 60) % 256,
    ]);
    for (const segments of [4, 16, 50]) {
      const seg = slic(img, { segments });
      expect(seg.count).toBeGreaterThanOrEqual(segments / 2);
      expect(seg.count).toBeLessThanOrEqual(segments * 2);
      expectConnected(seg, 120, 90);
    }
  });

  it("is deterministic", () => {
    const r = seededRandom(3);
    const img = image(40, 40, 3, () => [r() * 255, r() * 255, r() * 255]);
    expect(Array.from(slic(img).labels)).toEqual(Array.from(slic(img).labels));
  });

  it("handles grey, grey + alpha and RGBA images, ignoring alpha", () => {
    // Wide images, so that the two starting centres sit left and right, one in each half.
    const grey = image(64, 32, 1, (x) => [x < 32 ? 10 : 240]);
    const greyAlpha = image(64, 32, 2, (x, y) => [x < 32 ? 10 : 240, (x * y) % 256]);
    const rgba = image(64, 32, 4, (x, y) => (x < 32 ? [200, 0, 0, y * 8] : [0, 0, 200, 255 - y * 8]));
    for (const img of [grey, greyAlpha, rgba]) {
      const { labels, count } = slic(img, { segments: 2 });
      expect(count).toBe(2);
      for (let p = 0; p < labels.length; p++) expect(labels[p]).toBe(p % 64 < 32 ? labels[0] : labels[63]);
      expect(labels[0]).not.toBe(labels[63]);
    }
  });

  it("copes with tiny images and more segments than pixels", () => {
    expect(slic({ width: 0, height: 0, channels: 3, data: new Uint8Array(0) }).count).toBe(0);
    const one = slic(image(1, 1, 3, () => [1, 2, 3]));
    expect(one.count).toBe(1);
    expect(Array.from(one.labels)).toEqual([0]);
    const small = slic(image(3, 2, 3, (x) => [x * 100, 0, 0]), { segments: 50 });
    expectConnected(small, 3, 2);
    expect(small.count).toBeGreaterThanOrEqual(1);
    expect(small.count).toBeLessThanOrEqual(6);
  });
});
