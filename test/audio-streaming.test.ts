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
    inputs: [new tr.Audio({ sources: ["microphone"], streaming: true, required: true }), "state"],
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
    // Its outputs update in place chunk after chunk: the page shows no status over them (Gradio's show_progress).
    expect(predict.show_progress).toBe("hidden");
    // Not live: an ordinary recording, run by Submit.
    const plain = await configOf(
      new tr.Interface({ fn: (a: tr.DecodedAudio) => String(a.sampleRate), inputs: new tr.Audio({ streaming: true, required: true }), outputs: "text" }),
    );
    expect(plain.dependencies.find((d: any) => d.api_name === "predict").targets.some(([, e]: [number, string]) => e === "stream")).toBe(false);
    expect(plain.dependencies.find((d: any) => d.api_name === "predict").show_progress).toBe("full");
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

describe("demo/stream_audio", () => {
  it("answers each chunk with the recording so far and a level, the additional input setting what is loud", async () => {
    const { default: demo } = await import("../demo/stream_audio/app.js");
    const app = await start(demo);
    try {
      const client = await connect(app.base);
      const tone = (amp: number) =>
        new Blob([new Uint8Array(encodeWav({ sampleRate: 8000, data: Float32Array.from({ length: 4000 }, (_, i) => amp * Math.sin(i / 3)) }))], { type: "audio/wav" });
      const first = (await client.predict("/predict", [handle_file(tone(0.5)), 0.05])).data as any[];
      const second = (await client.predict("/predict", [handle_file(tone(0.01)), 0.05])).data as any[];
      expect(first[1]).toMatch(/1 loud chunk\(s\) so far$/);
      expect(second[1]).toMatch(/1 loud chunk\(s\) so far$/);
      const third = (await client.predict("/predict", [handle_file(tone(0.01)), 0.001])).data as any[];
      expect(third[1]).toMatch(/2 loud chunk\(s\) so far$/);
      // The recording grows by each chunk: 0.5 s, then 1.5 s after three.
      const length = async (fd: any) => (await (await fetch(fd.url)).arrayBuffer()).byteLength;
      expect(await length(first[0])).toBe(44 + 4000 * 2);
      expect(await length(third[0])).toBe(44 + 12000 * 2);
    } finally {
      await app.close();
    }
  });
});
