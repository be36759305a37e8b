import { stat } from "node:fs/promises";
import path from "node:path";
import { Component, type ComponentOptions, type EmptyOptions, type JSONSchema, type Maybe } from "./component.js";
import { fileDataSchema, uploadedFile, urlFileData, type NamedFile } from "./file.js";
import { isVideo, sniffBytes, sniffFile, videoMimeOf } from "./media.js";
import { safeName, type FileData } from "../core/files.js";
import { describe, listOf, oneOf, type OptionKind, describeName } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export type VideoSource = "upload" | "webcam";
/** Containers a webcam recording may be asked for (`format`); browsers record WebM, some also MP4. */
export type VideoFormat = "mp4" | "webm";

/**
 * What the function may return: a file path or http(s) URL, the video's bytes (its container is read
 * from them), `{ name, data }`, or null.
 */
export type VideoOut = string | Uint8Array | NamedFile | null;

export interface VideoOptions<R extends boolean = false> extends ComponentOptions, EmptyOptions<R> {
  /** Where the page lets users take a video from. Default ["upload", "webcam"]. */
  sources?: VideoSource[];
  /**
   * The container webcam recordings are made in when the browser can record it (MP4 plays everywhere;
   * "playable_video" asks for it). tradio does not transcode: uploads and returned files are kept as they are,
   * and the page says so when the browser cannot play one.
   */
  format?: VideoFormat;
  /** Display height on the page: pixels, or any CSS length. */
  height?: number | string;
  /** Display width on the page: pixels, or any CSS length. */
  width?: number | string;
  /** Start playing an output when it arrives (browsers allow it once the person has used the page). */
  autoplay?: boolean;
  loop?: boolean;
  showDownloadButton?: boolean;
  /** Show the webcam preview mirrored (the recording itself is not flipped). Default true. */
  mirrorWebcam?: boolean;
  /** Record the microphone with the webcam. Default: false when the webcam is the only source, else true (as in Gradio). */
  includeAudio?: boolean;
}

const SOURCES: readonly VideoSource[] = ["upload", "webcam"];
const FORMATS: readonly VideoFormat[] = ["mp4", "webm"];
const isCssSize = (v: unknown) => (typeof v === "number" && v > 0) || typeof v === "string";

/**
 * A video: upload, webcam recording, playback. Gradio shortcuts: "video", and "playable_video"
 * (`new Video({ format: "mp4" })`).
 *
 * The wire value is a FileData (Gradio's Video data model); Gradio 4/5's `{ video, subtitles }` is also
 * accepted from clients. As an input the function receives the path of the video in the file store, as
 * in Gradio. As an output it may return a path or URL, bytes, `{ name, data }` or null. Anything that is not
 * a video container (read from the file's bytes) is refused.
 *
 * @example
 * new tr.Video({ sources: ["webcam"], label: "Clip" })   // fn(clip: string) gets the recording's path
 */
export class Video<R extends boolean = false> extends Component<Maybe<string, R>, VideoOut, FileData | string> {
  readonly type = "video";
  readonly className = "Video";
  readonly sources: VideoSource[];
  readonly format: VideoFormat | undefined;
  readonly height: number | string | undefined;
  readonly width: number | string | undefined;
  readonly autoplay: boolean;
  readonly loop: boolean;
  readonly showDownloadButton: boolean;
  readonly mirrorWebcam: boolean;
  readonly includeAudio: boolean;

