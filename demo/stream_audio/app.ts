// Gradio's streaming-audio demos in TypeScript: the microphone streams while it records, the function gets each
// half-second chunk and keeps the recording so far in session state; an additional input sets what counts as sound.
import * as tr from "tradio";

interface Heard {
  sampleRate: number;
  chunks: Float32Array[];
  loud: number;
}

/** At most this much of the recording is kept and played back. */
const KEEP_SECONDS = 30;

function listen(chunk: tr.DecodedAudio, heard: Heard | undefined, threshold: number) {
  // Mono: the first channel of each frame.
  const mono = chunk.channels === 1 ? chunk.data : chunk.data.filter((_, i) => i % chunk.channels === 0);
  const state: Heard = heard && heard.sampleRate === chunk.sampleRate ? heard : { sampleRate: chunk.sampleRate, chunks: [], loud: 0 };
  state.chunks.push(mono);
  let frames = state.chunks.reduce((n, c) => n + c.length, 0);
  while (frames - state.chunks[0]!.length >= KEEP_SECONDS * state.sampleRate) frames -= state.chunks.shift()!.length;
  const rms = Math.sqrt(mono.reduce((s, v) => s + v * v, 0) / Math.max(1, mono.length));
  if (rms >= threshold) state.loud++;
  const recording = new Float32Array(frames);
  let at = 0;
  for (const c of state.chunks) recording.set(c, (at += c.length) - c.length);
  const level = `${"█".repeat(Math.min(40, Math.round(rms * 200)))} ${rms.toFixed(3)}`;
  return [{ sampleRate: state.sampleRate, data: recording }, `${level}\n${state.loud} loud chunk(s) so far`, state] as const;
}

export default new tr.Interface({
  fn: listen,
  inputs: [new tr.Audio({ sources: ["microphone"], streaming: true, required: true, label: "Microphone" }), "state"],
  outputs: [new tr.Audio({ label: "The recording so far" }), new tr.Textbox({ label: "Level", lines: 2 }), "state"],
  additionalInputs: [new tr.Slider({ minimum: 0, maximum: 0.5, step: 0.01, value: 0.05, label: "Loud above (RMS)" })],
  live: true,
  title: "Streaming audio",
  description: "Press Record: every half second the function gets what the microphone heard, and answers while you speak.",
  allowFlagging: "never",
});
