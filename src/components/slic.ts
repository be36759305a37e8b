/**
 * SLIC superpixels (Achanta et al., "SLIC Superpixels Compared to State-of-the-Art Superpixel Methods",
 * 2012), with the defaults Gradio's image interpretation used through scikit-image: about 16 segments,
 * compactness 10, a Gaussian blur of sigma 1 first, clustering in CIELAB, then connectivity enforced.
 *
 * Written here because npm has no maintained SLIC: the few published ones are canvas-bound browser demos
 * without releases for years, and image libraries such as sharp do not segment.
 */

export interface SlicImage {
  width: number;
  height: number;
  /** 1 = grey, 2 = grey + alpha, 3 = RGB, 4 = RGBA; alpha is ignored. */
  channels: number;
  /** Interleaved samples, one byte each (0-255). */
  data: ArrayLike<number>;
}

export interface SlicOptions {
  /** About how many superpixels to make (default 16). */
  segments?: number;
  /** Weight of closeness against colour: higher gives squarer superpixels (default 10). */
  compactness?: number;
  /** Gaussian blur applied before clustering, in pixels (default 1; 0 for none). */
  sigma?: number;
  /** k-means rounds (default 10). */
  iterations?: number;
}

export interface Segmentation {
  /** The superpixel of each pixel, row-major, numbered 0 … count-1. */
  labels: Int32Array;
  count: number;
}

export function slic(img: SlicImage, opts: SlicOptions = {}): Segmentation {
  const { width: w, height: h } = img;
  const n = w * h;
  if (n === 0) return { labels: new Int32Array(0), count: 0 };
  const wanted = Math.max(1, Math.min(opts.segments ?? 16, n));
  const m = opts.compactness ?? 10;
  const [L, A, B] = labPlanes(img, opts.sigma ?? 1);

  // A grid of about `wanted` centres, as square as the image allows.
  const nx = Math.max(1, Math.min(w, Math.round(Math.sqrt((wanted * w) / h))));
  const ny = Math.max(1, Math.min(h, Math.round(wanted / nx)));
  const sx = w / nx;
  const sy = h / ny;
  const s = Math.sqrt(sx * sy); // the spatial normaliser
  const reach = Math.ceil(Math.max(sx, sy)); // half the search window: windows cover the whole image
  const k = nx * ny;
  const cx = new Float64Array(k);
  const cy = new Float64Array(k);
  const cl = new Float64Array(k);
  const ca = new Float64Array(k);
  const cb = new Float64Array(k);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let x = Math.min(w - 1, Math.floor((i + 0.5) * sx));
      let y = Math.min(h - 1, Math.floor((j + 0.5) * sy));
      [x, y] = calmest(L, A, B, w, h, x, y); // start away from edges, as the paper does
      const c = j * nx + i;
      const p = y * w + x;
      cx[c] = x;
      cy[c] = y;
      cl[c] = L[p];
      ca[c] = A[p];
      cb[c] = B[p];
    }
  }

  const labels = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  const spatial = (m / s) ** 2;
  const sums = new Float64Array(k * 6);
  for (let round = 0; round < (opts.iterations ?? 10); round++) {
    dist.fill(Infinity);
    for (let c = 0; c < k; c++) {
      const x0 = Math.max(0, Math.floor(cx[c] - reach));
      const x1 = Math.min(w - 1, Math.ceil(cx[c] + reach));
      const y0 = Math.max(0, Math.floor(cy[c] - reach));
      const y1 = Math.min(h - 1, Math.ceil(cy[c] + reach));
      for (let y = y0; y <= y1; y++) {
        const dy = y - cy[c];
        for (let x = x0, p = y * w + x0; x <= x1; x++, p++) {
          const dx = x - cx[c];
          const dl = L[p] - cl[c];
          const da = A[p] - ca[c];
          const db = B[p] - cb[c];
          const d = dl * dl + da * da + db * db + (dx * dx + dy * dy) * spatial;
          if (d < dist[p]) {
            dist[p] = d;
            labels[p] = c;
          }
        }
      }
    }
    sums.fill(0);
    for (let p = 0; p < n; p++) {
      const c = labels[p];
      if (c < 0) continue;
      const o = c * 6;
      sums[o] += p % w;
      sums[o + 1] += Math.floor(p / w);
      sums[o + 2] += L[p];
      sums[o + 3] += A[p];
      sums[o + 4] += B[p];
      sums[o + 5]++;
    }
    for (let c = 0; c < k; c++) {
      const o = c * 6;
      const count = sums[o + 5];
      if (count === 0) continue; // an empty cluster keeps its centre
      cx[c] = sums[o] / count;
      cy[c] = sums[o + 1] / count;
      cl[c] = sums[o + 2] / count;
      ca[c] = sums[o + 3] / count;
      cb[c] = sums[o + 4] / count;
    }
  }
  return connect(labels, w, h, Math.floor((0.5 * n) / k));
}

