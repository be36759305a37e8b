import { fileName, isFileData } from "./format.js";

const BY_EXTENSION: Record<string, string> = {
  mp4: "video/mp4",
  m4v: "video/mp4",
  webm: "video/webm",
  ogv: "video/ogg",
  ogg: "video/ogg",
  mov: "video/quicktime",
  mkv: "video/x-matroska",
  avi: "video/x-msvideo",
  mpg: "video/mpeg",
  mpeg: "video/mpeg",
  "3gp": "video/3gpp",
  ts: "video/mp2t",
  wmv: "video/x-ms-wmv",
  flv: "video/x-flv",
};

/** A video value's MIME type: the File's own, the FileData's, or its extension's. */
export function videoType(v: unknown): string {
  if (v instanceof Blob && v.type) return v.type.split(";")[0];
  if (isFileData(v) && v.mime_type && v.mime_type.startsWith("video/")) return v.mime_type;
  const ext = fileName(v).split(".").pop()?.toLowerCase() ?? "";
  return BY_EXTENSION[ext] ?? "";
}

/**
 * Whether this browser says it can play the type: "" (no), "maybe" or "probably" from canPlayType.
 * An unknown type is given the benefit of the doubt; the player's own error event catches the rest.
 */
export function canPlay(type: string): boolean {
  if (!type) return true;
  if (type === "video/webm" || type === "video/x-matroska") {
    // Matroska/WebM players report per codec; ask for the common ones.
    const probe = document.createElement("video");
    return ["video/webm", 'video/webm; codecs="vp8"', 'video/webm; codecs="vp9"', 'video/webm; codecs="av01.0.05M.08"'].some((t) => probe.canPlayType(t) !== "");
  }
  return document.createElement("video").canPlayType(type) !== "";
}

/** A readable name for a video container, for messages. */
export function containerName(type: string): string {
  const names: Record<string, string> = {
    "video/mp4": "MP4",
    "video/webm": "WebM",
    "video/ogg": "Ogg",
    "video/quicktime": "QuickTime (.mov)",
    "video/x-matroska": "Matroska (.mkv)",
    "video/x-msvideo": "AVI",
    "video/vnd.avi": "AVI",
    "video/avi": "AVI",
    "video/mpeg": "MPEG",
    "video/3gpp": "3GP",
    "video/mp2t": "MPEG-TS",
    "video/x-ms-wmv": "WMV",
    "video/x-flv": "Flash video",
  };
  return names[type] ?? (type || "unknown format");
}

/** The MediaRecorder type to record in: MP4 when asked and supported, else WebM (VP9, VP8), else the browser's default. */
export function recorderType(want: "mp4" | "webm" | null, audio: boolean): string | undefined {
  if (typeof MediaRecorder === "undefined") return undefined;
  const mp4 = audio ? ['video/mp4;codecs="avc1,mp4a"', "video/mp4"] : ['video/mp4;codecs="avc1"', "video/mp4"];
  const webm = audio ? ['video/webm;codecs="vp9,opus"', 'video/webm;codecs="vp8,opus"', "video/webm"] : ['video/webm;codecs="vp9"', 'video/webm;codecs="vp8"', "video/webm"];
  const order = want === "mp4" ? [...mp4, ...webm] : [...webm, ...mp4];
  return order.find((t) => MediaRecorder.isTypeSupported(t));
}
