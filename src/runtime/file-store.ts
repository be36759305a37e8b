import { createHash, randomBytes } from "node:crypto";
import { constants, createReadStream, rmSync } from "node:fs";
import { lstat, mkdir, open, readdir, realpath, rename, rm, rmdir, stat, unlink, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { LocalTotal, type Total } from "../core/counter.js";
import { OptionError, TradioFailure, ValidationError } from "../core/errors.js";
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

/** A store of a launched app holds at most this many bytes by default (uploads past it get 507). */
export const DEFAULT_MAX_STORE_SIZE = 10 * 1024 ** 3;
/** By default, every hour, callers' files unused for a day are deleted. */
export const DEFAULT_DELETE_CACHE: readonly [number, number] = [3600, 86_400];

export interface DiskFileStoreOptions {
  /**
   * The folder holding tradio's stores (default env TRADIO_TEMP_DIR, or the system temp folder's
   * "tradio"). It must belong to this process's user and not be writable by others; each store makes its
   * own folder inside, so apps never see each other's files.
   */
  dir?: string;
  /** Files or folders, besides the store, that may be served. */
  allowedPaths?: readonly string[];
  /** How URLs given as file inputs are fetched (see `openUrl`). */
  fetchPolicy?: Partial<FetchPolicy>;
  /**
   * Most bytes the store holds. Past it, what callers would add (uploads, URL inputs, their outputs) is
   * refused with TR_ERR_STORE_FULL; the author's own files (examples) are not. null: no bound. Default 10 GiB.
   */
  maxStoreSize?: number | null;
  /**
   * Gradio's `delete_cache`: `[frequency, age]` in seconds. Every `frequency` seconds, callers' files
   * (uploads and outputs) not used for `age` seconds are deleted; a file is used when it is stored, sent
   * as an input or served. null: never. Default `[3600, 86400]`. Whatever this says, the store's folder is
   * removed when the store is closed (the app shuts down) or the process exits; with it, the sweep also
   * removes folders of killed processes' stores whose files are all older than `age`.
   */
  deleteCache?: readonly [number, number] | null;
  /**
   * A fixed name for this store's folder inside `dir`, for a store that several processes share (an app
   * launched with `redis`): each finds the others' files there, and none removes the folder when it
   * closes; the sweep still deletes callers' files unused for `deleteCache`'s age.
   */
  sharedName?: string;
  /**
   * Where the bytes the store holds are counted (for `maxStoreSize`): default this process; a store
   * several processes share counts in Redis, so the bound holds for all of them (see `RedisTotal`).
   */
  total?: Total;
}

/** The folder of the author's own files (examples, outputs of calls from code): readable by every caller, never swept. */
const SHARED = "shared";
/** Callers of an app without a login share one area. */
const ANONYMOUS = "anon";

/** Store folders to remove if the process exits without closing them. */
const openStores = new Set<string>();
let exitHook = false;
function removeAtExit(dir: string): void {
  openStores.add(dir);
  if (exitHook) return;
  exitHook = true;
  process.once("exit", () => {
    for (const d of openStores) rmSync(d, { recursive: true, force: true });
  });
}

/**
 * The folder all stores live in, checked before anything is written: created with mode 0700 when
 * missing, and refused when it is a link, belongs to another user, or others may write to it (another
 * local user who made it first could plant links in it and have tradio write through them).
 */
async function checkedBase(base: string): Promise<string> {
  await mkdir(base, { recursive: true, mode: 0o700 });
  const info = await lstat(base);
  const fix = "remove it, or set TRADIO_TEMP_DIR to a folder of your own (or launch with `files: new tr.DiskFileStore({ dir })`)";
  const refuse = (why: string) => new TradioFailure("TR_ERR_STORE_UNSAFE", `tradio: refusing to keep files in ${base}: ${why}; ${fix}`);
  if (info.isSymbolicLink()) throw refuse("it is a symbolic link");
  if (!info.isDirectory()) throw refuse("it is not a folder");
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) throw refuse(`it belongs to another user (uid ${info.uid}; this process runs as uid ${uid})`);
  if (process.platform !== "win32" && (info.mode & 0o022) !== 0) {
    throw refuse(`other users may write to it (mode ${(info.mode & 0o777).toString(8)})`);
  }
  return realpath(base);
}

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** A folder inside the store, made if missing; whatever else sits at its name (a link) is removed first. */
async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const info = await lstat(dir);
  if (info.isDirectory()) return;
  await unlink(dir);
  await mkdir(dir, { mode: 0o700 });
}

