/**
 * Streaming from the microphone (Audio `streaming: true` in a live app): an AudioWorklet copies what the
 * microphone records, and every `every` ms what was gathered since the last chunk is handed over as a mono
 * 16-bit WAV file. While the previous chunk is still being processed, samples wait and go with the next one,
 * so chunks reach the server one at a time, in order, and nothing is dropped.
 */
import { encodeWav } from "./wav.js";

/** How often a chunk is sent, as Gradio's streaming audio (0.5 s). */
export const STREAM_EVERY_MS = 500;

// Runs in the audio thread: posts each 128-frame block of the first channel.
const CAPTURE = `registerProcessor("tradio-capture", class extends AudioWorkletProcessor {
  process(inputs) { const ch = inputs[0] && inputs[0][0]; if (ch && ch.length) this.port.postMessage(ch.slice(0)); return true; }
});`;

export interface MicStream {
  /** Stops recording, sends what is left once the last chunk is done, and gives the whole recording as WAV. */
  stop(): Promise<File>;
}

function toWav(blocks: Float32Array[], sampleRate: number, name: string): File {
  const length = blocks.reduce((n, b) => n + b.length, 0);
  const buffer = new AudioBuffer({ length: Math.max(1, length), numberOfChannels: 1, sampleRate });
  let at = 0;
  for (const b of blocks) {
    buffer.copyToChannel(b as Float32Array<ArrayBuffer>, 0, at);
    at += b.length;
  }
  return new File([encodeWav(buffer)], name, { type: "audio/wav" });
}

/**
 * Starts streaming `media` (a microphone stream). `send` gets each chunk; `busy` says whether the chunk
 * before is still being processed.
 */
export async function streamMicrophone(
  media: MediaStream,
  send: (chunk: File) => void,
  busy: () => boolean,
  every = STREAM_EVERY_MS,
): Promise<MicStream> {
  const ctx = new AudioContext();
  const url = URL.createObjectURL(new Blob([CAPTURE], { type: "text/javascript" }));
  try {
    await ctx.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const source = ctx.createMediaStreamSource(media);
  // No outputs: a sink, which the browser runs without connecting it to the speakers.
  const node = new AudioWorkletNode(ctx, "tradio-capture", { numberOfInputs: 1, numberOfOutputs: 0 });
  const all: Float32Array[] = [];
  let pending: Float32Array[] = [];
  node.port.onmessage = (e: MessageEvent<Float32Array>) => {
    all.push(e.data);
    pending.push(e.data);
  };
  source.connect(node);
  const flush = (): boolean => {
    if (pending.length === 0) return true;
    if (busy()) return false;
    const chunk = toWav(pending, ctx.sampleRate, "chunk.wav");
    pending = [];
    send(chunk);
    return true;
  };
  const timer = setInterval(flush, every);
  return {
    async stop() {
      clearInterval(timer);
      source.disconnect();
      node.port.onmessage = null;
      media.getTracks().forEach((t) => t.stop());
      // The last samples go once the chunk before them is done; then the whole recording is the value.
      const until = performance.now() + 30_000;
      while (!flush() && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
      while (busy() && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
      const whole = toWav(all, ctx.sampleRate, "recording.wav");
      void ctx.close();
      return whole;
    },
  };
}
