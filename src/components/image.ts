import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import type { Metadata, Sharp, SharpOptions } from "sharp";
import { fileDataSchema, uploadedFile, urlFileData } from "./file.js";
import { slic } from "./slic.js";
import type { Tokens } from "../core/interpretable.js";
import { Component, type ComponentOptions, type EmptyOptions, type JSONSchema, type Maybe } from "./component.js";
import { type FileData } from "../core/files.js";
import { OptionError, ValidationError } from "../core/errors.js";
import { describe, listOf, oneOf, type OptionKind, describeName } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

// sharp (libvips) is loaded on first use, so apps without images start faster.
type SharpFactory = (input?: Buffer | Uint8Array | string, options?: SharpOptions) => Sharp;
let sharpModule: SharpFactory | undefined;
function sharp(input?: Buffer | Uint8Array | string, options?: SharpOptions): Sharp {
  sharpModule ??= createRequire(import.meta.url)("sharp") as SharpFactory;
  return sharpModule(input, options);
}

/** Decoded pixels, row-major and interleaved: `data[(y * width + x) * channels + c]`, one byte per sample. */
export interface Pixels {
  width: number;
  height: number;
  /** 1 = grey, 2 = grey + alpha, 3 = RGB, 4 = RGBA. */
  channels: number;
  data: Uint8Array;
}

/** "pil" and "numpy" are Gradio's names for decoded pixels: both give `Pixels`. */
export type ImageType = "pixels" | "pil" | "numpy" | "buffer" | "filepath";
export type ImageMode = "RGB" | "RGBA" | "L";
export type ImageSource = "upload" | "webcam" | "clipboard";
export type ImageFormat = "png" | "jpeg" | "webp";

/** What the function receives for each `type`. */
export type ImageIn<T extends ImageType> = T extends "buffer" ? Buffer : T extends "filepath" ? string : Pixels;
/** What the function may return, whatever the `type`: pixels, encoded image bytes, a file path or URL, or null. */
export type ImageOut = Pixels | Uint8Array | string | null;

export interface ImageOptions<T extends ImageType = "pixels", R extends boolean = false> extends ComponentOptions, EmptyOptions<R> {
  /** `[width, height]`: uploads are resized to cover it and centre-cropped to exactly this size. */
  shape?: [number, number];
  /** What the function receives: decoded `Pixels` (default; "pil" and "numpy", Gradio's names, give them too), encoded bytes, or a path in the file store. */
  type?: T;
  /** Colour mode the upload is converted to before the function sees it. Default "RGB". */
  imageMode?: ImageMode;
  /** Where the page lets users take an image from. Default ["upload", "webcam", "clipboard"]. */
  sources?: ImageSource[];
  /** Format used to encode returned pixels (and returned bytes a browser cannot show). Default "png". */
  format?: ImageFormat;
  /** Display height on the page: pixels, or any CSS length. */
  height?: number | string;
  /** Display width on the page: pixels, or any CSS length. */
  width?: number | string;
  showDownloadButton?: boolean;
  mirrorWebcam?: boolean;
  /** Text shown in the empty upload area. */
  placeholder?: string;
  /** Interpretation: about how many superpixels the image is split into (default 16). */
  segments?: number;
  /**
   * Most pixels (width × height) of an image this component decodes; larger ones are refused from their
   * header, before any decoding. Default 50 000 000: a 50-megapixel phone photo (8160 × 6120) fits.
   */
  maxPixels?: number;
}

/**
 * Decompression-bomb guard: by default, images with more pixels than this are refused from their header,
 * before they are decoded (a 50-megapixel phone photo fits; decoded as RGBA it takes 200 MB).
 */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/**
 * Decodes (and encodes) running at once in this process, whatever the number of apps and calls: each
 * may hold hundreds of megabytes, so six parallel uploads cannot take six times that.
 */
export const IMAGE_DECODE_CONCURRENCY = 2;