/** The pixel of lowest colour gradient in the 3×3 neighbourhood of (x, y). */
function calmest(L: Float32Array, A: Float32Array, B: Float32Array, w: number, h: number, x: number, y: number): [number, number] {
  let best: [number, number] = [x, y];
  let bestG = Infinity;
  for (let yy = Math.max(1, y - 1); yy <= Math.min(h - 2, y + 1); yy++) {
    for (let xx = Math.max(1, x - 1); xx <= Math.min(w - 2, x + 1); xx++) {
      const p = yy * w + xx;
      const gx = (L[p + 1] - L[p - 1]) ** 2 + (A[p + 1] - A[p - 1]) ** 2 + (B[p + 1] - B[p - 1]) ** 2;
      const gy = (L[p + w] - L[p - w]) ** 2 + (A[p + w] - A[p - w]) ** 2 + (B[p + w] - B[p - w]) ** 2;
      if (gx + gy < bestG) {
        bestG = gx + gy;
        best = [xx, yy];
      }
    }
  }
  return best;
}

/**
 * Makes every superpixel one 4-connected region: each stray piece becomes its own superpixel, and pieces
 * smaller than `minSize` join the region met just before them in scan order.
 */
function connect(labels: Int32Array, w: number, h: number, minSize: number): Segmentation {
  const n = w * h;
  const out = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let count = 0;
  for (let start = 0; start < n; start++) {
    if (out[start] >= 0) continue;
    const own = labels[start];
    // A neighbour already numbered, for a piece too small to stand alone.
    let adjacent = -1;
    if (start % w > 0) adjacent = out[start - 1];
    if (adjacent < 0 && start >= w) adjacent = out[start - w];
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    out[start] = count;
    while (head < tail) {
      const p = queue[head++];
      const x = p % w;
      const next = [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p >= w ? p - w : -1, p + w < n ? p + w : -1];
      for (const q of next) {
        if (q >= 0 && out[q] < 0 && labels[q] === own) {
          out[q] = count;
          queue[tail++] = q;
        }
      }
    }
    if (tail < minSize && adjacent >= 0) {
      for (let i = 0; i < tail; i++) out[queue[i]] = adjacent;
    } else {
      count++;
    }
  }
  return { labels: out, count };
}

/** Blurred CIELAB planes (D65); grey images give L* only. */
function labPlanes(img: SlicImage, sigma: number): [Float32Array, Float32Array, Float32Array] {
  const { width: w, height: h, channels, data } = img;
  const n = w * h;
  const colour = channels >= 3;
  const planes = (colour ? [0, 1, 2] : [0]).map((c) => {
    const plane = new Float32Array(n);
    for (let p = 0; p < n; p++) plane[p] = data[p * channels + c] / 255;
    return sigma > 0 ? blur(plane, w, h, sigma) : plane;
  });
  const L = new Float32Array(n);
  const A = new Float32Array(n);
  const B = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    if (colour) {
      const r = linear(planes[0][p]);
      const g = linear(planes[1][p]);
      const b = linear(planes[2][p]);
      const fx = f((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047);
      const fy = f(0.2126729 * r + 0.7151522 * g + 0.072175 * b);
      const fz = f((0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883);
      L[p] = 116 * fy - 16;
      A[p] = 500 * (fx - fy);
      B[p] = 200 * (fy - fz);
    } else {
      L[p] = 116 * f(linear(planes[0][p])) - 16;
    }
  }
  return [L, A, B];
}

function linear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function f(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116;
}

/** Separable Gaussian blur, truncated at 4 sigma, edges mirrored. */
function blur(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(4 * sigma));
  const kernel = new Float32Array(2 * r + 1);
  let total = 0;
  for (let i = -r; i <= r; i++) total += kernel[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] /= total;
  const mirror = (i: number, size: number) => {
    if (size === 1) return 0;
    const period = 2 * size;
    const j = ((i % period) + period) % period;
    return j < size ? j : period - 1 - j;
  };
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += kernel[i + r] * src[y * w + mirror(x + i, w)];
      tmp[y * w + x] = acc;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += kernel[i + r] * tmp[mirror(y + i, h) * w + x];
      out[y * w + x] = acc;
    }
  }
  return out;
}
