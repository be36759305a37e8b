import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { OptionError, ValidationError } from "../core/errors.js";
import { Component, type ComponentOptions, type EmptyOptions, type JSONSchema, type Maybe } from "./component.js";
import { fileDataSchema, uploadedFile, urlFileData } from "./file.js";
import type { Tokens } from "../core/interpretable.js";
import { type FileData } from "../core/files.js";
import { describe, type OptionKind, describeName } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";
import { AudioDecodeError, decodeCompressed } from "./audio-decode.js";

/**
 * Audio samples. With more than one channel the samples are interleaved, frame by frame:
 * `data[frame * channels + channel]`, so `data.length` is `frames × channels`.
 * Float samples are in [-1, 1]; Int16 samples use the full 16-bit range.
 */
export interface AudioData {
  /** Samples per second (per channel), a positive integer, e.g. 44100. */
  sampleRate: number;
  data: Float32Array | Int16Array;
  /** Number of interleaved channels; 1 when omitted. */
  channels?: number;
}

/** What the function receives with `type: "samples"`: float samples in [-1, 1], channel count always set. */
export interface DecodedAudio extends AudioData {
  data: Float32Array;
  channels: number;
}

export type AudioType = "samples" | "filepath";
export type AudioSource = "upload" | "microphone";

/** What the function receives for each `type`. */
export type AudioIn<T extends AudioType> = T extends "filepath" ? string : DecodedAudio;
/**
 * What the function may return: `AudioData`, Gradio's `[sampleRate, data]` pair (mono), WAV bytes, a file
 * path or http(s) URL (any audio format the browser plays), or null.
 */
export type AudioOut = AudioData | readonly [number, Float32Array | Int16Array] | Uint8Array | string | null;

export interface AudioOptions<T extends AudioType = "samples", R extends boolean = false> extends ComponentOptions, EmptyOptions<R> {
  /** Where the page lets users take audio from. Default ["upload", "microphone"]. */
  sources?: AudioSource[];
  /** What the function receives: decoded samples (default; WAV, MP3, OGG, FLAC, M4A/AAC, WebM or AIFF uploads) or a path in the file store. */
  type?: T;
  /** Format of returned samples. Only "wav" (16-bit PCM). */
  format?: "wav";
  autoplay?: boolean;
  loop?: boolean;
  showDownloadButton?: boolean;
  /** Lets users trim recordings on the page. */
  editable?: boolean;
  /** Interpretation: how many equal time segments the audio is split into (default 8). */
  segments?: number;
  /**
   * In a `live` Interface, the microphone sends what it records every half second while recording and the
   * function runs on each chunk (WAV, so `type: "samples"` gets the chunk's samples); keep what it needs
   * across chunks in session state. Needs "microphone" in `sources`. Elsewhere it records as usual.
   */
  streaming?: boolean;
}

const SOURCES: readonly AudioSource[] = ["upload", "microphone"];
const MAX_CHANNELS = 64;

/** A WAV file tradio cannot read, or samples it cannot write. */
export class WavError extends ValidationError {
  override name = "WavError";
}

/**
 * Decodes a WAV file: PCM 8 (unsigned), 16, 24 or 32-bit, IEEE float 32 or 64-bit, also in
 * WAVE_FORMAT_EXTENSIBLE wrappers. Returns interleaved float samples in [-1, 1].
 */
