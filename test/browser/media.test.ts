import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import type { Pixels } from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, startApp } from "./helpers.js";

// Chromium's fake camera and microphone stand in for real devices.
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser({ fakeMedia: true });
});
afterAll(async () => {
  await browser?.close();
});

describe("browser: microphone and webcam", () => {
  it("records from the microphone and sends the recording as a WAV file", async () => {
    const iface = new tr.Interface({
      fn: (sound: tr.DecodedAudio | null) => ({ sampleRate: sound!.sampleRate, seconds: sound!.data.length / (sound!.channels ?? 1) / sound!.sampleRate }),
      inputs: new tr.Audio({ label: "Voice", sources: ["microphone"] }),
      outputs: new tr.JSON({ label: "Info" }),
      title: "Recorder",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await context.grantPermissions(["microphone"]);
      await openApp(page, app.url);
      // From the keyboard: the focus goes from Record to Stop, then stays in the block for the recording.
      await page.getByRole("button", { name: "Record from microphone" }).focus();
      await page.keyboard.press("Enter");
      await page.getByRole("button", { name: "Stop recording" }).waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Stop recording");
      await page.waitForTimeout(1200);
      await page.keyboard.press("Enter");
      await page.locator(".comp-audio.input audio").waitFor({ timeout: 10_000 });
      expect(await page.evaluate(() => document.activeElement !== document.body && !!document.activeElement?.closest(".comp-audio.input"))).toBe(true);
      await page.getByRole("button", { name: "Submit" }).click();
      await page.locator(".comp-json .json-key", { hasText: "sampleRate" }).waitFor({ timeout: 15_000 });
      const info = await page.locator(".comp-json").innerText();
      const seconds = Number(/"seconds":\s*([\d.]+)/.exec(info)?.[1]);
      expect(seconds).toBeGreaterThan(0.5);
      expect(Number(/"sampleRate":\s*(\d+)/.exec(info)?.[1])).toBeGreaterThan(7999);
      await screenshot(page, "microphone");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("captures a webcam frame and sends it as an image", async () => {
    const iface = new tr.Interface({
      fn: (img: Pixels | null) => `${img!.width}x${img!.height}`,
      inputs: new tr.Image({ label: "Camera", sources: ["webcam"] }),
      outputs: "text",
      title: "Webcam",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await context.grantPermissions(["camera"]);
      await openApp(page, app.url);
      const capture = page.getByRole("button", { name: "Capture" });
      await expect.poll(() => capture.isEnabled(), { timeout: 10_000 }).toBe(true);
      await screenshot(page, "webcam-live");
      await capture.click();
      await page.locator(".comp-image.input img").waitFor({ timeout: 10_000 });
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toMatch(/^\d+x\d+$/);
      await screenshot(page, "webcam");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
