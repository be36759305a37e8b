/** Browser-side audio helpers: WAV for recordings, and for uploads in formats the server does not decode. */

/** Encodes decoded audio as a 16-bit PCM WAV file (channels interleaved). */
export function encodeWav(buffer: AudioBuffer): Blob {
  const channels = buffer.numberOfChannels;
  const frames = buffer.length;
  const rate = buffer.sampleRate;
  const dataBytes = frames * channels * 2;
  const out = new ArrayBuffer(44 + dataBytes);
  const v = new DataView(out);
  const text = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i));
  };
  text(0, "RIFF");
  v.setUint32(4, 36 + dataBytes, true);
  text(8, "WAVE");
  text(12, "fmt ");
  v.setUint32(16, 16, true); // fmt chunk size
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * channels * 2, true);
  v.setUint16(32, channels * 2, true);
  v.setUint16(34, 16, true);
  text(36, "data");
  v.setUint32(40, dataBytes, true);
  const data = Array.from({ length: channels }, (_, c) => buffer.getChannelData(c));
  let at = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const s = Math.max(-1, Math.min(1, data[c][i]));
      v.setInt16(at, s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff), true);
      at += 2;
    }
  }
  return new Blob([out], { type: "audio/wav" });
}

/**
 * Whether the server's Audio input decodes this file as it is (WAV, MP3, AAC, OGG, FLAC, M4A, WebM, AIFF),
 * from its first bytes; such uploads keep their own format and sample rate.
 */
export async function serverDecodes(blob: Blob): Promise<boolean> {
  const h = new Uint8Array(await blob.slice(0, 12).arrayBuffer());
  const tag = (from: number) => String.fromCharCode(...h.slice(from, from + 4));
  if (h.length < 4) return false;
  return (
    (tag(0) === "RIFF" && tag(8) === "WAVE") ||
    tag(0).startsWith("ID3") ||
    (h[0] === 0xff && (h[1]! & 0xe0) === 0xe0) || // an MPEG audio or ADTS (AAC) frame
    tag(0) === "OggS" ||
    tag(0) === "fLaC" ||
    tag(4) === "ftyp" ||
    (h[0] === 0x1a && h[1] === 0x45 && h[2] === 0xdf && h[3] === 0xa3) || // EBML: WebM
    (tag(0) === "FORM" && (tag(8) === "AIFF" || tag(8) === "AIFC"))
  );
}

/** Decodes any audio the browser can play (a recording, an MP3...) and re-encodes it as a WAV file. */
export async function toWav(blob: Blob, name = "audio.wav"): Promise<File> {
  const bytes = await blob.arrayBuffer();
  const Ctx: typeof AudioContext = window.AudioContext ?? (window as any).webkitAudioContext;
  // An OfflineAudioContext decodes without touching the audio device; fall back to a realtime context.
  let decoded: AudioBuffer;
  try {
    decoded = await new OfflineAudioContext(1, 1, 44100).decodeAudioData(bytes.slice(0));
  } catch {
    const ctx = new Ctx();
    try {
      decoded = await ctx.decodeAudioData(bytes.slice(0));
    } finally {
      void ctx.close();
    }
  }
  return new File([encodeWav(decoded)], name.replace(/\.[^.]*$/, "") + ".wav", { type: "audio/wav" });
}
