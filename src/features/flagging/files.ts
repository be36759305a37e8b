import { createHash, randomBytes } from "node:crypto";
import { constants, createReadStream } from "node:fs";
import { copyFile, lstat, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { type Component } from "../../components/component.js";
import { ValidationError } from "../../core/errors.js";
import { type FileStore } from "../../core/files.js";

/** Components whose wire value is a file (FileData, or a list of them): flagged as a copy of the file. */
export const FILE_TYPES = new Set(["image", "audio", "video", "file", "model3d", "simpleimage", "uploadbutton"]);
/** Components whose wire value is structured data: flagged as a .json file (inline JSON in SQLite). */
export const JSON_TYPES = new Set(["label", "json", "chatbot", "dataframe", "highlightedtext", "gallery", "annotatedimage", "plot"]);

export type FlagKind = "file" | "json" | "value";

export function flagKind(c: Component<any, any>): FlagKind {
  return FILE_TYPES.has(c.type) ? "file" : JSON_TYPES.has(c.type) ? "json" : "value";
}

export const isUrl = (p: string) => /^https?:\/\//i.test(p);

/** The path of a FileData or a bare path string; undefined for anything else. */
export function pathOf(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const p = (v as { path?: unknown }).path;
    if (typeof p === "string") return p;
  }
  return undefined;
}

/**
 * Checks every file a client sent for flagging: each path must name a file in tradio's file store
 * (an upload or an output), never a path the client made up. Returns the values with each path
 * replaced by the file's real path; http(s) URLs stay as they are (they are logged, never fetched).
 */
export async function resolveClientFiles(components: Component<any, any>[], values: unknown[], store: FileStore): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const [i, c] of components.entries()) {
    const v = values[i] ?? null;
    if (flagKind(c) !== "file" || v === null || v === "") {
      out.push(v);
      continue;
    }
    const one = async (item: unknown): Promise<unknown> => {
      const p = pathOf(item);
      if (p === undefined || p === "") throw new ValidationError(`flag: "${c.label}" must be a FileData ({ path, ... }) or null`);
      if (isUrl(p)) return item;
      let real: string;
      try {
        real = await store.clientPath(p);
      } catch (err) {
        if (err instanceof ValidationError) throw new ValidationError(`flag: "${c.label}": ${err.message}`, err.code);
        throw err;
      }
      return typeof item === "string" ? real : { ...(item as object), path: real };
    };
    if (Array.isArray(v)) {
      const list: unknown[] = [];
      for (const item of v) list.push(await one(item));
      out.push(list);
    } else out.push(await one(v));
  }
  return out;
}

/** Creates a new file (never overwrites) and flushes it to disk before resolving. */
export async function writeNewFile(file: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(file, "wx");
  try {
    await fh.writeFile(data);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Copies a file to a new name (never overwrites) and flushes the copy to disk before resolving. */
export async function copyNewFile(source: string, target: string): Promise<void> {
  await copyFile(source, target, constants.COPYFILE_EXCL);
  const fh = await open(target, "r+");
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** The SHA-256 of a file's bytes, in hex (read as a stream: files may be large). */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

export const hashText = (text: string) => createHash("sha256").update(text).digest("hex");

// Stored copies being written by this process, by final path: a flag of the same bytes meanwhile waits for it.
const storing = new Map<string, Promise<number>>();

/**
 * Stores content once under a name made from its hash: when `target` is there already, nothing is
 * written. Otherwise `write` fills a hidden temporary file beside it (flushed), which is renamed into
 * place, so a stored name always holds whole content. Returns the bytes added (0 for a copy reused).
 */
export async function storeOnce(target: string, write: (tmp: string) => Promise<void>): Promise<number> {
  const pending = storing.get(target);
  if (pending) {
    await pending;
    return 0;
  }
  const job = (async () => {
    const found = await lstat(target).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return undefined;
      throw err;
    });
    if (found?.isFile()) return 0;
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await write(tmp);
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return (await lstat(target)).size;
  })();
  storing.set(target, job);
  try {
    return await job;
  } finally {
    storing.delete(target);
  }
}