export function decodeWav(bytes: Uint8Array): DecodedAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  if (bytes.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") {
    throw new WavError("not a WAV file (no RIFF/WAVE header)");
  }
  let fmt: { code: number; channels: number; sampleRate: number; bits: number } | undefined;
  let data: { start: number; length: number } | undefined;
  let at = 12;
  while (at + 8 <= bytes.length && !(fmt && data)) {
    const id = tag(at);
    const body = at + 8;
    // Streaming writers may leave the data size at 0xFFFFFFFF; a truncated file has less than it says.
    let size = view.getUint32(at + 4, true);
    if (id === "data" && size > bytes.length - body) size = bytes.length - body;
    if (body + size > bytes.length) throw new WavError(`the "${id}" chunk is truncated`);
    if (id === "fmt ") {
      if (size < 16) throw new WavError("the fmt chunk is too short");
      let code = view.getUint16(body, true);
      if (code === 0xfffe && size >= 40) code = view.getUint16(body + 24, true); // extensible: sub-format GUID
      fmt = {
        code,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === "data") {
      data = { start: body, length: size };
    }
    at = body + size + (size & 1);
  }
  if (!fmt) throw new WavError("no fmt chunk");
  if (!data) throw new WavError("no data chunk");
  const { code, channels, sampleRate, bits } = fmt;
  const pcm = code === 1 && (bits === 8 || bits === 16 || bits === 24 || bits === 32);
  const float = code === 3 && (bits === 32 || bits === 64);
  if (!pcm && !float) {
    throw new WavError(
      `unsupported WAV encoding (format code ${code}, ${bits}-bit); expected PCM 8/16/24/32-bit or 32/64-bit float`,
    );
  }
  if (channels < 1 || channels > MAX_CHANNELS) throw new WavError(`unsupported channel count ${channels}`);
  if (sampleRate < 1) throw new WavError("the sample rate is 0");

  const step = bits / 8;
  const frames = Math.floor(data.length / (step * channels));
  const out = new Float32Array(frames * channels);
  let p = data.start;
  if (float && bits === 32) {
    for (let i = 0; i < out.length; i++, p += 4) out[i] = view.getFloat32(p, true);
  } else if (float) {
    for (let i = 0; i < out.length; i++, p += 8) out[i] = view.getFloat64(p, true);
  } else if (bits === 8) {
    for (let i = 0; i < out.length; i++, p += 1) out[i] = (bytes[p]! - 128) / 128;
  } else if (bits === 16) {
    for (let i = 0; i < out.length; i++, p += 2) out[i] = view.getInt16(p, true) / 32768;
  } else if (bits === 24) {
    for (let i = 0; i < out.length; i++, p += 3) {
      const v = bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16);
      out[i] = ((v << 8) >> 8) / 8388608; // sign-extend 24 → 32 bits
    }
  } else {
    for (let i = 0; i < out.length; i++, p += 4) out[i] = view.getInt32(p, true) / 2147483648;
  }
  return { sampleRate, data: out, channels };
}

/**
 * Encodes samples as a 16-bit PCM WAV file. Float samples are scaled by 32768 (the inverse of
 * `decodeWav`), rounded and clamped to the 16-bit range, so values outside [-1, 1] clip and NaN becomes 0;
 * Int16 samples are written as they are.
 */
export function encodeWav(audio: AudioData): Buffer {
  const channels = audio.channels ?? 1;
  const { data, sampleRate } = audio;
  const dataBytes = data.length * 2;
  if (dataBytes + 36 > 0xffffffff) throw new WavError("too many samples for one WAV file (4 GB limit)");
  const out = Buffer.alloc(44 + dataBytes);
  out.write("RIFF", 0, "ascii");
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write("WAVE", 8, "ascii");
  out.write("fmt ", 12, "ascii");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * channels * 2, 28);
  out.writeUInt16LE(channels * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36, "ascii");
  out.writeUInt32LE(dataBytes, 40);
  const pcm = new DataView(out.buffer, out.byteOffset + 44, dataBytes);
  if (data instanceof Int16Array) {
    for (let i = 0; i < data.length; i++) pcm.setInt16(i * 2, data[i]!, true);
  } else {
    for (let i = 0; i < data.length; i++) {
      const s = Math.round(data[i]! * 32768) || 0; // NaN → 0
      pcm.setInt16(i * 2, s > 32767 ? 32767 : s < -32768 ? -32768 : s, true);
    }
  }
  return out;
}

/**
 * Audio. Gradio shortcuts: "audio", "microphone" (`sources: ["microphone"]`).
 *
 * As an input the function receives, by `type`: `DecodedAudio` (default; WAV, MP3, OGG Vorbis/Opus, FLAC,
 * M4A/AAC, WebM/Opus or AIFF uploads are decoded) or a path in the file store (any format). As an output it
 * may return `AudioData`, `[sampleRate, data]`, WAV bytes, a file path or URL, or null; samples are
 * stored as 16-bit PCM WAV.
 *
 * @example
 * new tr.Audio({ sources: ["microphone"], label: "Say something" })   // { sampleRate, data, channels }
 */