/** A counting semaphore: at most `size` holders at once, the others wait in order. */
class Slots {
  private held = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most holders seen at once (for tests and measurements). */
  peak = 0;
  constructor(readonly size: number) {}
  get running(): number {
    return this.held;
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.held >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held++;
    this.peak = Math.max(this.peak, this.held);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.held--;
    }
  }
}

/** The process's image decodes (shared by every Image component). */
export const imageDecodes = new Slots(IMAGE_DECODE_CONCURRENCY);

const TYPES: readonly ImageType[] = ["pixels", "pil", "numpy", "buffer", "filepath"];
const MODES: readonly ImageMode[] = ["RGB", "RGBA", "L"];
const SOURCES: readonly ImageSource[] = ["upload", "webcam", "clipboard"];
const FORMATS: readonly ImageFormat[] = ["png", "jpeg", "webp"];
/** Formats accepted from clients; SVG, PDF and the exotic loaders libvips may carry are refused. */
const INPUT_FORMATS = new Set(["png", "jpeg", "webp", "gif", "avif", "heif", "tiff"]);
/** Formats a browser shows as they are, so returned bytes in them are stored unchanged. */
const WEB_FORMATS = new Set(["png", "jpeg", "webp", "gif", "avif"]);
const EXT: Record<string, string> = { png: "png", jpeg: "jpeg", webp: "webp", gif: "gif", avif: "avif", heif: "avif" };

const isCssSize = (v: unknown) => (typeof v === "number" && v > 0) || typeof v === "string";

/**
 * An image. Gradio shortcuts: "image" (and "webcam", which is `new Image({ sources: ["webcam"] })`).
 *
 * As an input the function receives, by `type`: `Pixels` (default), a `Buffer` of encoded bytes (the
 * upload unchanged, or a PNG when `shape`, `imageMode` or EXIF orientation changed it), or a path in the
 * file store. As an output the function may return `Pixels`, encoded bytes, a file path or URL, or null.
 *
 * @example
 * new tr.Image({ shape: [224, 224], label: "Photo" })          // Pixels, resized and centre-cropped
 * new tr.Image({ type: "filepath", sources: ["webcam"] })      // a path to the captured frame
 */
export class Image<T extends ImageType = "pixels", R extends boolean = false> extends Component<Maybe<ImageIn<T>, R>, ImageOut, FileData | string> {
  readonly type = "image";
  readonly className = "Image";
  readonly shape: [number, number] | undefined;
  readonly imageType: T;
  readonly imageMode: ImageMode;
  readonly sources: ImageSource[];
  readonly format: ImageFormat;
  readonly height: number | string | undefined;
  readonly width: number | string | undefined;
  readonly showDownloadButton: boolean;
  readonly mirrorWebcam: boolean;
  readonly placeholder: string | undefined;
  readonly segments: number;
  readonly maxPixels: number;
  readonly interpretationShape = "pixels";

