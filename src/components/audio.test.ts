import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { Audio, WavError, decodeWav, encodeWav, type AudioData, type DecodedAudio } from "./audio.js";
import type { FileData } from "../core/files.js";
import { DiskFileStore } from "../runtime/file-store.js";
import { ValidationError } from "../core/errors.js";
import { type ComponentContext } from "../core/context.js";

const ROOT = "http://localhost:7860";
const META = { _type: "gradio.FileData" } as const;
let tmp: string;
let outside: string;
let files: DiskFileStore;
let ctx: ComponentContext;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "tradio-audio-"));
  outside = await mkdtemp(path.join(tmpdir(), "tradio-audio-outside-"));
  files = new DiskFileStore({ dir: path.join(tmp, "store") });
  ctx = { files, root: ROOT };
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

/** A sine wave, interleaved; channel c has frequency 440·(c+1) Hz and amplitude 0.8. */
function sine(frames: number, sampleRate = 8000, channels = 1): Float32Array {
  const out = new Float32Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) out[i * channels + c] = 0.8 * Math.sin((2 * Math.PI * 440 * (c + 1) * i) / sampleRate);
  }
  return out;
}

/**
 * Builds a WAV file by hand (independently of encodeWav): `format` 1 = PCM, 3 = float; `extensible`
 * wraps it in WAVE_FORMAT_EXTENSIBLE; `extra` chunks go before the data chunk.
 */
function wav(opts: {
  format: number;
  bits: number;
  channels: number;
  sampleRate: number;
  samples: number[];
  extensible?: boolean;
  extra?: boolean;
  dataSize?: number;
}): Buffer {
  const { format, bits, channels, sampleRate, samples } = opts;
  const step = bits / 8;
  const body = Buffer.alloc(samples.length * step);
  samples.forEach((s, i) => {
    const at = i * step;
    if (format === 3 && bits === 32) body.writeFloatLE(s, at);
    else if (format === 3) body.writeDoubleLE(s, at);
    else if (bits === 8) body.writeUInt8(s, at);
    else if (bits === 16) body.writeInt16LE(s, at);
    else if (bits === 24) body.writeIntLE(s, at, 3);
    else body.writeInt32LE(s, at);
  });
  const fmt = Buffer.alloc(opts.extensible ? 40 : 16);
  fmt.writeUInt16LE(opts.extensible ? 0xfffe : format, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(sampleRate * channels * step, 8);
  fmt.writeUInt16LE(channels * step, 12);
  fmt.writeUInt16LE(bits, 14);
  if (opts.extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(bits, 18);
    fmt.writeUInt16LE(format, 24); // first two bytes of the sub-format GUID
  }
  const chunk = (id: string, data: Buffer, size = data.length) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, "ascii");
    head.writeUInt32LE(size, 4);
    return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const parts = [chunk("fmt ", fmt)];
  if (opts.extra) parts.push(chunk("LIST", Buffer.from("INFOISFT\u0003\0\0\0abc")));
  parts.push(chunk("data", body, opts.dataSize));
  const all = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write("RIFF", 0, "ascii");
  head.writeUInt32LE(4 + all.length, 4);
  head.write("WAVE", 8, "ascii");
  return Buffer.concat([head, all]);
}

async function upload(bytes: Uint8Array, name = "clip.wav"): Promise<FileData> {
  return { path: await files.save(bytes, name), orig_name: name, meta: META };
}

function inStore(p: string): boolean {
  const rel = path.relative(files.dir, p);
  return !rel.startsWith("..") && !path.isAbsolute(rel);
}

function maxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe("WAV codec", () => {
  it("round-trips float samples within 16-bit quantisation error", () => {
    const data = sine(1000, 8000, 1);
    const bytes = encodeWav({ sampleRate: 8000, data });
    expect(bytes.length).toBe(44 + 2000);
    expect(bytes.toString("ascii", 0, 4)).toBe("RIFF");
    expect(bytes.toString("ascii", 8, 12)).toBe("WAVE");
    const back = decodeWav(bytes);
    expect(back.sampleRate).toBe(8000);
    expect(back.channels).toBe(1);
    expect(back.data).toBeInstanceOf(Float32Array);
    expect(maxError(back.data, data)).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
  });

  it("round-trips interleaved stereo", () => {
    const data = sine(500, 22050, 2);
    const back = decodeWav(encodeWav({ sampleRate: 22050, data, channels: 2 }));
    expect(back).toMatchObject({ sampleRate: 22050, channels: 2 });
    expect(back.data.length).toBe(1000);
    expect(maxError(back.data, data)).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
  });

  it("writes Int16 samples exactly and clamps floats to [-1, 1]", () => {
    const ints = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const bytes = encodeWav({ sampleRate: 16000, data: ints });
    expect(Array.from(new Int16Array(bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + bytes.length)))).toEqual(Array.from(ints));
    const floats = encodeWav({ sampleRate: 16000, data: Float32Array.from([2, -2, 1, -1, NaN, 0.5]) });
    const pcm = Array.from({ length: 6 }, (_, i) => floats.readInt16LE(44 + i * 2));
    expect(pcm).toEqual([32767, -32768, 32767, -32768, 0, 16384]);
  });

  it("decodes PCM 8, 16, 24 and 32-bit and float 32/64-bit", () => {
    const cases = [
      { format: 1, bits: 8, samples: [128, 255, 0, 192], expected: [0, 127 / 128, -1, 0.5] },
      { format: 1, bits: 16, samples: [0, 16384, -32768, 32767], expected: [0, 0.5, -1, 32767 / 32768] },
      { format: 1, bits: 24, samples: [0, 4194304, -8388608, -1], expected: [0, 0.5, -1, -1 / 8388608] },
      { format: 1, bits: 32, samples: [0, 1073741824, -2147483648, 2147483647], expected: [0, 0.5, -1, 2147483647 / 2147483648] },
      { format: 3, bits: 32, samples: [0, 0.25, -0.75, 1], expected: [0, 0.25, -0.75, 1] },
      { format: 3, bits: 64, samples: [0, 0.125, -0.5, -1], expected: [0, 0.125, -0.5, -1] },
    ];
    for (const c of cases) {
      for (const extensible of [false, true]) {
        const out = decodeWav(wav({ ...c, channels: 2, sampleRate: 48000, extensible, extra: true }));
        expect(out).toMatchObject({ sampleRate: 48000, channels: 2 });
        expect(maxError(out.data, c.expected)).toBeLessThan(1e-7);
      }
    }
  });

  it("reads a data chunk whose size was left unset by a streaming writer", () => {
    const out = decodeWav(wav({ format: 1, bits: 16, channels: 1, sampleRate: 8000, samples: [1, 2, 3], dataSize: 0xffffffff }));
    expect(Array.from(out.data).map((x) => Math.round(x * 32768))).toEqual([1, 2, 3]);
  });

  it("rejects files that are not WAV or use unsupported encodings", () => {
    expect(() => decodeWav(Buffer.from("ID3\u0004 this is an mp3"))).toThrow(WavError);
    expect(() => decodeWav(Buffer.from("RIFF\0\0\0\0AVI LIST"))).toThrow(/not a WAV file/);
    // μ-law (format 7) and 12-bit PCM.
    expect(() => decodeWav(wav({ format: 7, bits: 8, channels: 1, sampleRate: 8000, samples: [1] }))).toThrow(/unsupported WAV encoding \(format code 7/);
    expect(() => decodeWav(wav({ format: 1, bits: 12 as never, channels: 1, sampleRate: 8000, samples: [] }))).toThrow(/unsupported WAV encoding/);
    const noData = wav({ format: 1, bits: 16, channels: 1, sampleRate: 8000, samples: [] }).subarray(0, 36);
    expect(() => decodeWav(noData)).toThrow(/no data chunk/);
  });
});

