import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { Component, type ComponentOptions, type EmptyOptions, type JSONSchema, type Maybe } from "./component.js";
import { fileDataPath, mimeOf, safeName, type FileData } from "../core/files.js";
import { ValidationError, type ErrorCode } from "../core/errors.js";
import { describe, oneOf, type OptionKind, describeName } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

export type FileType = "filepath" | "buffer";
export type FileCount = "single" | "multiple";

/** A file the function returns as bytes with its own name. */
export interface NamedFile {
  name: string;
  data: Uint8Array;
}

type OneFileIn<T extends FileType> = T extends "buffer" ? Buffer : string;
/** What the function receives: a path in the file store (or its bytes for `type: "buffer"`), an array when `fileCount` is "multiple". */
export type FileIn<T extends FileType, C extends FileCount> = C extends "multiple" ? OneFileIn<T>[] : OneFileIn<T>;
/** One returned file: a path (or http(s) URL), bytes (named "file"), or `{ name, data }`. */
export type FileOutItem = string | Uint8Array | NamedFile;
/** What the function may return; with `fileCount: "multiple"` also an array. */
export type FileOut<C extends FileCount> = C extends "multiple" ? FileOutItem | FileOutItem[] | null : FileOutItem | null;

export interface FileOptions<T extends FileType = "filepath", C extends FileCount = "single", R extends boolean = false> extends ComponentOptions, EmptyOptions<R> {
  /** What the function receives: the stored file's path (default) or its bytes. */
  type?: T;
  /**
   * Accepted files: extensions (".pdf", ".tar.gz"), groups ("image", "audio", "video", "text"; "file" is
   * anything), or MIME types ("application/pdf", "image/*"). Enforced on what clients send.
   */
  fileTypes?: string[];
  /** "multiple" lets users send several files; the function then receives an array. */
  fileCount?: C;
  /** Display height on the page: pixels, or any CSS length. */
  height?: number | string;
}

const GROUPS = ["image", "audio", "video", "text", "file"] as const;
const GROUP_EXTENSIONS: Record<string, string[]> = {
  image: [".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp", ".svg", ".tif", ".tiff", ".ico", ".heic", ".heif"],
  audio: [".wav", ".mp3", ".ogg", ".oga", ".opus", ".flac", ".m4a", ".aac", ".weba"],
  video: [".mp4", ".webm", ".mov", ".mkv", ".avi", ".ogv", ".m4v"],
  text: [".txt", ".csv", ".tsv", ".md", ".json", ".jsonl", ".xml", ".html", ".htm", ".yaml", ".yml", ".log"],
};

function validFileType(t: string): boolean {
  if ((GROUPS as readonly string[]).includes(t)) return true;
  if (/^\.[^./\\\s][^/\\\s]*$/.test(t)) return true;
  return /^[a-z]+\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/i.test(t);
}

/** Whether a file name is accepted by a list of extensions, groups and MIME types. */
export function matchesFileTypes(name: string, fileTypes: readonly string[]): boolean {
  const lower = name.toLowerCase();
  const mime = mimeOf(lower);
  return fileTypes.some((raw) => {
    const t = raw.toLowerCase();
    if (t === "file") return true;
    if (t.startsWith(".")) return lower.endsWith(t) && lower.length > t.length;
    if (t.endsWith("/*")) return mime.startsWith(t.slice(0, -1));
    if (t.includes("/")) return mime === t;
    return mime.startsWith(`${t}/`) || (GROUP_EXTENSIONS[t] ?? []).some((ext) => lower.endsWith(ext));
  });
}

/**
 * Any file. Gradio shortcuts: "file", "files" (`fileCount: "multiple"`).
 *
 * As an input the function receives a path in the file store, or the file's bytes with `type: "buffer"`;
 * an array of them with `fileCount: "multiple"`. As an output it may return a path (or http(s) URL),
 * bytes, `{ name, data }`, or an array of these with `fileCount: "multiple"`, or null.
 *
 * @example
 * new tr.File({ fileTypes: [".csv", ".txt"], fileCount: "multiple", label: "Data" })
 */
