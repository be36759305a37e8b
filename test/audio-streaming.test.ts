import { handle_file } from "@gradio/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { encodeWav } from "../src/components/audio.js";
import { configOf, connect, start } from "./helpers.js";

/** A streaming transcriber stand-in: counts chunks and samples in session state, as Gradio's stream demos do. */
function streamingApp() {
  return new tr.Interface({
    fn: (chunk: tr.DecodedAudio, seen: { chunks: number; samples: number } = { chunks: 0, samples: 0 }) => {
      const next = { chunks: seen.chunks + 1, samples: seen.samples + chunk.data.length };
      return [`${next.chunks} chunks, ${(next.samples / chunk.sampleRate).toFixed(2)} s`, next];
    },
    inputs: [new tr.Audio({ sources: ["microphone"], streaming: true }), "state"],
    outputs: ["text", "state"],
    live: true,
  });
}

const chunk = (seconds: number) =>
  new Blob([new Uint8Array(encodeWav({ sampleRate: 16000, data: new Float32Array(Math.round(seconds * 16000)).fill(0.1) }))], { type: "audio/wav" });

describe("Audio streaming: true", () => {
  it("binds a live interface to the input's stream event instead of its change", async () => {
    const cfg = await configOf(streamingApp());
    const audio = cfg.components.find((c: any) => c.type === "audio");
    expect(audio.props.streaming).toBe(true);
    const predict = cfg.dependencies.find((d: any) => d.api_name === "predict");
    expect(predict.targets).toEqual([[audio.id, "stream"]]);
    expect(predict.trigger_mode).toBe("always_last");
    // Not live: an ordinary recording, run by Submit.
    const plain = await configOf(
      new tr.Interface({ fn: (a: tr.DecodedAudio) => String(a.sampleRate), inputs: new tr.Audio({ streaming: true }), outputs: "text" }),
    );
    expect(plain.dependencies.find((d: any) => d.api_name === "predict").targets.some(([, e]: [number, string]) => e === "stream")).toBe(false);
  });

  it("needs the microphone among the sources", () => {
    expect(() => new tr.Audio({ sources: ["upload"], streaming: true })).toThrowCode("TR_ERR_OPTION_CONFLICT", /streaming.*microphone/);
    expect(() => new tr.Audio({ streaming: "yes" as never })).toThrowCode("TR_ERR_OPTION_INVALID", /streaming/);
  });

  describe("through @gradio/client", () => {
    let app: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      app = await start(streamingApp());
    });
    afterAll(() => app.close());

    it("runs the function on each chunk, with state accumulating across them, per session", async () => {
      const client = await connect(app.base);
      const seen: unknown[] = [];
      for (const seconds of [0.5, 0.5, 0.25]) seen.push((await client.predict("/predict", [handle_file(chunk(seconds))])).data);
      expect(seen).toEqual([["1 chunks, 0.50 s"], ["2 chunks, 1.00 s"], ["3 chunks, 1.25 s"]]);
      const other = await connect(app.base);
      expect((await other.predict("/predict", [handle_file(chunk(0.5))])).data).toEqual(["1 chunks, 0.50 s"]);
    });
  });
});
