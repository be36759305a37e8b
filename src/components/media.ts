// What kind of media a file or some bytes hold, read from their content (file-type, loaded on first use),
// so Video, Gallery and Model3D decide by what a file is, not by what it is called.
import path from "node:path";

export interface Sniffed {
  /** The usual extension, without the dot ("mp4", "webm", "png"). */
  ext: string;
  mime: string;
}

type FileTypeModule = typeof import("file-type");
let fileType: Promise<FileTypeModule> | undefined;
const load = () => (fileType ??= import("file-type"));

/** The container of a file, from its first bytes; undefined when unknown (text formats, damaged files). */
export async function sniffFile(file: string): Promise<Sniffed | undefined> {
  const { fileTypeFromFile } = await load();
  const found = await fileTypeFromFile(file).catch(() => undefined);
  return found ? { ext: found.ext, mime: found.mime } : undefined;
}

export async function sniffBytes(bytes: Uint8Array): Promise<Sniffed | undefined> {
  const { fileTypeFromBuffer } = await load();
  const found = await fileTypeFromBuffer(bytes).catch(() => undefined);
  return found ? { ext: found.ext, mime: found.mime } : undefined;
}

/** Video containers by extension, for names and URLs whose bytes tradio does not read. */
export const VIDEO_MIME: Record<string, string> = {
  ".mp4": "video/mp4",
  ".m4v": "video/mp4",
  ".webm": "video/webm",
  ".ogv": "video/ogg",
  ".mov": "video/quicktime",
  ".mkv": "video/x-matroska",
  ".avi": "video/x-msvideo",
  ".mpg": "video/mpeg",
  ".mpeg": "video/mpeg",
  ".3gp": "video/3gpp",
  ".ts": "video/mp2t",
  ".wmv": "video/x-ms-wmv",
  ".flv": "video/x-flv",
};

/** The video MIME type a name or URL suggests, or undefined. */
export function videoMimeOf(name: string): string | undefined {
  let p = name;
  if (/^https?:\/\//i.test(name)) {
    try {
      p = new URL(name).pathname;
    } catch {
      // keep the raw string
    }
  }
  return VIDEO_MIME[path.extname(p).toLowerCase()];
}

/**
 * Whether sniffed content is a video. WebM and Matroska are reported as video whatever their tracks;
 * MP4 brands that file-type calls audio (`audio/mp4`, an .m4a) are not.
 */
export function isVideo(s: Sniffed | undefined): s is Sniffed {
  return s !== undefined && (s.mime.startsWith("video/") || s.ext === "webm" || s.ext === "mkv");
}