export class File<T extends FileType = "filepath", C extends FileCount = "single", R extends boolean = false> extends Component<
  Maybe<FileIn<T, C>, R>,
  FileOut<C>,
  C extends "multiple" ? (FileData | string)[] : FileData | string
> {
  readonly type = "file";
  readonly className = "File";
  readonly fileType: T;
  readonly fileTypes: string[] | undefined;
  readonly fileCount: C;
  readonly height: number | string | undefined;

  constructor(opts: FileOptions<T, C, R> = {}) {
    super(opts);
    this.fileType = opts.type ?? ("filepath" as T);
    this.fileTypes = opts.fileTypes ? [...opts.fileTypes] : undefined;
    this.fileCount = opts.fileCount ?? ("single" as C);
    this.height = opts.height;
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      required: "boolean",
      type: oneOf("filepath", "buffer"),
      fileTypes: (v) => Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === "string" && validFileType(t)),
      fileCount: oneOf("single", "multiple"),
      height: (v) => (typeof v === "number" && v > 0) || typeof v === "string",
    };
  }

  private get multiple(): boolean {
    return this.fileCount === "multiple";
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      file_count: this.fileCount,
      file_types: this.fileTypes ?? null,
      type: this.fileType,
      height: this.height ?? null,
      allow_reordering: false,
    };
  }

  apiInfo(): JSONSchema {
    return this.multiple ? { type: "array", items: fileDataSchema(), title: "ListFiles" } : fileDataSchema();
  }
  exampleInput(): unknown {
    const one = {
      path: "https://github.com/gradio-app/gradio/raw/main/test/test_files/sample_file.pdf",
      meta: { _type: "gradio.FileData" },
    };
    return this.multiple ? [one] : one;
  }
  override pythonType(): string {
    return this.multiple ? "list[filepath]" : "filepath";
  }

  protected override emptyHint(): string {
    return this.multiple ? "upload one or more files" : "upload a file";
  }

  async preprocess(payload: unknown, ctx: ComponentContext): Promise<Maybe<FileIn<T, C>, R>> {
    // Nothing uploaded (null, or an empty list) is empty, as in Gradio.
    if (payload === null || payload === undefined || (Array.isArray(payload) && payload.length === 0)) {
      return this.empty();
    }
    if (!this.multiple) return (await this.one(payload, ctx)) as FileIn<T, C>;
    const list = Array.isArray(payload) ? payload : [payload];
    const out: OneFileIn<T>[] = [];
    for (const item of list) out.push(await this.one(item, ctx));
    return out as FileIn<T, C>;
  }

  async postprocess(value: FileOut<C>, ctx: ComponentContext): Promise<FileData | FileData[] | null> {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) {
      if (!this.multiple) this.fail(`the function returned an array; set fileCount: "multiple" to return several files`);
      const out: FileData[] = [];
      for (const item of value as unknown[]) out.push(await this.outputFile(item, ctx));
      return out;
    }
    return this.outputFile(value, ctx);
  }

  /** Examples and the initial value: a file path or URL (or bytes, `{ name, data }`), a list with "multiple". */
  override async exampleValue(example: unknown, ctx: ComponentContext): Promise<unknown> {
    const out = await this.postprocess(example as FileOut<C>, ctx);
    return this.multiple && out !== null && !Array.isArray(out) ? [out] : out;
  }

  private async one(payload: unknown, ctx: ComponentContext): Promise<OneFileIn<T>> {
    const file = await uploadedFile(payload, ctx, (m, code) => this.fail(m, code));
    if (this.fileTypes && !matchesFileTypes(path.basename(file), this.fileTypes)) {
      this.fail(`invalid file type ${describeName(file)}; allowed: ${this.fileTypes.join(", ")}`);
    }
    if (this.fileType === "buffer") return (await readFile(file)) as OneFileIn<T>;
    return file as OneFileIn<T>;
  }

  private async outputFile(item: unknown, ctx: ComponentContext): Promise<FileData> {
    if (typeof item === "string") {
      if (/^https?:\/\//i.test(item)) return urlFileData(item);
      const name = path.basename(item);
      let isFile = false;
      try {
        isFile = (await stat(item)).isFile();
      } catch {
        // reported below
      }
      if (!isFile) this.fail(`the file ${describeName(name)} does not exist or is not a file`);
      return ctx.files.fileData(await ctx.files.copyIn(item), ctx.root, name);
    }
    if (item instanceof Uint8Array) {
      return ctx.files.fileData(await ctx.files.save(item, "file"), ctx.root, "file");
    }
    if (item !== null && typeof item === "object" && !Array.isArray(item)) {
      const { name, data } = item as Partial<NamedFile>;
      if (typeof name !== "string" || name === "") this.fail(`a returned { name, data } file needs a non-empty name, got ${describe(name)}`);
      if (!(data instanceof Uint8Array)) this.fail(`a returned { name, data } file needs data as bytes, got ${describe(data)}`);
      const stored = await ctx.files.save(data, safeName(name));
      return ctx.files.fileData(stored, ctx.root, path.basename(stored));
    }
    this.fail(`the function returned ${describe(item)}, expected a file path, bytes, { name, data } or null`);
  }
}