  constructor(opts: ImageOptions<T, R> = {}) {
    super(opts);
    this.shape = opts.shape ? [opts.shape[0], opts.shape[1]] : undefined;
    this.imageType = opts.type ?? ("pixels" as T);
    this.imageMode = opts.imageMode ?? "RGB";
    this.sources = opts.sources ? [...new Set(opts.sources)] : [...SOURCES];
    this.format = opts.format ?? "png";
    this.height = opts.height;
    this.width = opts.width;
    this.showDownloadButton = opts.showDownloadButton ?? true;
    this.mirrorWebcam = opts.mirrorWebcam ?? true;
    this.placeholder = opts.placeholder;
    this.segments = opts.segments ?? 16;
    this.maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
    if (this.shape && this.shape[0] * this.shape[1] > this.maxPixels) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `Image: shape ${this.shape[0]} × ${this.shape[1]} has more pixels than maxPixels (${this.maxPixels})`);
    }
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      shape: (v) =>
        Array.isArray(v) &&
        v.length === 2 &&
        v.every((n) => Number.isInteger(n) && n > 0 && n <= 65_535),
      type: oneOf(...TYPES),
      required: "boolean",
      imageMode: oneOf(...MODES),
      sources: listOf(SOURCES, { nonEmpty: true }),
      format: oneOf(...FORMATS),
      height: isCssSize,
      width: isCssSize,
      showDownloadButton: "boolean",
      mirrorWebcam: "boolean",
      placeholder: "string",
      segments: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 10_000,
      maxPixels: (v) => Number.isInteger(v) && (v as number) > 0,
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      image_mode: this.imageMode,
      sources: this.sources,
      type: this.imageType,
      format: this.format,
      height: this.height ?? null,
      width: this.width ?? null,
      streaming: false,
      show_download_button: this.showDownloadButton,
      show_share_button: false,
      show_fullscreen_button: true,
      mirror_webcam: this.mirrorWebcam,
      webcam_options: { mirror: this.mirrorWebcam, constraints: null },
      webcam_constraints: null,
      placeholder: this.placeholder ?? null,
    };
  }

  apiInfo(): JSONSchema {
    return fileDataSchema("ImageData");
  }
  exampleInput(): unknown {
    return {
      path: "https://raw.githubusercontent.com/gradio-app/gradio/main/test/test_files/bus.png",
      meta: { _type: "gradio.FileData" },
    };
  }
  override pythonType(): string {
    return "filepath";
  }

  protected override emptyHint(): string {
    return "upload an image";
  }

  async preprocess(payload: unknown, ctx: ComponentContext): Promise<Maybe<ImageIn<T>, R>> {
    if (payload === null || payload === undefined) return this.empty() as Maybe<ImageIn<T>, R>;
    return this.decode(payload, ctx);
  }

  /** A client's image → the function's argument, by `type`. */
  private async decode(payload: unknown, ctx: ComponentContext): Promise<ImageIn<T>> {
    const file = await uploadedFile(payload, ctx, (m, code) => this.fail(m, code));
    const meta = await this.inspect(file, "the uploaded image");
    if (!INPUT_FORMATS.has(meta.format ?? "")) {
      this.fail(`unsupported image format "${meta.format}"; upload a PNG, JPEG, WebP, GIF, AVIF or TIFF image`);
    }

    const unchanged =
      this.shape === undefined &&
      (meta.orientation ?? 1) === 1 &&
      meta.depth === "uchar" &&
      modeOf(meta) === this.imageMode;

    if (this.imageType === "buffer" && unchanged) return (await readFile(file)) as ImageIn<T>;
    if (this.imageType === "filepath" && unchanged) return file as ImageIn<T>;

    const pipeline = this.convert(file);
    try {
      if (this.imageType !== "buffer" && this.imageType !== "filepath") {
        const { data, info } = await imageDecodes.run(() => pipeline.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true }));
        const pixels: Pixels = {
          width: info.width,
          height: info.height,
          channels: info.channels,
          data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        };
        return pixels as ImageIn<T>;
      }
      const png = await imageDecodes.run(() => pipeline.png().toBuffer());
      if (this.imageType === "buffer") return png as ImageIn<T>;
      const stem = path.basename(file, path.extname(file)) || "image";
      return (await ctx.files.save(png, `${stem}.png`)) as ImageIn<T>;
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      this.fail(`could not decode the image (${(err as Error).message})`);
    }
  }

  async postprocess(value: ImageOut, ctx: ComponentContext): Promise<FileData | null> {
    if (value === null || value === undefined) return null;
    if (typeof value === "string") return this.fromPath(value, ctx);
    if (value instanceof Uint8Array) return this.fromBytes(value, ctx);
    if (typeof value === "object" && !Array.isArray(value) && "data" in value) return this.fromPixels(value, ctx);
    this.fail(
      `the function returned ${describe(value)}, expected Pixels ({ width, height, channels, data }), ` +
        `encoded image bytes, a file path or null`,
    );
  }

  /**
   * Reads the header only; refuses non-images, and images over `maxPixels` before any decoding, saying
   * how large the image is and what the limit is.
   */
  private async inspect(input: Buffer | string, what: string): Promise<Metadata> {
    let meta: Metadata;
    try {
      // The header alone: the pixel count is checked here, with the sizes in the message.
      meta = await sharp(input, { limitInputPixels: false }).metadata();
    } catch {
      this.fail(`${what} is not an image that can be read (expected PNG, JPEG, WebP, GIF, AVIF or TIFF)`);
    }
    const width = meta.width ?? 0;
    const height = meta.pageHeight ?? meta.height ?? 0;
    if (width * height > this.maxPixels) {
      this.fail(
        `${what} is ${width} × ${height} pixels (${pixelCount(width * height)}); ` +
          `this image input takes at most ${pixelCount(this.maxPixels)} (the app's Image maxPixels)`,
        "TR_ERR_FILE_TOO_LARGE",
      );
    }
    return meta;
  }

  /** The decode pipeline: EXIF orientation, `shape`, then `imageMode`. */
  private convert(input: Buffer | string): Sharp {
    let img = sharp(input, { limitInputPixels: this.maxPixels, autoOrient: true });
    if (this.shape) img = img.resize(this.shape[0], this.shape[1], { fit: "cover", position: "centre" });
    switch (this.imageMode) {
      case "L":
        return img.removeAlpha().toColourspace("b-w");
      case "RGBA":
        return img.ensureAlpha().toColourspace("srgb");
      default:
        return img.removeAlpha().toColourspace("srgb");
    }
  }

  private async fromPath(value: string, ctx: ComponentContext): Promise<FileData> {
    if (/^https?:\/\//i.test(value)) return urlFileData(value);
    const name = path.basename(value);
    let isFile = false;
    try {
      isFile = (await stat(value)).isFile();
    } catch {
      // reported below
    }
    if (!isFile) this.fail(`the image file ${describeName(name)} does not exist or is not a file`);
    const meta = await this.inspect(value, `the file ${describeName(name)}`);
    if (!WEB_FORMATS.has(meta.format ?? "")) {
      // A browser cannot show it (TIFF, HEIC, ...): store a converted copy instead.
      return this.store(await this.encode(sharp(value, { limitInputPixels: this.maxPixels, autoOrient: true })), ctx);
    }
    const stored = await ctx.files.copyIn(value);
    return ctx.files.fileData(stored, ctx.root, name);
  }

  private async fromBytes(value: Uint8Array, ctx: ComponentContext): Promise<FileData> {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const meta = await this.inspect(bytes, "the returned data");
    if (WEB_FORMATS.has(meta.format ?? "")) {
      return ctx.files.fileData(await ctx.files.save(bytes, `image.${EXT[meta.format!]}`), ctx.root);
    }
    return this.store(await this.encode(sharp(bytes, { limitInputPixels: this.maxPixels, autoOrient: true })), ctx);
  }

  private async fromPixels(value: object, ctx: ComponentContext): Promise<FileData> {
    const px = value as Partial<Pixels>;
    const { width, height, channels } = px;
    const data = px.data as unknown;
    const dim = (n: unknown) => Number.isInteger(n) && (n as number) > 0;
    if (!dim(width) || !dim(height)) {
      this.fail(`Pixels width and height must be positive integers, got ${describe(width)} and ${describe(height)}`);
    }
    if (!Number.isInteger(channels) || channels! < 1 || channels! > 4) {
      this.fail(`Pixels channels must be 1, 2, 3 or 4, got ${describe(channels)}`);
    }
    if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
      this.fail(`Pixels data must be a Uint8Array, got ${describe(data)}`);
    }
    if (width! * height! > this.maxPixels) {
      this.fail(
        `the returned image is ${width} × ${height} pixels (${pixelCount(width! * height!)}); ` +
          `this Image takes at most ${pixelCount(this.maxPixels)} (maxPixels)`,
        "TR_ERR_FILE_TOO_LARGE",
      );
    }
    const expected = width! * height! * channels!;
    if (data.length !== expected) {
      this.fail(`Pixels data has ${data.length} bytes, expected width × height × channels = ${expected}`);
    }
    const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let img = sharp(raw, { raw: { width: width!, height: height!, channels: channels as 1 | 2 | 3 | 4 } });
    if (channels! <= 2) img = img.toColourspace("b-w");
    return this.store(await this.encode(img), ctx);
  }

  private async encode(img: Sharp): Promise<Buffer> {
    try {
      return await imageDecodes.run(() => img.toFormat(this.format).toBuffer());
    } catch (err) {
      this.fail(`could not encode the image as ${this.format} (${(err as Error).message})`);
    }
  }

  private async store(bytes: Buffer, ctx: ComponentContext): Promise<FileData> {
    return ctx.files.fileData(await ctx.files.save(bytes, `image.${this.format}`), ctx.root);
  }

  /**
   * Interpretation tokens: SLIC superpixels. An absent superpixel is filled with the image's mean colour
   * (alpha kept). Scores come back as a 2-D array, one score per pixel.
   */
  async interpretationTokens(value: ImageIn<T>, ctx: ComponentContext): Promise<Tokens<ImageIn<T>>> {
    const px = await this.decodeForInterpretation(value);
    const { width, height, channels, data } = px;
    const { labels, count } = slic(px, { segments: this.segments });
    const colours = channels >= 3 ? 3 : 1;
    const mean = Array.from({ length: colours }, (_, c) => {
      let total = 0;
      for (let p = c; p < data.length; p += channels) total += data[p];
      return Math.round(total / (width * height));
    });
    return {
      count,
      build: async (present) => {
        const out = new Uint8Array(data);
        for (let p = 0; p < labels.length; p++) {
          if (present[labels[p]]) continue;
          for (let c = 0; c < colours; c++) out[p * channels + c] = mean[c];
        }
        const pixels: Pixels = { width, height, channels, data: out };
        if (this.imageType !== "buffer" && this.imageType !== "filepath") return pixels as ImageIn<T>;
        const raw = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
        const png = await imageDecodes.run(() => sharp(raw, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } }).png().toBuffer());
        if (this.imageType === "buffer") return png as ImageIn<T>;
        return (await ctx.files.save(png, "interpretation.png")) as ImageIn<T>;
      },
      shape: (scores) => Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => scores[labels[y * width + x]])),
    };
  }

  /** The function's input as pixels, whatever its `type`. */
  private async decodeForInterpretation(value: ImageIn<T>): Promise<Pixels> {
    if (typeof value === "object" && !(value instanceof Uint8Array) && "data" in value) return value as Pixels;
    const { data, info } = await imageDecodes.run(() =>
      sharp(value as Buffer | string, { limitInputPixels: this.maxPixels })
        .raw({ depth: "uchar" })
        .toBuffer({ resolveWithObject: true }),
    );
    return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
}

/** "49.9 megapixels" for 49 939 200 pixels; small counts in pixels. */
function pixelCount(pixels: number): string {
  return pixels >= 1_000_000 ? `${Math.round(pixels / 100_000) / 10} megapixels` : `${pixels} pixels`;
}

/** Gradio's colour-mode name for what sharp read, as far as the three modes tradio offers go. */
function modeOf(meta: Metadata): string {
  if (meta.space === "srgb" && meta.channels === 3) return "RGB";
  if (meta.space === "srgb" && meta.channels === 4 && meta.hasAlpha) return "RGBA";
  if (meta.channels === 1 && (meta.space === "b-w" || meta.space === "grey16")) return "L";
  return "other";
}
