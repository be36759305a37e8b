// A Gallery's items as the page meets them: from the server ({ image | video, caption }, a FileData or a
// URL) or picked on the page (a File). Shared by the Gallery view and the examples table's thumbnails.
import { isFileData } from "./format.js";
import { videoType } from "./video.js";

export interface GalleryItem {
  kind: "image" | "video";
  file: unknown;
  caption: string | null;
}

/** The item `v` stands for, or null for a value no gallery item is. */
export function galleryItem(v: unknown): GalleryItem | null {
  if (v instanceof File) return { kind: v.type.startsWith("video/") ? "video" : "image", file: v, caption: null };
  if (v && typeof v === "object" && ("image" in v || "video" in v)) {
    const o = v as { image?: unknown; video?: unknown; caption?: unknown };
    const isVideo = o.video !== undefined && o.video !== null;
    return { kind: isVideo ? "video" : "image", file: isVideo ? o.video : o.image, caption: typeof o.caption === "string" ? o.caption : null };
  }
  if (isFileData(v) || typeof v === "string") return { kind: videoType(v) ? "video" : "image", file: v, caption: null };
  return null;
}