export class Audio<T extends AudioType = "samples", R extends boolean = false> extends Component<Maybe<AudioIn<T>, R>, AudioOut, FileData | string> {
  readonly type = "audio";
  readonly className = "Audio";
  readonly sources: AudioSource[];
  readonly audioType: T;
  readonly format: "wav";
  readonly autoplay: boolean;
  readonly loop: boolean;
  readonly showDownloadButton: boolean;
  readonly editable: boolean;
  readonly segments: number;
  readonly streaming: boolean;
  readonly interpretationShape = "segments";

  constructor(opts: AudioOptions<T, R> = {}) {
    super(opts);
    this.sources = opts.sources ? [...new Set(opts.sources)] : [...SOURCES];
    this.audioType = opts.type ?? ("samples" as T);
    this.format = opts.format ?? "wav";
    this.autoplay = opts.autoplay ?? false;
    this.loop = opts.loop ?? false;
    this.showDownloadButton = opts.showDownloadButton ?? true;
    this.editable = opts.editable ?? true;
    this.segments = opts.segments ?? 8;
    this.streaming = opts.streaming ?? false;
    if (this.streaming && !this.sources.includes("microphone")) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `Audio: option "streaming" needs "microphone" in "sources", got ${JSON.stringify(this.sources)}`);
    }
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      sources: (v) => Array.isArray(v) && v.length > 0 && v.every((s) => SOURCES.includes(s as AudioSource)),
      required: "boolean",
      type: (v) => v === "samples" || v === "filepath",
      format: (v) => v === "wav",
      autoplay: "boolean",
      loop: "boolean",
      showDownloadButton: "boolean",
      editable: "boolean",
      segments: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 10_000,
      streaming: "boolean",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      sources: this.sources,
      type: this.audioType,
      format: this.format,
      streaming: this.streaming,
      autoplay: this.autoplay,
      loop: this.loop,
      show_download_button: this.showDownloadButton,
      show_share_button: false,
      editable: this.editable,
      min_length: null,
      max_length: null,
      recording: false,
      waveform_options: {
        waveform_color: null,
        waveform_progress_color: null,
        trim_region_color: null,
        show_recording_waveform: true,
        show_controls: false,
        skip_length: 5,
        sample_rate: 44100,
      },
    };
  }

  apiInfo(): JSONSchema {
    return fileDataSchema();
  }
  exampleInput(): unknown {
    return {
      path: "https://github.com/gradio-app/gradio/raw/main/test/test_files/audio_sample.wav",
      meta: { _type: "gradio.FileData" },
    };
  }
  override pythonType(): string {
    return "filepath";
  }

  protected override emptyHint(): string {
    return "record or upload audio";
  }

  async preprocess(payload: unknown, ctx: ComponentContext): Promise<Maybe<AudioIn<T>, R>> {
    if (payload === null || payload === undefined) return this.empty() as Maybe<AudioIn<T>, R>;
    const file = await uploadedFile(payload, ctx, (m, code) => this.fail(m, code));
    if (this.audioType === "filepath") return file as Maybe<AudioIn<T>, R>;
    return (await this.decodeFile(file)) as Maybe<AudioIn<T>, R>;
  }

  /** Samples from a WAV file (read by `decodeWav`) or a compressed one (MP3, OGG, FLAC, M4A… by audio-decode). */
  private async decodeFile(file: string): Promise<DecodedAudio> {
    const bytes = await readFile(file);
    const isWav = bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WAVE";
    try {
      return isWav ? decodeWav(bytes) : await decodeCompressed(bytes);
    } catch (err) {
      if (err instanceof WavError) this.fail(`cannot read this WAV file: ${err.message}`);
      if (err instanceof AudioDecodeError) this.fail(err.message);
      throw err;
    }
  }

  async postprocess(value: AudioOut, ctx: ComponentContext): Promise<FileData | null> {
    if (value === null || value === undefined) return null;
    if (typeof value === "string") return this.fromPath(value, ctx);
    if (value instanceof Uint8Array) {
      try {
        decodeWav(value);
      } catch (err) {
        if (err instanceof WavError) this.fail(`the function returned bytes that are not a readable WAV file: ${err.message}`);
        throw err;
      }
      return ctx.files.fileData(await ctx.files.save(value, "audio.wav"), ctx.root);
    }
    const v = value as unknown;
    let audio: AudioData;
    if (Array.isArray(v) && v.length === 2) audio = { sampleRate: v[0], data: v[1] };
    // An object counts as AudioData once it has either field; any other object is named as such.
    else if (typeof v === "object" && v !== null && !Array.isArray(v) && ("sampleRate" in v || "data" in v)) audio = v as AudioData;
    else {
      this.fail(
        `the function returned ${describe(v)}, expected AudioData ({ sampleRate, data }), [sampleRate, data], ` +
          `WAV bytes, a file path or null`,
      );
    }
    this.check(audio);
    let wav: Buffer;
    try {
      wav = encodeWav(audio);
    } catch (err) {
      if (err instanceof WavError) this.fail(err.message);
      throw err;
    }
    return ctx.files.fileData(await ctx.files.save(wav, "audio.wav"), ctx.root);
  }

  private check(audio: AudioData): void {
    const { sampleRate, data, channels } = audio as { sampleRate: unknown; data: unknown; channels: unknown };
    if (!Number.isInteger(sampleRate) || (sampleRate as number) < 1) {
      this.fail(`the function returned AudioData whose sampleRate is ${describe(sampleRate)}, expected a positive integer`);
    }
    if (!(data instanceof Float32Array || data instanceof Int16Array)) {
      this.fail(`the function returned AudioData whose data is ${describe(data)}, expected a Float32Array (in [-1, 1]) or an Int16Array`);
    }
    if (channels !== undefined && (!Number.isInteger(channels) || (channels as number) < 1 || (channels as number) > MAX_CHANNELS)) {
      this.fail(`the function returned AudioData whose channels is ${describe(channels)}, expected an integer from 1 to ${MAX_CHANNELS}`);
    }
    const n = (channels as number | undefined) ?? 1;
    if (data.length % n !== 0) this.fail(`audio data has ${data.length} samples, not a multiple of ${n} channels`);
    // The WAV header stores bytes per second in 32 bits.
    if ((sampleRate as number) * n * 2 > 0xffffffff) this.fail(`sampleRate ${sampleRate} is too high for a WAV file`);
  }

  private async fromPath(value: string, ctx: ComponentContext): Promise<FileData> {
    if (/^https?:\/\//i.test(value)) return urlFileData(value);
    const name = path.basename(value);
    let isFile = false;
    try {
      isFile = (await stat(value)).isFile();
    } catch {
      // reported below
    }
    if (!isFile) this.fail(`the audio file ${describeName(name)} does not exist or is not a file`);
    return ctx.files.fileData(await ctx.files.copyIn(value), ctx.root, name);
  }

  /** Interpretation tokens: `segments` equal stretches of time; an absent one is silenced. Scores: one per segment. */
  async interpretationTokens(value: AudioIn<T>, ctx: ComponentContext): Promise<Tokens<AudioIn<T>>> {
    let audio: DecodedAudio;
    if (typeof value === "string") audio = await this.decodeFile(value);
    else audio = value as DecodedAudio;
    const channels = audio.channels ?? 1;
    const frames = Math.floor(audio.data.length / channels);
    const count = Math.min(this.segments, frames);
    const edge = (i: number) => Math.floor((i * frames) / count) * channels;
    return {
      count,
      build: async (present) => {
        const data = new Float32Array(audio.data);
        for (let i = 0; i < count; i++) if (!present[i]) data.fill(0, edge(i), edge(i + 1));
        const out: DecodedAudio = { sampleRate: audio.sampleRate, data, channels };
        if (this.audioType !== "filepath") return out as AudioIn<T>;
        return (await ctx.files.save(encodeWav(out), "interpretation.wav")) as AudioIn<T>;
      },
      shape: (scores) => [...scores],
    };
  }
}