/**
 * Puts a finished file at `file`, never through a link. Content-addressed: a regular file already there
 * holds the same bytes, so it is kept (and its time refreshed) and false is returned.
 */
async function place(file: string, write: () => Promise<void>): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    let existing;
    try {
      existing = await lstat(file);
    } catch {
      existing = undefined;
    }
    if (existing?.isFile()) {
      try {
        await touch(file);
        return false;
      } catch {
        continue; // deleted meanwhile: write it again
      }
    }
    if (existing) await rm(file, { recursive: true, force: true }); // a link or anything else planted there
    try {
      await write();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 2) throw err;
    }
  }
}

/** Bytes written to a new file: opened exclusively (O_EXCL, O_NOFOLLOW), so no existing file or link is written through. */
async function writeNew(file: string, data: Uint8Array): Promise<void> {
  const fh = await open(file, CREATE, 0o600);
  try {
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
}

function touch(file: string): Promise<void> {
  const now = new Date();
  return utimes(file, now, now);
}

/** Whether a process runs (one of another user counts). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The latest modification time of anything in a folder, `depth` levels down (links not followed). */
async function newest(dir: string, depth: number): Promise<number> {
  const info = await lstat(dir).catch(() => undefined);
  if (!info) return 0;
  let latest = info.mtimeMs;
  if (depth > 0 && info.isDirectory()) {
    for (const name of await readdir(dir).catch(() => [] as string[])) latest = Math.max(latest, await newest(path.join(dir, name), depth - 1));
  }
  return latest;
}

/** One store's state, shared by its views (the author's and each caller's). */
class StoreCore {
  readonly base: string;
  readonly allowed: string[] = [];
  readonly fetchPolicy: FetchPolicy;
  readonly maxSize: number | null;
  readonly deleteCache: readonly [number, number] | null;
  private ready: Promise<string> | undefined;
  private folder: string | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly sharedName: string | undefined;
  /** Bytes of the files in the store (recounted at every sweep). */
  private readonly total: Total;
  /** Bytes of callers' writes under way. */
  pending = 0;

  constructor(opts: DiskFileStoreOptions) {
    this.base = path.resolve(opts.dir ?? defaultStoreDir());
    this.fetchPolicy = { ...DEFAULT_FETCH_POLICY, ...opts.fetchPolicy };
    this.maxSize = opts.maxStoreSize === undefined ? DEFAULT_MAX_STORE_SIZE : opts.maxStoreSize;
    this.deleteCache = opts.deleteCache === undefined ? DEFAULT_DELETE_CACHE : opts.deleteCache;
    if (this.maxSize !== null && !(typeof this.maxSize === "number" && this.maxSize > 0)) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `maxStoreSize must be a positive number of bytes or null, got ${String(this.maxSize)}`);
    }
    const dc = this.deleteCache;
    if (dc !== null && !(Array.isArray(dc) && dc.length === 2 && dc.every((n) => typeof n === "number" && n > 0 && Number.isFinite(n)))) {
      throw new OptionError("TR_ERR_OPTION_INVALID", "deleteCache must be [frequencySeconds, ageSeconds] (two positive numbers) or null");
    }
    for (const p of opts.allowedPaths ?? []) this.allow(p);
    if (opts.sharedName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(opts.sharedName)) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `sharedName must be letters, digits, "-" or "_", got ${JSON.stringify(opts.sharedName)}`);
    }
    this.sharedName = opts.sharedName;
    this.total = opts.total ?? new LocalTotal();
  }

  /** Bytes of the files in the store, as last counted. */
  get used(): number {
    return this.total.value;
  }

  /** Counts bytes written to the store. */
  wrote(bytes: number): void {
    this.total.add(bytes);
  }

  /** This store's own folder (`<base>/app-<pid>-<random>`), made on first use inside the checked base. */
  root(): Promise<string> {
    this.ready ??= (async () => {
      if (this.closed) throw new TradioFailure("TR_ERR_INTERNAL", "the file store is closed");
      const base = await checkedBase(this.base);
      let dir: string;
      if (this.sharedName) {
        // Made by whichever process came first; the checked base lets no other user plant it.
        dir = path.join(base, this.sharedName);
        await ensureDir(dir);
        this.folder = dir;
        await this.sweep(Date.now()).catch(() => undefined); // counts what the others hold
      } else {
        dir = path.join(base, `app-${process.pid}-${randomBytes(6).toString("hex")}`);
        await mkdir(dir, { mode: 0o700 }); // new: nobody else can have planted anything in it
        removeAtExit(dir);
      }
      this.folder = dir;
      if (this.deleteCache) {
        this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), this.deleteCache[0] * 1000);
        this.sweeper.unref();
        // Folders left by stores whose process was killed (SIGTERM skips exit handlers).
        void this.sweepOrphans(base, Date.now()).catch(() => undefined);
      }
      return dir;
    })();
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

  /** Room for `bytes` more of a caller's files, or TR_ERR_STORE_FULL. */
  reserve(bytes: number): void {
    if (this.maxSize !== null && this.used + this.pending + bytes > this.maxSize) {
      throw new ValidationError(
        `the server's file store is full (${this.maxSize} bytes); try again later`,
        "TR_ERR_STORE_FULL",
      );
    }
    this.pending += bytes;
  }

  /**
   * Deletes callers' files not used for `age` seconds (uploads, outputs; never the author's shared
   * files), removes emptied folders and recounts the bytes the store holds.
   */
  async sweep(now = Date.now()): Promise<void> {
    if (!this.folder) return;
    await this.sweepOrphans(path.dirname(this.folder), now);
    // Without deleteCache nothing is deleted, but the bytes are still counted (a shared folder, at launch).
    const cutoff = this.deleteCache ? now - this.deleteCache[1] * 1000 : -Infinity;
    let used = 0;
    for (const area of await readdir(this.folder).catch(() => [] as string[])) {
      if (area.startsWith(".")) continue;
      const areaDir = path.join(this.folder, area);
      for (const entry of await readdir(areaDir).catch(() => [] as string[])) {
        const dir = path.join(areaDir, entry);
        for (const name of await readdir(dir).catch(() => [] as string[])) {
          const file = path.join(dir, name);
          const info = await lstat(file).catch(() => undefined);
          if (!info) continue;
          if (area !== SHARED && info.mtimeMs < cutoff) await rm(file, { force: true, recursive: true });
          else used += info.size;
        }
        if (this.deleteCache) await rmdir(dir).catch(() => undefined); // only when empty
      }
    }
    this.total.set(used);
  }

  /**
   * Removes the folders of stores whose process is gone (killed before it could remove its folder) once
   * nothing in them has been used for `age` seconds, as their own sweeper would have. A folder whose
   * process still runs is left alone.
   */
  async sweepOrphans(base: string, now: number): Promise<void> {
    if (!this.deleteCache) return;
    const cutoff = now - this.deleteCache[1] * 1000;
    for (const name of await readdir(base).catch(() => [] as string[])) {
      const pid = Number(/^app-(\d+)-[0-9a-f]{12}$/.exec(name)?.[1]);
      if (!pid || pid === process.pid || alive(pid)) continue;
      const dir = path.join(base, name);
      if ((await newest(dir, 3)) < cutoff) await rm(dir, { recursive: true, force: true });
    }
  }

  /** Stops the sweeper and removes the store's folder with everything in it. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.total.close?.();
    const dir = this.folder;
    if (!dir || this.sharedName) return; // the other processes still use a shared folder
    openStores.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Every file tradio reads for a client or serves to one goes through here. Each store keeps its files in
 * its own folder, `<base>/app-<pid>-<random>/` (so another app on the same machine never serves them),
 * as `<area>/<sha256>/<name>`: the author's files (examples, outputs of calls from code) in one area that
 * every caller may read, each login's uploads and outputs in its own (`forCaller`), and anonymous
 * callers' in another. Nothing else is ever served but the author's `allowedPaths`, and the working
 * directory is refused even when allowed by accident. Nothing is ever written through a link.
 */
