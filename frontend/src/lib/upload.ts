import type { FileData } from "$protocol";
import { humanSize } from "./format.js";

/** Why a file did not reach the server, worded for the person who picked it. */
export class UploadRefused extends Error {
  constructor(
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

/** The refusal of a file over `max` bytes, before anything is sent (null: within the limit). */
export function tooLarge(file: Blob, max: number | null | undefined): UploadRefused | null {
  if (typeof max !== "number" || !(max > 0) || file.size <= max) return null;
  const name = file instanceof File && file.name ? `“${file.name}”` : "This file";
  return new UploadRefused("File too large", `${name} is ${humanSize(file.size)}; this app takes files up to ${humanSize(max)}.`);
}

/** What the server's refusal of an upload means for a person. */
function refusal(status: number, body: string, file: Blob, max: number | null | undefined): UploadRefused {
  const name = file instanceof File && file.name ? `“${file.name}”` : "The file";
  let said = "";
  try {
    const json = JSON.parse(body) as { error?: unknown; detail?: unknown };
    said = [json.error, json.detail].find((v): v is string => typeof v === "string") ?? "";
  } catch {
    /* not JSON */
  }
  if (status === 0) return new UploadRefused("Server unreachable", `${name} could not be sent: the server did not answer. Check that you are online, then submit again.`);
  if (status === 413) return new UploadRefused("File too large", `${name} is larger than this app takes${typeof max === "number" ? ` (up to ${humanSize(max)})` : ""}.`);
  if (status === 415) return new UploadRefused("File not accepted", `${name} is not a kind of file this app accepts.`);
  if (status === 401) return new UploadRefused("Not logged in", "Your login has expired. Reload the page to log in again.");
  if (status === 429) return new UploadRefused("Too many requests", "The server is getting too many requests from you right now. Wait a moment, then submit again.");
  if (status >= 500) return new UploadRefused("Upload failed", `The server could not store ${name}. Try again in a moment.`);
  return new UploadRefused("File refused", said ? `The server refused ${name}: ${said}` : `The server refused ${name} (HTTP ${status}).`);
}

/**
 * Uploads one file (a multipart POST to `<api>/upload`, as @gradio/client does) and reports its progress
 * (`loaded`, `total` bytes), which the client's own upload does not. Resolves with the FileData to send.
 */
export function uploadFile(api: string, file: Blob, max: number | null | undefined, signal: AbortSignal, onProgress: (loaded: number, total: number) => void): Promise<FileData> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    // Stop and Clear abort an upload under way.
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.onabort = () => reject(signal.reason);
    const form = new FormData();
    form.append("files", file, file instanceof File ? file.name : "blob");
    xhr.open("POST", `${api}/upload`);
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(refusal(0, "", file, max));
    xhr.onload = () => {
      let paths: unknown = null;
      try {
        paths = JSON.parse(xhr.responseText);
      } catch {
        /* handled below */
      }
      if (xhr.status !== 200 || !Array.isArray(paths) || typeof paths[0] !== "string") return reject(refusal(xhr.status, xhr.responseText, file, max));
      resolve({
        path: paths[0],
        orig_name: file instanceof File ? file.name : null,
        size: file.size,
        mime_type: file.type || null,
        meta: { _type: "gradio.FileData" },
      });
    };
    xhr.send(form);
  });
}
