import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { encodeWav } from "../../src/components/audio.js";
import { start } from "../helpers.js";
import { HubStandIn } from "./hub-server.js";

/** A folder outside the file store with a small PNG (5×7) and a short WAV, as a user's own files. */
export async function mediaFiles(): Promise<{ png: string; wav: string; wavBytes: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), "tradio-load-"));
  const png = path.join(dir, "photo.png");
  await sharp({ create: { width: 5, height: 7, channels: 3, background: "#00ff00" } }).png().toFile(png);
  const wav = path.join(dir, "voice.wav");
  const bytes = encodeWav({ sampleRate: 8000, data: new Float32Array(80).fill(0.25) });
  writeFileSync(wav, bytes);
  return { png, wav, wavBytes: bytes.length };
}

/** Starts the stand-in and points HF_ENDPOINT and HF_INFERENCE_ENDPOINT at it; `stop()` restores the env. */
export async function standIn(): Promise<HubStandIn & { stop(): Promise<void> }> {
  const hub = await new HubStandIn().start();
  const saved = { hub: process.env.HF_ENDPOINT, inf: process.env.HF_INFERENCE_ENDPOINT, token: process.env.HF_TOKEN };
  process.env.HF_ENDPOINT = hub.base;
  process.env.HF_INFERENCE_ENDPOINT = hub.base;
  delete process.env.HF_TOKEN;
  const restore = (key: string, v: string | undefined) => (v === undefined ? delete process.env[key] : (process.env[key] = v));
  return Object.assign(hub, {
    stop: async () => {
      restore("HF_ENDPOINT", saved.hub);
      restore("HF_INFERENCE_ENDPOINT", saved.inf);
      restore("HF_TOKEN", saved.token);
      await hub.close();
    },
  });
}

type Started = Awaited<ReturnType<typeof start>>;

/** Launches apps for one test file and closes them all at the end (call `closeAll` in afterAll). */
export function launcher() {
  const opened: Started[] = [];
  return {
    async serve(iface: Parameters<typeof start>[0], opts: object = {}): Promise<Started> {
      const app = await start(iface, opts);
      opened.push(app);
      return app;
    },
    async closeAll() {
      for (const app of opened.splice(0)) await app.close();
    },
  };
}