/**
 * Resolves a client's FileData (or bare path) to a file inside the upload folder. An http(s) URL (what
 * `handle_file("https://…")` sends) is fetched into the store, refusing private and loopback hosts
 * (see `fetchUrl`). `fail` reports with the calling component's name.
 */
export async function uploadedFile(payload: unknown, ctx: ComponentContext, fail: (message: string, code?: ErrorCode) => never): Promise<string> {
  const reported = async <T>(step: () => T | Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (err) {
      // The store's and the fetch's own reasons keep their codes (TR_ERR_FILE_PATH, TR_ERR_FETCH_REFUSED…).
      if (err instanceof ValidationError) fail(err.message, err.code);
      throw err;
    }
  };
  const p = await reported(() => fileDataPath(payload));
  if (/^https?:\/\//i.test(p)) return reported(() => ctx.files.fetchUrl(p));
  if (/^[a-z][a-z0-9+.-]*:/i.test(p) && !/^[a-z]:[\\/]/i.test(p)) {
    fail("only http(s) URLs are fetched; upload the file and send the path the upload returned");
  }
  return reported(() => ctx.files.clientPath(p));
}

/** An output FileData for an http(s) URL the function returned; the page loads it directly. */
export function urlFileData(url: string): FileData {
  let name = "file";
  try {
    name = decodeURIComponent(new URL(url).pathname.split("/").pop() || "") || name;
  } catch {
    // keep the fallback name
  }
  return { path: url, url, size: null, orig_name: name, mime_type: null, is_stream: false, meta: { _type: "gradio.FileData" } };
}

/** Gradio's FileData JSON schema (as pydantic's `model_json_schema()` gives it), under the given title. */
export function fileDataSchema(title = "FileData"): JSONSchema {
  const nullable = (type: string, t: string) => ({ anyOf: [{ type }, { type: "null" }], default: null, title: t });
  return {
    properties: {
      path: { title: "Path", type: "string" },
      url: nullable("string", "Url"),
      size: nullable("integer", "Size"),
      orig_name: nullable("string", "Orig Name"),
      mime_type: nullable("string", "Mime Type"),
      is_stream: { default: false, title: "Is Stream", type: "boolean" },
      meta: { default: { _type: "gradio.FileData" }, title: "Meta", type: "object" },
    },
    required: ["path"],
    title,
    type: "object",
  };
}