export class DiskFileStore implements FileStore {
  private readonly core: StoreCore;
  /** The area this view writes to. */
  private readonly area: string;
  /** Areas this view reads (a client path, a served file); null: the whole store (the author's view). */
  private readonly readable: readonly string[] | null;

  constructor(opts: DiskFileStoreOptions = {}, view?: { core: StoreCore; area: string }) {
    this.core = view?.core ?? new StoreCore(opts);
    this.area = view?.area ?? SHARED;
    this.readable = view ? [view.area, SHARED] : null;
  }

  /** The folder holding the stores (this store's own folder is made inside it, see `folder()`). */
  get dir(): string {
    return this.core.base;
  }

  /** How URLs given as file inputs are fetched (see `openUrl`). */
  get fetchPolicy(): FetchPolicy {
    return this.core.fetchPolicy;
  }

  /** This store's own folder, made (and the base folder checked) on first call. */
  folder(): Promise<string> {
    return this.core.root();
  }

  /**
   * The store as one caller's requests see it: an app with `auth` gives each login its own area,
   * without a login every caller shares one. A view writes uploads and outputs to its area, and accepts
   * (as inputs) and serves only files of its area and the author's.
   */
  forCaller(username: string | null): DiskFileStore {
    // Every call asks for its caller's view: views are kept (a view is a few fields, logins are few).
    if (username === null) return (this.anonymous ??= new DiskFileStore({}, { core: this.core, area: ANONYMOUS }));
    let view = this.views.get(username);
    if (!view) {
      if (this.views.size >= 1000) this.views.clear();
      view = new DiskFileStore({}, { core: this.core, area: `u-${createHash("sha256").update(username).digest("hex").slice(0, 32)}` });
      this.views.set(username, view);
    }
    return view;
  }
  private anonymous?: DiskFileStore;
  private readonly views = new Map<string, DiskFileStore>();