describe("Audio options", () => {
  it("has Gradio's defaults and snake_case props", () => {
    const a = new Audio();
    expect(a.type).toBe("audio");
    expect(a.className).toBe("Audio");
    expect(a.props()).toMatchObject({
      sources: ["upload", "microphone"],
      type: "samples",
      format: "wav",
      streaming: false,
      autoplay: false,
      show_download_button: true,
      editable: true,
      waveform_options: { show_recording_waveform: true },
    });
    expect(new Audio({ sources: ["microphone"] }).props().sources).toEqual(["microphone"]);
  });

  it("rejects unknown options and wrong types, naming the option", () => {
    expect(() => new Audio({ source: "microphone" } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"source"/);
    expect(() => new Audio({ sources: ["webcam"] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"sources"/);
    expect(() => new Audio({ type: "numpy" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"type"/);
    expect(() => new Audio({ format: "mp3" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"format"/);
    expect(() => new Audio({ autoplay: 1 } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"autoplay"/);
  });

  it("describes its wire format like Gradio", () => {
    const a = new Audio();
    expect(a.apiInfo()).toMatchObject({ type: "object", title: "FileData", required: ["path"] });
    expect(a.exampleInput()).toEqual({ path: "https://github.com/gradio-app/gradio/raw/main/test/test_files/audio_sample.wav", meta: META });
    expect(a.pythonType()).toBe("filepath");
  });

  it("types the function's argument by `type`", () => {
    expectTypeOf(new Audio().__in).toEqualTypeOf<DecodedAudio | null>();
    expectTypeOf(new Audio({ required: true }).__in).toEqualTypeOf<DecodedAudio>();
    expectTypeOf(new Audio({ type: "filepath" }).__in).toEqualTypeOf<string | null>();
    expectTypeOf<DecodedAudio>().toMatchTypeOf<AudioData>();
  });
});

describe("Audio.preprocess", () => {
  it("decodes an uploaded WAV to float samples", async () => {
    const data = sine(400, 16000, 2);
    const fd = await upload(encodeWav({ sampleRate: 16000, data, channels: 2 }));
    const out = await new Audio({ required: true }).preprocess(fd, ctx);
    expect(out.sampleRate).toBe(16000);
    expect(out.channels).toBe(2);
    expect(maxError(out.data, data)).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
  });

  it('gives the stored path with type "filepath", whatever the format', async () => {
    const fd = await upload(Buffer.from("ID3 fake mp3"), "song.mp3");
    expect(await new Audio({ required: true, type: "filepath" }).preprocess(fd, ctx)).toBe(fd.path);
  });

  const FIXTURES = path.join(import.meta.dirname, "../../test/fixtures/audio");
  /** Zero crossings per second of one channel: twice its frequency for a pure tone. */
  const frequency = (a: DecodedAudio, channel = 0) => {
    let crossings = 0;
    const frames = a.data.length / a.channels;
    for (let i = 1; i < frames; i++) {
      if ((a.data[(i - 1) * a.channels + channel]! < 0) !== (a.data[i * a.channels + channel]! < 0)) crossings++;
    }
    return crossings / 2 / (frames / a.sampleRate);
  };
  /** Root mean square: 0.125 / √2 ≈ 0.088 for the fixtures' tone. */
  const rms = (a: DecodedAudio) => Math.sqrt(a.data.reduce((m, v) => m + v * v, 0) / a.data.length);

  it.each([
    ["tone.mp3", 16000],
    ["tone.ogg", 16000],
    ["tone.opus", 48000],
    ["tone.m4a", 16000],
  ])("decodes %s (a 0.5 s, 440 Hz tone at 1/8 full scale) to samples", async (name, rate) => {
    const fd = await upload(await readFile(path.join(FIXTURES, name)), name);
    const out = await new Audio({ required: true }).preprocess(fd, ctx);
    expect(out.sampleRate).toBe(rate);
    expect(out.channels).toBe(1);
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(out.data.length / rate).toBeGreaterThan(0.45);
    expect(out.data.length / rate).toBeLessThan(0.6);
    expect(Math.abs(frequency(out) - 440)).toBeLessThan(20);
    expect(rms(out)).toBeGreaterThan(0.07);
    expect(rms(out)).toBeLessThan(0.11);
  });

  it("decodes stereo FLAC, channels interleaved frame by frame", async () => {
    const fd = await upload(await readFile(path.join(FIXTURES, "tone-stereo.flac")), "tone.flac");
    const out = await new Audio({ required: true }).preprocess(fd, ctx);
    expect([out.sampleRate, out.channels, out.data.length]).toEqual([44100, 2, 2 * 22050]);
    expect(Math.abs(frequency(out, 0) - 440)).toBeLessThan(10);
    expect(Math.abs(frequency(out, 1) - 880)).toBeLessThan(10);
  });

  it("decodes by content, not by name, for uploads named blob", async () => {
    const fd = await upload(await readFile(path.join(FIXTURES, "tone.ogg")), "blob");
    expect((await new Audio({ required: true }).preprocess(fd, ctx)).sampleRate).toBe(16000);
  });

  it("refuses what it cannot decode, naming the formats it can", async () => {
    const cases: [Buffer, string][] = [
      [Buffer.from("just some text, no audio"), "notes.txt"],
      [Buffer.from("ID3 fake mp3"), "song.mp3"],
      [await readFile(path.join(import.meta.dirname, "../../test/fixtures/media/clip.avi")), "clip.avi"],
      [(await readFile(path.join(FIXTURES, "tone.mp3"))).subarray(0, 200), "cut.mp3"],
    ];
    for (const [bytes, name] of cases) {
      const fd = await upload(bytes, name);
      await expect(new Audio({ required: true, label: "Voice" }).preprocess(fd, ctx), name).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /^Audio "Voice": /);
    }
    const text = await upload(Buffer.from("just some text, no audio"), "notes.txt");
    await expect(new Audio({ required: true }).preprocess(text, ctx)).rejects.toThrow(/WAV, MP3, OGG \(Vorbis or Opus\), FLAC, M4A\/AAC/);
    const mulaw = await upload(wav({ format: 7, bits: 8, channels: 1, sampleRate: 8000, samples: [1, 2] }), "mulaw.wav");
    await expect(new Audio({ required: true }).preprocess(mulaw, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /WAV/);
  });

  it("stops decoding at the sample limit instead of filling memory", async () => {
    const { decodeCompressed } = await import("./audio-decode.js");
    const bytes = await readFile(path.join(FIXTURES, "tone.mp3"));
    await expect(decodeCompressed(bytes, 1000)).rejects.toThrow(/more than 1000 samples; use type "filepath"/);
    expect((await decodeCompressed(bytes, 8000)).data.length).toBe(8000);
  });

  it("rejects paths outside the upload folder, URLs and missing values", async () => {
    const file = path.join(outside, "private.wav");
    await writeFile(file, encodeWav({ sampleRate: 8000, data: sine(10) }));
    await expect(new Audio({ required: true }).preprocess({ path: file, meta: META }, ctx)).rejects.toThrowCode("TR_ERR_FILE_PATH", /upload folder/);
    await expect(new Audio({ required: true, type: "filepath" }).preprocess({ path: file, meta: META }, ctx)).rejects.toThrowCode("TR_ERR_FILE_PATH", /upload folder/);
    await expect(new Audio({ required: true }).preprocess({ path: "http://127.0.0.1:9/a.wav", meta: META }, ctx)).rejects.toThrowCode("TR_ERR_FETCH_REFUSED", /not allowed/);
    expect(await new Audio().preprocess(null, ctx)).toBeNull();
    await expect(new Audio({ required: true }).preprocess(null, ctx)).rejects.toThrowCode("TR_ERR_REQUIRED", /Audio: this input is required; record or upload audio/);
    await expect(new Audio({ required: true }).preprocess({ meta: META }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /FileData\.path/);
  });
});

describe("Audio.postprocess", () => {
  function expectFileData(fd: unknown): asserts fd is FileData {
    const f = fd as FileData;
    expect(f.meta).toEqual(META);
    expect(inStore(f.path)).toBe(true);
    expect(f.url).toBe(`${ROOT}/gradio_api/file=${encodeURI(f.path)}`);
  }

  it("passes null through", async () => {
    expect(await new Audio().postprocess(null, ctx)).toBeNull();
  });

  it("encodes float samples as a 16-bit WAV that decodes back to them", async () => {
    const data = sine(800, 44100, 1);
    const fd = await new Audio().postprocess({ sampleRate: 44100, data }, ctx);
    expectFileData(fd);
    expect(fd.mime_type).toBe("audio/wav");
    const bytes = await readFile(fd.path);
    expect(fd.size).toBe(bytes.length);
    expect(bytes.readUInt16LE(20)).toBe(1); // PCM
    expect(bytes.readUInt16LE(34)).toBe(16); // 16-bit
    const back = decodeWav(bytes);
    expect(back).toMatchObject({ sampleRate: 44100, channels: 1 });
    expect(maxError(back.data, data)).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
  });

  it("encodes Int16 stereo and Gradio's [sampleRate, data] pair", async () => {
    const ints = Int16Array.from([100, -100, 2000, -2000, 32767, -32768]);
    const fd = await new Audio().postprocess({ sampleRate: 8000, data: ints, channels: 2 }, ctx);
    expectFileData(fd);
    const back = decodeWav(await readFile(fd.path));
    expect(back.channels).toBe(2);
    expect(Array.from(back.data).map((x) => Math.round(x * 32768))).toEqual(Array.from(ints));

    const pair = await new Audio().postprocess([11025, Int16Array.from([1, 2, 3])], ctx);
    expectFileData(pair);
    expect(decodeWav(await readFile(pair.path))).toMatchObject({ sampleRate: 11025, channels: 1 });
  });

  it("round-trips through postprocess and preprocess", async () => {
    const data = sine(300, 8000, 1);
    const fd = await new Audio().postprocess({ sampleRate: 8000, data }, ctx);
    const back = await new Audio({ required: true }).preprocess({ path: fd!.path, meta: META }, ctx);
    expect(maxError(back.data, data)).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
  });

  it("stores returned WAV bytes as they are", async () => {
    const bytes = wav({ format: 3, bits: 32, channels: 1, sampleRate: 8000, samples: [0.1, -0.2] });
    const fd = await new Audio().postprocess(bytes, ctx);
    expectFileData(fd);
    expect((await readFile(fd.path)).equals(bytes)).toBe(true);
    await expect(new Audio().postprocess(Buffer.from("not audio"), ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /WAV/);
  });

  it("copies returned file paths (any format) and passes URLs through", async () => {
    const mp3 = path.join(outside, "song.mp3");
    await writeFile(mp3, "ID3 fake");
    const fd = await new Audio().postprocess(mp3, ctx);
    expectFileData(fd);
    expect(fd.orig_name).toBe("song.mp3");
    expect(fd.mime_type).toBe("audio/mpeg");
    expect(await readFile(fd.path, "utf8")).toBe("ID3 fake");
    const url = "https://example.com/a/b.wav";
    expect(await new Audio().postprocess(url, ctx)).toMatchObject({ path: url, url, orig_name: "b.wav" });
    await expect(new Audio().postprocess(path.join(outside, "nope.wav"), ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /"nope\.wav"/);
  });

  it("validates sample rate, data type and channels", async () => {
    const a = new Audio();
    const data = new Float32Array(4);
    await expect(a.postprocess({ sampleRate: 0, data }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /sampleRate/);
    await expect(a.postprocess({ sampleRate: 44100.5, data }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /sampleRate/);
    await expect(a.postprocess({ sampleRate: "44100" as never, data }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /sampleRate/);
    await expect(a.postprocess({ sampleRate: 8000, data: [0, 0.5] as never }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    await expect(a.postprocess({ sampleRate: 8000, data: new Float64Array(2) as never }, ctx)).rejects.toThrow(ValidationError);
    await expect(a.postprocess({ sampleRate: 8000, data: new Float32Array(3), channels: 2 }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /channels/);
    await expect(a.postprocess({ sampleRate: 8000, data, channels: 0 }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /channels/);
    await expect(a.postprocess({ sampleRate: 2 ** 31, data, channels: 2 }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /sampleRate/);
    await expect(a.postprocess(5 as never, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    await expect(a.postprocess([8000] as never, ctx)).rejects.toThrow(ValidationError);
  });

  it("uses examples and `value` like outputs", async () => {
    const file = path.join(outside, "example.wav");
    const bytes = encodeWav({ sampleRate: 8000, data: sine(50) });
    await writeFile(file, bytes);
    const fd = (await new Audio().exampleValue(file, ctx)) as FileData;
    expectFileData(fd);
    expect((await readFile(fd.path)).equals(bytes)).toBe(true);
    const init = (await new Audio({ value: file }).initialValue(ctx)) as FileData;
    expect(init.path).toBe(fd.path);
  });
});
