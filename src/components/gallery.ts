import path from "node:path";
import { Component, type ComponentOptions, type EmptyOptions, type JSONSchema, type Maybe } from "./component.js";
import { fileDataSchema, uploadedFile } from "./file.js";
import { Image, type ImageFormat, type ImageIn, type Pixels } from "./image.js";
import { isVideo, sniffBytes, sniffFile, videoMimeOf } from "./media.js";
import { Video } from "./video.js";
import { ValidationError } from "../core/errors.js";
import { type FileData } from "../core/files.js";
import { describe, oneOf, type OptionKind, describeName } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

/** "pil" and "numpy" are Gradio's names for decoded pixels: both give `Pixels`. */
export type GalleryType = "filepath" | "pixels" | "pil" | "numpy" | "buffer";
export type ObjectFit = "contain" | "cover" | "fill" | "none" | "scale-down";

/** One item as the function receives it: the image by `type` (videos always as a path), and its caption. */
export type GalleryItemIn<T extends GalleryType> = [media: (T extends "filepath" ? string : ImageIn<T>) | string, caption: string | null];

/** One item the function may return: an image (Pixels, encoded bytes, path, URL), a video (path, URL or bytes). */
export type GalleryMedia = Pixels | Uint8Array | string;
/** What the function may return: a list of media, or of `[media, caption]` pairs (mixed freely), or null. */
export type GalleryOut = readonly (GalleryMedia | readonly [GalleryMedia, string | null | undefined])[] | null;

/** One item on the wire, Gradio's GalleryImage or GalleryVideo. */
export type GalleryWireItem = { image: FileData; caption: string | null } | { video: FileData; caption: string | null };

export interface GalleryOptions<T extends GalleryType = "filepath", R extends boolean = false> extends ComponentOptions, EmptyOptions<R> {
  /** What the function receives for each image: its path in the file store (default, as in Gradio), `Pixels`, or encoded bytes. Videos always come as a path. */
  type?: T;
  /** Format returned Pixels are encoded in. Default "webp" (Gradio's). */
  format?: ImageFormat;
  /** Images per row: one number, or one per screen width (<576, <768, <992, <1200, <1400, ≥1400 px; the last repeats). Default 2. */
  columns?: number | number[];
  /** Rows shown before the grid scrolls (with `height` unset). */
  rows?: number | number[];
  /** Display height on the page: pixels, or any CSS length. */
  height?: number | string;
  /** Clicking a thumbnail shows it large. Default true. */
  allowPreview?: boolean;
  /** Start in the large view (of `selectedIndex`, else the first item). */
  preview?: boolean;
  selectedIndex?: number;
  /** CSS object-fit of the thumbnails. Default "cover". */
  objectFit?: ObjectFit;
  showDownloadButton?: boolean;
  /** Files people may upload, as `tr.File` takes them. Default images and videos. */
  fileTypes?: string[];
}

const TYPES: readonly GalleryType[] = ["filepath", "pixels", "pil", "numpy", "buffer"];
const FITS: readonly ObjectFit[] = ["contain", "cover", "fill", "none", "scale-down"];
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 64;
const isCounts = (v: unknown) => isCount(v) || (Array.isArray(v) && v.length >= 1 && v.length <= 6 && v.every(isCount));
const isCssSize = (v: unknown) => (typeof v === "number" && v > 0) || typeof v === "string";
const nullable = (type: string, title: string) => ({ anyOf: [{ type }, { type: "null" }], default: null, title });

/**
 * A grid of images and videos with captions: thumbnails, a large preview on click, downloads. Gradio
 * shortcut: "gallery".
 *
 * As an input people upload several files; the function receives `[media, caption]` pairs, images by
 * `type` (a path by default, as in Gradio) and videos as paths. As an output it may return a list of
 * images (Pixels, bytes, paths, URLs) and videos (paths, URLs, bytes), each alone or in a `[media, caption]`
 * pair. The wire value is Gradio's: a list of `{ image: FileData, caption }` / `{ video: FileData, caption }`.
 *
 * @example
 * new tr.Gallery({ columns: 3, label: "Results" })   // fn returns [["a.png", "first"], [pixels, "second"]]
 */
