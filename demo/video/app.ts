// Video in, video out: upload a clip or record one with the webcam, and get it back with what it is.
// tradio plays what the browser can play (MP4/H.264, WebM/VP8/VP9) and says so on the page when it cannot.
import { open, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tr from "tradio";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The container, from the file's first bytes: what a player needs to know. */
async function container(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(12);
    await handle.read(head, 0, 12, 0);
    if (head.subarray(4, 8).toString("latin1") === "ftyp") return "MP4 / QuickTime";
    if (head.readUInt32BE(0) === 0x1a45dfa3) return "WebM / Matroska";
    if (head.subarray(0, 4).toString("latin1") === "RIFF") return "AVI";
    if (head.subarray(0, 4).toString("latin1") === "OggS") return "Ogg";
    return "unknown";
  } finally {
    await handle.close();
  }
}

/**
 * Plays the clip back and describes the file.
 * @param clip - the uploaded or recorded video (a path in the file store)
 */
async function describe(clip: string) {
  const info = await stat(clip);
  return [clip, { file: path.basename(clip), container: await container(clip), kilobytes: Math.round(info.size / 102.4) / 10 }];
}

export default new tr.Interface({
  fn: describe,
  inputs: new tr.Video({ label: "Clip", required: true }),
  outputs: [new tr.Video({ label: "Played back", loop: true }), new tr.JSON({ label: "File" })],
  title: "Video",
  description: "Upload a video or record one with your webcam. The clip comes back in a player that can seek (the server answers range requests).",
  allowFlagging: "never",
  examples: [[path.join(here, "clip.mp4")], [path.join(here, "clip.webm")]],
});
