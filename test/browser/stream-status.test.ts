// While the microphone streams to a live app, its outputs update in place: no status overlay (spinner,
// timer, "Queued") flashes over them for each chunk, as Gradio hides the progress of stream events. The
// page is watched on every animation frame and every DOM change, and sampled from outside as well.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, startApp } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser({ fakeMedia: true });
});
afterAll(async () => {
  await browser?.close();
});

describe("streaming microphone audio: the outputs while the stream is live", () => {
  it("show each chunk's result in place, with no status overlay between chunks", async () => {
    let chunks = 0;
    const app = await startApp(
      new tr.Interface({
        // Each chunk takes a moment, as a model would: long enough for an overlay to be drawn and seen.
        fn: async (chunk: tr.DecodedAudio, total = 0) => {
          await new Promise((r) => setTimeout(r, 150));
          chunks++;
          const seconds = total + chunk.data.length / chunk.channels / chunk.sampleRate;
          return [`${chunks} chunks, ${seconds.toFixed(1)} s`, seconds];
        },
        inputs: [new tr.Audio({ sources: ["microphone"], streaming: true, required: true, label: "Speak" }), "state"],
        outputs: [new tr.Textbox({ label: "heard" }), "state"],
        live: true,
      }),
    );
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const output = page.locator(".comp-textbox.output");
      // In the page: every frame and every change, whether the output has a status overlay or a status class.
      await page.evaluate(() => {
        const block = document.querySelector(".comp-textbox.output")!;
        const seen: string[] = [];
        const sample = () => {
          const overlay = block.querySelector(".status-overlay");
          const stage = Array.from(block.classList).find((c) => c.startsWith("status-"));
          if (overlay || stage) seen.push(`${stage ?? "overlay"}: ${(overlay as HTMLElement | null)?.innerText ?? ""}`);
        };
        const observer = new MutationObserver(sample);
        observer.observe(block, { subtree: true, childList: true, attributes: true, characterData: true });
        let frame = 0;
        const tick = () => {
          sample();
          frame = requestAnimationFrame(tick);
        };
        tick();
        (window as unknown as { __overlays: () => string[] }).__overlays = () => {
          observer.disconnect();
          cancelAnimationFrame(frame);
          return seen;
        };
      });

      await page.getByRole("button", { name: "Record from microphone" }).click();
      await page.getByText("Streaming").waitFor({ timeout: 10_000 });
      // From outside too: several samples while the results change chunk by chunk.
      const values = new Set<string>();
      let samples = 0;
      const started = Date.now();
      while ((values.size < 5 || samples < 20) && Date.now() - started < 20_000) {
        const v = await page.getByLabel("heard", { exact: true }).inputValue();
        if (v) values.add(v);
        expect(await output.locator(".status-overlay").count()).toBe(0);
        expect(await output.getAttribute("class")).not.toMatch(/\bstatus-/);
        samples++;
        await page.waitForTimeout(60);
      }
      expect(values.size).toBeGreaterThanOrEqual(5);
      await screenshot(page, "audio-streaming-no-overlay");
      await page.getByRole("button", { name: "Stop recording" }).click();
      await page.locator("audio").first().waitFor({ timeout: 15_000 });

      const overlays = await page.evaluate(() => (window as unknown as { __overlays: () => string[] }).__overlays());
      expect(overlays).toEqual([]);
      expect(chunks).toBeGreaterThanOrEqual(5);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("still shows a chunk's error on the output", async () => {
    let n = 0;
    const app = await startApp(
      new tr.Interface({
        fn: (_chunk: tr.DecodedAudio) => {
          if (++n >= 2) throw new tr.Error("the model is tired");
          return "first";
        },
        inputs: new tr.Audio({ sources: ["microphone"], streaming: true, required: true, label: "Speak" }),
        outputs: new tr.Textbox({ label: "heard" }),
        live: true,
      }),
    );
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      await page.getByRole("button", { name: "Record from microphone" }).click();
      const error = page.locator(".comp-textbox.output .error-box");
      await error.waitFor({ timeout: 15_000 });
      expect(await error.innerText()).toContain("the model is tired");
      expect(await page.getByLabel("heard", { exact: true }).inputValue()).toBe("first");
      await page.getByRole("button", { name: "Stop recording" }).click();
    } finally {
      await context.close();
      await app.close();
    }
  });
});