  constructor(opts: VideoOptions<R> = {}) {
    super(opts);
    this.sources = opts.sources ? [...new Set(opts.sources)] : [...SOURCES];
    this.format = opts.format;
    this.height = opts.height;
    this.width = opts.width;
    this.autoplay = opts.autoplay ?? false;
    this.loop = opts.loop ?? false;
    this.showDownloadButton = opts.showDownloadButton ?? true;
    this.mirrorWebcam = opts.mirrorWebcam ?? true;
    this.includeAudio = opts.includeAudio ?? this.sources.includes("upload");
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      required: "boolean",
      sources: listOf(SOURCES, { nonEmpty: true }),
      format: oneOf(...FORMATS),
      height: isCssSize,
      width: isCssSize,
      autoplay: "boolean",
      loop: "boolean",
      showDownloadButton: "boolean",
      mirrorWebcam: "boolean",
      includeAudio: "boolean",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      sources: this.sources,
      format: this.format ?? null,
      height: this.height ?? null,
      width: this.width ?? null,
      autoplay: this.autoplay,
      loop: this.loop,
      show_download_button: this.showDownloadButton,
      show_share_button: false,
      mirror_webcam: this.mirrorWebcam,
      webcam_options: { mirror: this.mirrorWebcam, constraints: null },
      include_audio: this.includeAudio,
      streaming: false,
    };
  }

  apiInfo(): JSONSchema {
    return fileDataSchema();
  }
  exampleInput(): unknown {
    return {
      path: "https://github.com/gradio-app/gradio/raw/main/gradio/media_assets/videos/world.mp4",
      meta: { _type: "gradio.FileData" },
    };
  }
  override pythonType(): string {
    return "filepath";
  }

  protected override emptyHint(): string {
    return "upload or record a video";
  }

  async preprocess(payload: unknown, ctx: ComponentContext): Promise<Maybe<string, R>> {
    if (payload === null || payload === undefined) return this.empty();
    // Gradio 4/5 sent { video: FileData, subtitles }; Gradio 6 and tradio send the FileData itself.
    if (typeof payload === "object" && !Array.isArray(payload) && "video" in payload) payload = (payload as { video: unknown }).video;
    const file = await uploadedFile(payload, ctx, (m, code) => this.fail(m, code));
    if (!isVideo(await sniffFile(file))) this.fail(`${describeName(file)} is not a video (expected MP4, WebM, Ogg, QuickTime, Matroska or AVI)`);
    return file;
  }

  async postprocess(value: VideoOut, ctx: ComponentContext): Promise<FileData | null> {
    if (value === null || value === undefined) return null;
    if (typeof value === "string") {
      if (/^https?:\/\//i.test(value)) return { ...urlFileData(value), mime_type: videoMimeOf(value) ?? null };
      return this.fromPath(value, ctx);
    }
    if (value instanceof Uint8Array) return this.fromBytes(value, "video", ctx);
    if (typeof value === "object" && !Array.isArray(value)) {
      const { name, data } = value as Partial<NamedFile>;
      if (typeof name !== "string" || name === "") this.fail(`a returned { name, data } video needs a non-empty name, got ${describe(name)}`);
      if (!(data instanceof Uint8Array)) this.fail(`a returned { name, data } video needs data as bytes, got ${describe(data)}`);
      return this.fromBytes(data, safeName(name, "video"), ctx);
    }
    this.fail(`the function returned ${describe(value)}, expected a video file path, URL, bytes, { name, data } or null`);
  }

  private async fromPath(file: string, ctx: ComponentContext): Promise<FileData> {
    const name = path.basename(file);
    let isFile = false;
    try {
      isFile = (await stat(file)).isFile();
    } catch {
      // reported below
    }
    if (!isFile) this.fail(`the video file ${describeName(name)} does not exist or is not a file`);
    const kind = await sniffFile(file);
    if (!isVideo(kind)) this.fail(`${describeName(name)} is not a video (expected MP4, WebM, Ogg, QuickTime, Matroska or AVI)`);
    const stored = await ctx.files.copyIn(file);
    return { ...(await ctx.files.fileData(stored, ctx.root, name)), mime_type: kind.mime };
  }

  private async fromBytes(bytes: Uint8Array, name: string, ctx: ComponentContext): Promise<FileData> {
    const kind = await sniffBytes(bytes);
    if (!isVideo(kind)) this.fail(`the returned bytes are not a video (expected MP4, WebM, Ogg, QuickTime, Matroska or AVI)`);
    const stem = name.replace(/\.[^.]*$/, "") || "video";
    const stored = await ctx.files.save(bytes, `${stem}.${kind.ext}`);
    return { ...(await ctx.files.fileData(stored, ctx.root)), mime_type: kind.mime };
  }
}