  /** Deletes callers' files unused for `deleteCache`'s age now (the sweeper does so every `frequency` seconds). */
  sweep(now?: number): Promise<void> {
    return this.core.sweep(now);
  }

  /** Stops deleting and removes the store's folder; the app that owns the store calls it when it closes. */
  close(): Promise<void> {
    return this.core.close();
  }

  /** Callers' writes count against maxStoreSize; the author's never fail for it. */
  private get capped(): boolean {
    return this.readable !== null;
  }

  private async contentFolder(hash: string): Promise<string> {
    const root = await this.core.root();
    const area = path.join(root, this.area);
    await ensureDir(area);
    const folder = path.join(area, hash);
    await ensureDir(folder);
    return folder;
  }

  /** Stores bytes under their content hash; the same bytes with the same name land on the same path. */
  async save(data: Uint8Array, name: string): Promise<string> {
    if (this.capped) this.core.reserve(data.byteLength);
    try {
      const hash = createHash("sha256").update(data).digest("hex");
      const file = path.join(await this.contentFolder(hash), safeName(name));
      if (await place(file, () => writeNew(file, data))) this.core.wrote(data.byteLength);
      return file;
    } finally {
      if (this.capped) this.core.pending -= data.byteLength;
    }
  }

  /**
   * Stores a stream (an upload, a URL input) under its content hash without holding it in memory: it is
   * written to a new hidden file while hashed, then moved into place. A failed stream, or a `verify`
   * that throws once the stream has ended (say, because it was cut at a size limit), leaves nothing
   * behind. A caller's stream that would take the store past maxStoreSize stops with TR_ERR_STORE_FULL.
   */
  async saveStream(source: AsyncIterable<Uint8Array>, name: string, verify?: () => void): Promise<string> {
    const root = await this.core.root();
    const temp = path.join(root, `.incoming-${randomBytes(12).toString("hex")}`);
    const hash = createHash("sha256");
    const core = this.core;
    const capped = this.capped;
    if (capped) core.reserve(0); // a full store refuses before reading anything
    let size = 0;
    try {
      // A new file, opened exclusively: nothing planted at its name is written through.
      const fh = await open(temp, CREATE, 0o600);
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            if (capped) core.reserve(chunk.byteLength);
            size += chunk.byteLength;
            hash.update(chunk);
            yield chunk;
          }
        },
        fh.createWriteStream(),
      );
      verify?.();
      const file = path.join(await this.contentFolder(hash.digest("hex")), safeName(name));
      if (await place(file, () => rename(temp, file))) core.wrote(size);
      return file;
    } finally {
      if (capped) core.pending -= size;
      await rm(temp, { force: true });
    }
  }

  /** Fetches a URL a client gave as a file input (under `fetchPolicy`), streaming it into the store. */
  async fetchUrl(url: string): Promise<string> {
    const fetched = await openUrl(url, this.core.fetchPolicy);
    try {
      // A declared size that cannot fit is refused before any byte is read.
      if (this.capped && fetched.size !== null) {
        this.core.reserve(fetched.size);
        this.core.pending -= fetched.size;
      }
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

  /** Copies an author's file into the store (for examples and outputs given as paths). */
  async copyIn(source: string): Promise<string> {
    const real = await realpath(source);
    if (await this.readableFile(real)) return real;
    return this.saveStream(createReadStream(real), safeName(path.basename(real)));
  }

  /** Whether a real path lies in an area this view reads. */
  private async readableFile(real: string): Promise<boolean> {
    const root = await this.core.root();
    if (this.readable === null) return inside(root, real);
    return this.readable.some((area) => inside(path.join(root, area), real));
  }

  /**
   * A path a client sent in a FileData: accepted only when it resolves (symlinks followed) to a file
   * of this caller's area or the author's, where its uploads and examples are.
   */
  async clientPath(p: unknown): Promise<string> {
    if (typeof p !== "string" || p.length === 0) throw new ValidationError("file path must be a non-empty string", "TR_ERR_FILE_PATH");
    if (suspicious(p)) throw new ValidationError("file paths must point inside the upload folder", "TR_ERR_FILE_PATH");
    const root = await this.core.root();
    let real: string;
    try {
      real = await realpath(path.resolve(root, p));
    } catch {
      throw new ValidationError("file not found in the upload folder; upload it first", "TR_ERR_FILE_PATH");
    }
    // Another caller's file is answered like a missing one.
    if (!inside(root, real)) throw new ValidationError("file paths must point inside the upload folder", "TR_ERR_FILE_PATH");
    if (!(await this.readableFile(real))) throw new ValidationError("file not found in the upload folder; upload it first", "TR_ERR_FILE_PATH");
    const info = await stat(real);
    if (!info.isFile()) throw new ValidationError("file path is not a file", "TR_ERR_FILE_PATH");
    await touch(real).catch(() => undefined);
    return real;
  }

  /**
   * The real path of a file that may be served, or undefined. Callers answer the same 403 whether the
   * file is missing or forbidden, so existence never leaks.
   */
  async servable(p: string): Promise<string | undefined> {
    if (!p || suspicious(p)) return undefined;
    const root = await this.core.root();
    const candidate = path.isAbsolute(p) ? p : path.resolve(root, p);
    let real: string;
    try {
      real = await realpath(candidate);
      if (!(await stat(real)).isFile()) return undefined;
    } catch {
      return undefined;
    }
    if (path.basename(real).startsWith(".")) return undefined;
    if (inside(root, real)) {
      if (!(await this.readableFile(real))) return undefined;
      await touch(real).catch(() => undefined);
      return real;
    }
    for (const allowed of this.core.allowed) {
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