export class Gallery<T extends GalleryType = "filepath", R extends boolean = false> extends Component<Maybe<GalleryItemIn<T>[], R>, GalleryOut, GalleryWireItem[]> {
  readonly type = "gallery";
  readonly className = "Gallery";
  readonly galleryType: T;
  readonly format: ImageFormat;
  readonly columns: number | number[];
  readonly rows: number | number[] | undefined;
  readonly height: number | string | undefined;
  readonly allowPreview: boolean;
  readonly preview: boolean | undefined;
  readonly selectedIndex: number | undefined;
  readonly objectFit: ObjectFit;
  readonly showDownloadButton: boolean;
  readonly fileTypes: string[];
  private readonly images: Image<GalleryType, true>;
  private readonly videos = new Video();

  constructor(opts: GalleryOptions<T, R> = {}) {
    super(opts);
    this.galleryType = opts.type ?? ("filepath" as T);
    this.format = opts.format ?? "webp";
    this.columns = opts.columns ?? 2;
    this.rows = opts.rows;
    this.height = opts.height;
    this.allowPreview = opts.allowPreview ?? true;
    this.preview = opts.preview;
    this.selectedIndex = opts.selectedIndex;
    this.objectFit = opts.objectFit ?? "cover";
    this.showDownloadButton = opts.showDownloadButton ?? true;
    this.fileTypes = opts.fileTypes ? [...opts.fileTypes] : ["image", "video"];
    this.images = new Image<GalleryType, true>({ type: this.galleryType, format: this.format, required: true });
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      required: "boolean",
      type: oneOf(...TYPES),
      format: oneOf("png", "jpeg", "webp"),
      columns: isCounts,
      rows: isCounts,
      height: isCssSize,
      allowPreview: "boolean",
      preview: "boolean",
      selectedIndex: (v) => Number.isInteger(v) && (v as number) >= 0,
      objectFit: oneOf(...FITS),
      showDownloadButton: "boolean",
      fileTypes: (v) => Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === "string" && t.length > 0),
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      type: this.galleryType,
      format: this.format,
      columns: this.columns,
      rows: this.rows ?? null,
      height: this.height ?? null,
      allow_preview: this.allowPreview,
      preview: this.preview ?? null,
      selected_index: this.selectedIndex ?? null,
      object_fit: this.objectFit,
      show_download_button: this.showDownloadButton,
      show_share_button: false,
      show_fullscreen_button: true,
      file_types: this.fileTypes,
    };
  }

  apiInfo(): JSONSchema {
    const caption = nullable("string", "Caption");
    return {
      items: {
        anyOf: [
          { properties: { image: fileDataSchema("ImageData"), caption }, required: ["image"], title: "GalleryImage", type: "object" },
          { properties: { video: fileDataSchema(), caption }, required: ["video"], title: "GalleryVideo", type: "object" },
        ],
      },
      title: "GalleryData",
      type: "array",
    };
  }
  exampleInput(): unknown {
    return [
      {
        image: { path: "https://raw.githubusercontent.com/gradio-app/gradio/main/test/test_files/bus.png", meta: { _type: "gradio.FileData" } },
        caption: null,
      },
    ];
  }
  override pythonType(): string {
    return "list[tuple[str, str | None]]";
  }

  /** Agents (MCP) give a list of URLs or data: URIs, one per image or video. */
  toolSchema(): JSONSchema {
    return { type: "array", items: { type: "string", description: "an image or a video: an http(s) URL, or a data: URI (data:<mime>;base64,<bytes>)" } };
  }

  protected override emptyHint(): string {
    return "upload images or videos";
  }

  async preprocess(payload: unknown, ctx: ComponentContext): Promise<Maybe<GalleryItemIn<T>[], R>> {
    // Nothing uploaded (null, or an empty list) is empty, as in Gradio.
    if (payload === null || payload === undefined || (Array.isArray(payload) && payload.length === 0)) return this.empty();
    if (!Array.isArray(payload)) this.fail(`expected a list of { image, caption } or { video, caption } items, got ${describe(payload)}`);
    const out: GalleryItemIn<T>[] = [];
    for (const [i, item] of payload.entries()) out.push(await this.inputItem(item, i, ctx));
    return out;
  }

  async postprocess(value: GalleryOut, ctx: ComponentContext): Promise<GalleryWireItem[] | null> {
    if (value === null || value === undefined) return null;
    if (!Array.isArray(value)) this.fail(`the function returned ${describe(value)}, expected a list of images or videos (or [media, caption] pairs)`);
    const out: GalleryWireItem[] = [];
    for (const [i, item] of (value as unknown[]).entries()) out.push(await this.outputItem(item, i, ctx));
    return out;
  }

  /** One item from a client: `{ image | video, caption }`, a FileData or path (what @gradio/client sends for a Blob), or `[file, caption]`. */
  private async inputItem(item: unknown, i: number, ctx: ComponentContext): Promise<GalleryItemIn<T>> {
    let file: unknown = item;
    let caption: unknown = null;
    let kind: "image" | "video" | undefined;
    if (Array.isArray(item)) {
      [file, caption = null] = item;
    } else if (item !== null && typeof item === "object" && ("image" in item || "video" in item)) {
      const o = item as { image?: unknown; video?: unknown; caption?: unknown };
      kind = o.video !== undefined && o.video !== null ? "video" : "image";
      file = kind === "video" ? o.video : o.image;
      caption = o.caption ?? null;
    }
    if (caption !== null && typeof caption !== "string") this.fail(`item ${i + 1}: the caption must be a string or null, got ${describe(caption)}`);
    const stored = await uploadedFile(file, ctx, (m, code) => this.fail(`item ${i + 1}: ${m}`, code));
    const sniffed = await sniffFile(stored);
    if (kind === "video" || isVideo(sniffed)) {
      if (!isVideo(sniffed)) this.fail(`item ${i + 1}: ${describeName(stored)} is not a video`);
      return [stored, caption];
    }
    const media = await this.relabel(i, () => this.images.preprocess({ path: stored, meta: { _type: "gradio.FileData" } }, ctx));
    return [media as GalleryItemIn<T>[0], caption];
  }

  private async outputItem(item: unknown, i: number, ctx: ComponentContext): Promise<GalleryWireItem> {
    let media: unknown = item;
    let caption: unknown = null;
    if (Array.isArray(item)) {
      if (item.length < 1 || item.length > 2) this.fail(`item ${i + 1}: a pair must be [media, caption], got an array of ${item.length}`);
      [media, caption = null] = item;
    }
    if (caption === undefined) caption = null;
    if (caption !== null && typeof caption !== "string") this.fail(`item ${i + 1}: the caption must be a string or null, got ${describe(caption)}`);
    const cap = caption as string | null;
    if (typeof media === "string") {
      const isUrl = /^https?:\/\//i.test(media);
      const video = isUrl ? videoMimeOf(media) !== undefined : isVideo(await sniffFile(media));
      if (video) return { video: (await this.relabel(i, () => this.videos.postprocess(media as string, ctx)))!, caption: cap };
    } else if (media instanceof Uint8Array && isVideo(await sniffBytes(media))) {
      return { video: (await this.relabel(i, () => this.videos.postprocess(media as Uint8Array, ctx)))!, caption: cap };
    }
    if (media === null || media === undefined) this.fail(`item ${i + 1} is ${describe(media)}, expected an image or a video`);
    const image = await this.relabel(i, () => this.images.postprocess(media as Pixels | Uint8Array | string, ctx));
    return { image: image!, caption: cap };
  }

  /** A refusal of the inner Image or Video, reported as this gallery's, with the item's number. */
  private async relabel<R>(i: number, step: () => Promise<R>): Promise<R> {
    try {
      return await step();
    } catch (err) {
      if (err instanceof ValidationError) this.fail(`item ${i + 1}: ${err.message.replace(/^(Image|Video): /, "")}`, err.code);
      throw err;
    }
  }

  /** Examples and the initial value: a list of paths, URLs or `[path, caption]` pairs. */
  override async exampleValue(example: unknown, ctx: ComponentContext): Promise<unknown> {
    return this.postprocess(example as GalleryOut, ctx);
  }
}
