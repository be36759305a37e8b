import { open, stat } from "node:fs/promises";
import path from "node:path";
import { Component, type ComponentOptions, type EmptyOptions, type JSONSchema, type Maybe } from "./component.js";
import { fileDataSchema, uploadedFile, urlFileData, type NamedFile } from "./file.js";
import { safeName, type FileData } from "../core/files.js";
import { describe, oneOf, type OptionKind, describeName } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export type DisplayMode = "solid" | "wireframe" | "point_cloud";
/** `[alpha, beta, radius]`: degrees around the vertical axis, degrees from it, and distance; null keeps the fitted value. */
export type CameraPosition = [alpha: number | null, beta: number | null, radius: number | null];

/** What the function may return: a path or http(s) URL, `{ name, data }` (the name gives the format), binary glTF bytes, or null. */
export type Model3DOut = string | NamedFile | Uint8Array | null;

export interface Model3DOptions<R extends boolean = false> extends ComponentOptions, EmptyOptions<R> {
  /** Background as RGBA, each in [0, 1]. Default [0, 0, 0, 0] (transparent). */
  clearColor?: [number, number, number, number];
  /** Initial camera, as in Gradio: `[alpha, beta, radius]`; each may be null. */
  cameraPosition?: CameraPosition;
  /** "solid" (default), "wireframe", or "point_cloud" (the vertices as dots). */
  displayMode?: DisplayMode;
  /** Mouse-wheel and pinch zoom speed. Default 1. */
  zoomSpeed?: number;
  /** Pan speed. Default 1. */
  panSpeed?: number;
  /** Display height on the page: pixels, or any CSS length. */
  height?: number | string;
}

/** The formats the page's viewer reads (three.js loaders). */
export const MODEL_EXTENSIONS = [".obj", ".glb", ".gltf", ".stl"] as const;
const MODES: readonly DisplayMode[] = ["solid", "wireframe", "point_cloud"];
const unit = (n: unknown) => typeof n === "number" && Number.isFinite(n) && n >= 0 && n <= 1;
const positive = (n: unknown) => typeof n === "number" && Number.isFinite(n) && n > 0;

function modelExtension(name: string): string | undefined {
  const ext = path.extname(name).toLowerCase();
  return (MODEL_EXTENSIONS as readonly string[]).includes(ext) ? ext : undefined;
}

/**
 * A 3D model viewer (.obj, .glb, .gltf, .stl), drawn with three.js on the page, which loads it only when a
 * page shows a model. Gradio shortcut: "model3d".
 *
 * As an input people upload a model and the function receives its path in the file store. As an output
 * the function returns a path or URL (the extension gives the format), `{ name, data }`, binary glTF bytes,
 * or null. A .gltf must carry its buffers and textures inside it (data: URIs), or be a .glb.
 *
 * @example
 * new tr.Model3D({ clearColor: [0.9, 0.9, 0.9, 1], displayMode: "wireframe", cameraPosition: [45, 60, null] })
 */
export class Model3D<R extends boolean = false> extends Component<Maybe<string, R>, Model3DOut, FileData | string> {
  readonly type = "model3d";
  readonly className = "Model3D";
  readonly clearColor: [number, number, number, number];
  readonly cameraPosition: CameraPosition;
  readonly displayMode: DisplayMode;
  readonly zoomSpeed: number;
  readonly panSpeed: number;
  readonly height: number | string | undefined;

