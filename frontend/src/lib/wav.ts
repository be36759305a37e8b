/** Browser-side audio helpers: the server's default Audio input accepts 16-bit PCM WAV only. */

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

/** True when the bytes start with a RIFF/WAVE header. */
export async function isWav(blob: Blob): Promise<boolean> {
  const head = new Uint8Array(await blob.slice(0, 12).arrayBuffer());
  const tag = (from: number) => String.fromCharCode(...head.slice(from, from + 4));
  return head.length === 12 && tag(0) === "RIFF" && tag(8) === "WAVE";
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
