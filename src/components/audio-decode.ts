// Compressed audio to samples for Audio inputs: the container is read from the bytes (file-type), and the
// maintained `audio-decode` package (WebAssembly decoders, no system ffmpeg) decodes it, loaded on first use.
import { ValidationError } from "../core/errors.js";
import { sniffBytes } from "./media.js";

/** Float samples in [-1, 1], interleaved frame by frame. */
export interface Samples {
  sampleRate: number;
  data: Float32Array;
  channels: number;
}

/** The formats an Audio input of `type: "samples"` decodes, as its errors name them. */
export const DECODABLE_AUDIO = "WAV, MP3, OGG (Vorbis or Opus), FLAC, M4A/AAC, WebM (Opus) or AIFF";

/** Most samples (all channels) one upload may decode to: 2^26, 256 MiB of floats (25 minutes of 44.1 kHz stereo). */
export const MAX_DECODED_SAMPLES = 2 ** 26;

/** audio-decode's codec name for each container file-type reports. */
const CODEC: Record<string, string> = {
  mp3: "mp3",
  flac: "flac",
  opus: "opus",
  ogg: "oga",
  oga: "oga",
  m4a: "m4a",
  mp4: "m4a",
  aac: "aac",
  webm: "webm",
  aif: "aiff",
};

/** Audio that cannot be decoded: an unknown or unsupported format, damaged data, or too long. */
export class AudioDecodeError extends ValidationError {
  override name = "AudioDecodeError";
}

type Decode = typeof import("audio-decode").default;
let decoder: Promise<Decode> | undefined;
const load = () => (decoder ??= import("audio-decode").then((m) => m.default));

/** Decodes compressed audio (not WAV: `decodeWav` reads that). Throws AudioDecodeError naming the supported formats. */
export async function decodeCompressed(bytes: Uint8Array, maxSamples = MAX_DECODED_SAMPLES): Promise<Samples> {
  const sniffed = await sniffBytes(bytes);
  const codec = sniffed && CODEC[sniffed.ext];
  if (!codec) {
    const what = sniffed ? `${sniffed.ext} (${sniffed.mime})` : "an unknown format";
    throw new AudioDecodeError(`cannot decode the audio: expected ${DECODABLE_AUDIO}, got ${what}`);
  }
  const decode = await load();
  const parts: Float32Array[][] = [];
  let sampleRate = 0;
  let channels = 0;
  let total = 0;
  // Fed in slices so a short file that decodes to hours of audio is stopped at the limit, not after it.
  async function* slices(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
  }
  try {
    for await (const chunk of decode(slices(), codec as Parameters<Decode>[1])) {
      const n = chunk.channelData.length;
      if (n === 0 || chunk.channelData[0]!.length === 0) continue;
      if (channels === 0) {
        channels = n;
        sampleRate = chunk.sampleRate;
      } else if (n !== channels) throw new AudioDecodeError(`the ${sniffed.ext} audio changes from ${channels} to ${n} channels`);
      total += chunk.channelData[0]!.length * n;
      if (total > maxSamples) {
        throw new AudioDecodeError(
          `the ${sniffed.ext} audio decodes to more than ${maxSamples} samples; use type "filepath" for long audio`,
        );
      }
      parts.push(chunk.channelData.map((c) => new Float32Array(c)));
    }
  } catch (err) {
    if (err instanceof AudioDecodeError) throw err;
    throw new AudioDecodeError(`the ${sniffed.ext} audio could not be decoded: ${(err as Error).message}`);
  }
  if (channels === 0 || !(sampleRate >= 1)) throw new AudioDecodeError(`the ${sniffed.ext} file holds no audio`);
  const data = new Float32Array(total);
  let frame = 0;
  for (const part of parts) {
    const frames = part[0]!.length;
    for (let c = 0; c < channels; c++) {
      const src = part[c]!;
      for (let i = 0; i < frames; i++) data[(frame + i) * channels + c] = src[i]!;
    }
    frame += frames;
  }
  return { sampleRate: Math.round(sampleRate), data, channels };
}