  constructor(opts: Model3DOptions<R> = {}) {
    super(opts);
    this.clearColor = opts.clearColor ? [...opts.clearColor] : [0, 0, 0, 0];
    this.cameraPosition = opts.cameraPosition ? [...opts.cameraPosition] : [null, null, null];
    this.displayMode = opts.displayMode ?? "solid";
    this.zoomSpeed = opts.zoomSpeed ?? 1;
    this.panSpeed = opts.panSpeed ?? 1;
    this.height = opts.height;
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      required: "boolean",
      clearColor: (v) => Array.isArray(v) && v.length === 4 && v.every(unit),
      cameraPosition: (v) =>
        Array.isArray(v) && v.length === 3 && v.every((n) => n === null || (typeof n === "number" && Number.isFinite(n))) && (v[2] === null || v[2] > 0),
      displayMode: oneOf(...MODES),
      zoomSpeed: positive,
      panSpeed: positive,
      height: (v) => (typeof v === "number" && v > 0) || typeof v === "string",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      clear_color: this.clearColor,
      camera_position: this.cameraPosition,
      display_mode: this.displayMode,
      zoom_speed: this.zoomSpeed,
      pan_speed: this.panSpeed,
      height: this.height ?? null,
    };
  }

  apiInfo(): JSONSchema {
    return fileDataSchema();
  }
  exampleInput(): unknown {
    return { path: "https://github.com/gradio-app/gradio/raw/main/test/test_files/Box.gltf", meta: { _type: "gradio.FileData" } };
  }
  override pythonType(): string {
    return "filepath";
  }

  protected override emptyHint(): string {
    return `upload a 3D model (${MODEL_EXTENSIONS.join(", ")})`;
  }

  async preprocess(payload: unknown, ctx: ComponentContext): Promise<Maybe<string, R>> {
    if (payload === null || payload === undefined) return this.empty();
    const file = await uploadedFile(payload, ctx, (m, code) => this.fail(m, code));
    // Uploads keep their name; a bare blob's name comes from the FileData the client sent.
    const named = modelExtension(file) ?? modelExtension(String((payload as { orig_name?: unknown })?.orig_name ?? ""));
    if (!named) this.fail(`${describeName(file)} is not a 3D model the viewer reads (${MODEL_EXTENSIONS.join(", ")})`);
    return file;
  }

  async postprocess(value: Model3DOut, ctx: ComponentContext): Promise<FileData | null> {
    if (value === null || value === undefined) return null;
    if (typeof value === "string") {
      if (/^https?:\/\//i.test(value)) {
        if (!modelExtension(new URL(value).pathname)) this.fail(`the URL does not end in a 3D model extension (${MODEL_EXTENSIONS.join(", ")})`);
        return urlFileData(value);
      }
      return this.fromPath(value, ctx);
    }
    if (value instanceof Uint8Array) {
      if (!isGlb(value)) this.fail(`the function returned bytes that are not binary glTF (no glTF header); return { name, data } to say which format they are in`);
      return ctx.files.fileData(await ctx.files.save(value, "model.glb"), ctx.root);
    }
    if (typeof value === "object" && !Array.isArray(value)) {
      const { name, data } = value as Partial<NamedFile>;
      if (typeof name !== "string" || !modelExtension(name)) this.fail(`a returned { name, data } model needs a name ending in ${MODEL_EXTENSIONS.join(", ")}, got ${describe(name)}`);
      if (!(data instanceof Uint8Array)) this.fail(`a returned { name, data } model needs data as bytes, got ${describe(data)}`);
      const stored = await ctx.files.save(data, safeName(name, "model"));
      return ctx.files.fileData(stored, ctx.root, path.basename(stored));
    }
    this.fail(`the function returned ${describe(value)}, expected a 3D model path, URL, { name, data }, glb bytes or null`);
  }

  private async fromPath(file: string, ctx: ComponentContext): Promise<FileData> {
    const name = path.basename(file);
    if (!modelExtension(name)) this.fail(`${describeName(name)} is not a 3D model the viewer reads (${MODEL_EXTENSIONS.join(", ")})`);
    let isFile = false;
    try {
      isFile = (await stat(file)).isFile();
    } catch {
      // reported below
    }
    if (!isFile) this.fail(`the model file ${describeName(name)} does not exist or is not a file`);
    if (name.toLowerCase().endsWith(".glb") && !(await startsWithGlb(file))) this.fail(`${describeName(name)} is not binary glTF (no glTF header)`);
    return ctx.files.fileData(await ctx.files.copyIn(file), ctx.root, name);
  }
}

/** Binary glTF starts with the magic "glTF". */
function isGlb(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && bytes[0] === 0x67 && bytes[1] === 0x6c && bytes[2] === 0x54 && bytes[3] === 0x46;
}

async function startsWithGlb(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const head = new Uint8Array(12);
    const { bytesRead } = await handle.read(head, 0, 12, 0);
    return bytesRead === 12 && isGlb(head);
  } finally {
    await handle.close();
  }
}
