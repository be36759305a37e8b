import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, realpath, rename, rm, stat, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { OptionError, ValidationError } from "../core/errors.js";
import { extensionFor, fileUrlPath, mimeOf, safeName, type FileData, type FileStore } from "../core/files.js";
import { DEFAULT_FETCH_POLICY, openUrl, type FetchPolicy } from "./fetch-url.js";

function inside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** Paths a client sends are refused outright when they carry traversal or odd characters, before any lookup. */
function suspicious(p: string): boolean {
  return /[\u0000-\u001f\\]/.test(p) || p.split("/").some((part) => part === "..");
}

/** Where uploads and outputs go unless an app says otherwise: env TRADIO_TEMP_DIR or the system temp folder's "tradio". */
export function defaultStoreDir(): string {
  return process.env.TRADIO_TEMP_DIR ?? path.join(tmpdir(), "tradio");
}

/**
 * Every file tradio reads for a client or serves to one goes through here. Files tradio writes live in
 * one cache folder (`<dir>/<sha256>/<name>`, like Gradio); the author may allow more files or folders.
 * Nothing else is ever served, and the working directory is refused even when allowed by accident.
 */
export class DiskFileStore implements FileStore {
  readonly dir: string;
  private readonly allowed: string[] = [];
  private ready: Promise<string> | undefined;
  /** How URLs given as file inputs are fetched (see `openUrl`). */
  readonly fetchPolicy: FetchPolicy;

  constructor(opts: { dir?: string; allowedPaths?: readonly string[]; fetchPolicy?: Partial<FetchPolicy> } = {}) {
    this.dir = path.resolve(opts.dir ?? defaultStoreDir());
    this.fetchPolicy = { ...DEFAULT_FETCH_POLICY, ...opts.fetchPolicy };
    for (const p of opts.allowedPaths ?? []) this.allow(p);
  }

  /** The cache folder's real path, created on first use. */
  private root(): Promise<string> {
    this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 }).then(() => realpath(this.dir));
    return this.ready;
  }

  /** Lets the page and clients fetch a file or folder the author chose (examples, `allowedPaths`). */
  private allow(p: string): void {
    const abs = path.resolve(p);
    const cwd = path.resolve(process.cwd());
    if (abs === cwd || abs === path.parse(abs).root || inside(abs, cwd)) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `allowedPaths: refusing to serve ${abs}, which holds the working directory; allow the files or subfolder you need`);
    }
    this.allowed.push(abs);
  }

  /** Stores bytes under their content hash; the same bytes with the same name land on the same path. */
  async save(data: Uint8Array, name: string): Promise<string> {
    const root = await this.root();
    const hash = createHash("sha256").update(data).digest("hex");
    const folder = path.join(root, hash);
    await mkdir(folder, { recursive: true });
    const file = path.join(folder, safeName(name));
    await writeFile(file, data);
    return file;
  }

  /**
   * Stores a stream (an upload) under its content hash without holding it in memory: it is written to a
   * hidden temporary file while hashed, then moved into place. A failed stream, or a `verify` that throws
   * once the stream has ended (say, because it was cut at a size limit), leaves nothing behind.
   */
  async saveStream(source: AsyncIterable<Uint8Array>, name: string, verify?: () => void): Promise<string> {
    const root = await this.root();
    const temp = path.join(root, `.incoming-${randomBytes(12).toString("hex")}`);
    const hash = createHash("sha256");
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp, { mode: 0o600 }),
      );
      verify?.();
      const folder = path.join(root, hash.digest("hex"));
      await mkdir(folder, { recursive: true });
      const file = path.join(folder, safeName(name));
      await rename(temp, file);
      return file;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /**
   * Fetches a URL a client gave as a file input (under `fetchPolicy`) and stores it, streaming: the body
   * goes to disk as it arrives, as an upload does, so a large file never sits in memory.
   */
  async fetchUrl(url: string): Promise<string> {
    const fetched = await openUrl(url, this.fetchPolicy);
    try {
      let name = "file";
      try {
        name = decodeURIComponent(fetched.url.pathname.split("/").pop() ?? "") || name;
      } catch {
        // a malformed escape keeps the fallback name
      }
      if (!path.extname(name)) name += extensionFor(fetched.contentType);
      return await this.saveStream(fetched.body, safeName(name));
    } finally {
      fetched.close();
    }
  }

  /** Copies an author's file into the cache (for examples and outputs given as paths). */
  async copyIn(source: string): Promise<string> {
    const root = await this.root();
    const real = await realpath(source);
    if (inside(root, real)) return real;
    const { createReadStream } = await import("node:fs");
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(real)) hash.update(chunk as Buffer);
    const folder = path.join(root, hash.digest("hex"));
    await mkdir(folder, { recursive: true });
    const file = path.join(folder, safeName(path.basename(real)));
    await copyFile(real, file);
    return file;
  }

  /**
   * A path a client sent in a FileData: accepted only when it resolves (symlinks followed) to a file
   * inside the cache folder, where uploads land.
   */
  async clientPath(p: unknown): Promise<string> {
    if (typeof p !== "string" || p.length === 0) throw new ValidationError("file path must be a non-empty string", "TR_ERR_FILE_PATH");
    if (suspicious(p)) throw new ValidationError("file paths must point inside the upload folder", "TR_ERR_FILE_PATH");
    const root = await this.root();
    let real: string;
    try {
      real = await realpath(path.resolve(root, p));
    } catch {
      throw new ValidationError("file not found in the upload folder; upload it first", "TR_ERR_FILE_PATH");
    }
    if (!inside(root, real)) throw new ValidationError("file paths must point inside the upload folder", "TR_ERR_FILE_PATH");
    const info = await stat(real);
    if (!info.isFile()) throw new ValidationError("file path is not a file", "TR_ERR_FILE_PATH");
    return real;
  }

  /**
   * The real path of a file that may be served, or undefined. Callers answer the same 403 whether the
   * file is missing or forbidden, so existence never leaks.
   */
  async servable(p: string): Promise<string | undefined> {
    if (!p || suspicious(p)) return undefined;
    const root = await this.root();
    const candidate = path.isAbsolute(p) ? p : path.resolve(root, p);
    let real: string;
    try {
      real = await realpath(candidate);
      if (!(await stat(real)).isFile()) return undefined;
    } catch {
      return undefined;
    }
    if (path.basename(real).startsWith(".")) return undefined;
    if (inside(root, real)) return real;
    for (const allowed of this.allowed) {
      let realAllowed: string;
      try {
        realAllowed = await realpath(allowed);
      } catch {
        continue;
      }
      if (real === realAllowed || inside(realAllowed, real)) {
        const rel = path.relative(realAllowed, real);
        if (rel.split(path.sep).some((part) => part.startsWith("."))) return undefined;
        return real;
      }
    }
    return undefined;
  }

  /** Output FileData for a stored file, with an absolute URL the client passes through unchanged. */
  async fileData(file: string, root: string, origName?: string): Promise<FileData> {
    const info = await stat(file);
    return {
      path: file,
      url: `${root}/gradio_api/file=${fileUrlPath(file)}`,
      size: info.size,
      orig_name: origName ?? path.basename(file),
      mime_type: mimeOf(file),
      is_stream: false,
      meta: { _type: "gradio.FileData" },
    };
  }
}

