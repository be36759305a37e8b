import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, startApp } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  // Chromium's fake microphone: a beep, no permission prompt.
  browser = await launchBrowser({ fakeMedia: true });
});
afterAll(async () => {
  await browser?.close();
});

describe("streaming audio from the microphone", () => {
  it("sends chunks while recording: the function's results arrive before Stop, in order, and nothing is lost", async () => {
    const calls: { at: number; frames: number; rate: number; peak: number }[] = [];
    const app = await startApp(
      new tr.Interface({
        fn: (chunk: tr.DecodedAudio, total = 0) => {
          calls.push({ at: Date.now(), frames: chunk.data.length / chunk.channels, rate: chunk.sampleRate, peak: chunk.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0) });
          const seconds = total + chunk.data.length / chunk.channels / chunk.sampleRate;
          return [`${calls.length} chunks, ${seconds.toFixed(1)} s`, seconds];
        },
        inputs: [new tr.Audio({ sources: ["microphone"], streaming: true, required: true, label: "Speak" }), "state"],
        outputs: [new tr.Textbox({ label: "heard" }), "state"],
        live: true,
      }),
    );
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const out = page.getByLabel("heard", { exact: true });
      await page.getByRole("button", { name: "Record from microphone" }).click();
      await page.getByText("Streaming").waitFor({ timeout: 10_000 });
      const started = Date.now();
      // While still recording, the results change chunk by chunk.
      const seenWhileRecording = new Set<string>();
      while (seenWhileRecording.size < 4 && Date.now() - started < 20_000) {
        const v = await out.inputValue();
        if (v) seenWhileRecording.add(v);
        expect(await page.getByRole("button", { name: "Stop recording" }).isVisible()).toBe(true);
        await page.waitForTimeout(100);
      }
      expect(seenWhileRecording.size).toBeGreaterThanOrEqual(4);
      const values = [...seenWhileRecording].map((v) => Number(/^(\d+) chunks/.exec(v)?.[1]));
      expect(values).toEqual([...values].sort((a, b) => a - b));
      await screenshot(page, "audio-streaming-recording");
      const recordedFor = (Date.now() - started) / 1000;
      await page.getByRole("button", { name: "Stop recording" }).click();
      // Afterwards the whole recording is the input's value, in a player.
      await page.locator("audio").first().waitFor({ timeout: 15_000 });
      const last = await out.inputValue();
      const streamed = Number(/, ([\d.]+) s$/.exec(last)?.[1]);
      // Every recorded sample went to the function once: the chunks add up to the time recorded.
      expect(streamed).toBeGreaterThan(recordedFor - 1);
      expect(streamed).toBeLessThan(recordedFor + 3);
      // Chunks of about half a second, each a WAV the server decoded at the page's sample rate, with sound in it.
      expect(calls.length).toBeGreaterThanOrEqual(4);
      for (const c of calls.slice(0, -1)) expect(c.frames / c.rate).toBeGreaterThan(0.2);
      expect(calls.some((c) => c.peak > 0.01)).toBe(true);
      // They arrived while recording, spread over time, not all at the end.
      expect(calls[3]!.at - calls[0]!.at).toBeGreaterThan(800);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});

describe("compressed audio uploaded on the page", () => {
  it("goes to the server as it is and reaches the function at its own sample rate", async () => {
    const fixture = (name: string) => readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/audio", name));
    const app = await startApp(
      new tr.Interface({
        fn: (a: tr.DecodedAudio) => `${a.sampleRate} Hz, ${a.channels} ch`,
        inputs: new tr.Audio({ sources: ["upload"], required: true }),
        outputs: new tr.Textbox({ label: "heard" }),
      }),
    );
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      for (const [name, mimeType, expected] of [
        ["tone.mp3", "audio/mpeg", "16000 Hz, 1 ch"],
        ["tone-stereo.flac", "audio/flac", "44100 Hz, 2 ch"],
      ] as const) {
        await page.setInputFiles(".comp-audio.input input[type=file]", { name, mimeType, buffer: fixture(name) });
        await page.locator(".comp-audio.input audio").waitFor();
        await page.getByRole("button", { name: "Submit" }).click();
        // The browser would have resampled to its own rate (44.1/48 kHz) had it converted the file.
        await expect.poll(() => page.getByLabel("heard", { exact: true }).inputValue(), { timeout: 15_000 }).toBe(expected);
        await page.getByRole("button", { name: "Remove audio" }).click();
      }
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
