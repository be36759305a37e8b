import path from "node:path";
import type { FileData } from "../protocol/types.js";
import { ValidationError } from "./errors.js";
import { describe } from "./options.js";

export type { FileData };

/**
 * Where files that tradio reads for a client or serves to one live. Components only see this interface;
 * the runtime gives them a store (the disk store in runtime/, or one shared between processes).
 */
export interface FileStore {
  /**
   * The store as one caller's requests see it (`username` is the login of an app with `auth`, null
   * without one): uploads and outputs go to that caller's own part of the store, and a path is accepted
   * as an input, or served, only when it is that caller's file or the author's (examples). The store
   * itself is the author's view: calls from code and examples use it.
   */
  forCaller(username: string | null): FileStore;
  /** Stores bytes and returns the stored path. */
  save(data: Uint8Array, name: string): Promise<string>;
  /** Stores a stream without holding it in memory; `verify` runs when it ends and may throw to drop it. */
  saveStream(source: AsyncIterable<Uint8Array>, name: string, verify?: () => void): Promise<string>;
  /** Fetches a URL a client gave as a file input (under the app's fetch policy), streaming it into the store. */
  fetchUrl(url: string): Promise<string>;
  /** Copies an author's file into the store (examples, outputs given as paths). */
  copyIn(source: string): Promise<string>;
  /** The real path of a client-sent path, accepted only inside the store; a ValidationError otherwise. */
  clientPath(p: unknown): Promise<string>;
  /** The real path of a file that may be served, or undefined. */
  servable(p: string): Promise<string | undefined>;
  /** Output FileData for a stored file, with an absolute URL under `root`. */
  fileData(file: string, root: string, origName?: string): Promise<FileData>;
}

const MIME: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".bmp": "image/bmp",
  ".svg": "image/svg+xml",
  ".wav": "audio/wav",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".webm": "audio/webm",
  ".flac": "audio/flac",
  ".m4a": "audio/mp4",
  ".mp4": "video/mp4",
  ".txt": "text/plain",
  ".csv": "text/csv",
  ".json": "application/json",
  ".pdf": "application/pdf",
  ".html": "text/html",
  ".htm": "text/html",
};

export function mimeOf(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

/** A file extension for a MIME type (the first one listed), or "" when unknown. */
export function extensionFor(mime: string | null | undefined): string {
  const type = String(mime ?? "").split(";")[0].trim().toLowerCase();
  return Object.entries(MIME).find(([, m]) => m === type)?.[0] ?? "";
}

/** Names a client sends are reduced to a plain base name: no directories, no dotfile, no control characters. */
export function safeName(name: string | undefined | null, fallback = "file"): string {
  const base = path.basename(String(name ?? "").replaceAll("\\", "/"));
  const cleaned = base.replace(/[\u0000-\u001f<>:"|?*]/g, "_").replace(/^\.+/, "");
  return cleaned.slice(0, 200) || fallback;
}

/** A stored path as it goes in a file URL: each segment escaped, so `#`, `?` and `%` in names survive. */
export function fileUrlPath(file: string): string {
  return file.split(path.sep).map(encodeURIComponent).join("/");
}

/** Checks the FileData shape a client sent and returns its path. */
export function fileDataPath(payload: unknown): string {
  if (typeof payload === "string") return payload;
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    throw new ValidationError(`expected a FileData object ({ path, meta: { _type: "gradio.FileData" } }), got ${describe(payload)}`);
  }
  const p = (payload as { path?: unknown }).path;
  if (typeof p !== "string" || p === "") throw new ValidationError(`FileData.path must be a non-empty string, got ${describe(p)}`);
  return p;
}
