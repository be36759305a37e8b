import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { handle_file } from "@gradio/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { connect, start } from "./helpers.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/audio");

describe("compressed audio uploads through @gradio/client", () => {
  let app: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    const describeAudio = (a: tr.DecodedAudio) => `${a.sampleRate} Hz, ${a.channels} ch, ${a.data.length / a.channels} frames`;
    app = await start(new tr.Interface({ fn: describeAudio, inputs: new tr.Audio({ required: true }), outputs: "text" }));
  });
  afterAll(() => app.close());

  it.each([
    ["tone.mp3", "audio/mpeg", "16000 Hz, 1 ch, 8000 frames"],
    ["tone.ogg", "audio/ogg", "16000 Hz, 1 ch, 8000 frames"],
    ["tone.opus", "audio/ogg", "48000 Hz, 1 ch, 24000 frames"],
    ["tone-stereo.flac", "audio/flac", "44100 Hz, 2 ch, 22050 frames"],
  ])("%s reaches the function as samples", async (name, type, expected) => {
    const client = await connect(app.base);
    const blob = new Blob([new Uint8Array(await readFile(path.join(FIXTURES, name)))], { type });
    const { data } = await client.predict("/predict", [handle_file(blob)]);
    expect(data).toEqual([expected]);
  });

  it("tone.m4a (AAC) reaches the function as about half a second of 16 kHz samples", async () => {
    const client = await connect(app.base);
    const blob = new Blob([new Uint8Array(await readFile(path.join(FIXTURES, "tone.m4a")))], { type: "audio/mp4" });
    const { data } = await client.predict("/predict", [handle_file(blob)]);
    const [, frames] = /16000 Hz, 1 ch, (\d+) frames/.exec((data as string[])[0]!) ?? [];
    expect(Number(frames)).toBeGreaterThan(7500);
    expect(Number(frames)).toBeLessThan(9000);
  });

  it("refuses anything else with 422, naming the formats it decodes", async () => {
    const upload = new FormData();
    upload.append("files", new Blob(["plain text, not audio"], { type: "text/plain" }), "notes.txt");
    const [stored] = (await (await fetch(`${app.base}/gradio_api/upload`, { method: "POST", body: upload })).json()) as string[];
    const res = await fetch(`${app.base}/gradio_api/run/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: [{ path: stored, meta: { _type: "gradio.FileData" } }] }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; code: string };
    expect(body.code).toBe("TR_ERR_INVALID_VALUE");
    expect(body.error).toMatch(/WAV, MP3, OGG \(Vorbis or Opus\), FLAC, M4A\/AAC, WebM \(Opus\) or AIFF/);
  });
});
