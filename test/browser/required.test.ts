// Required inputs as a person meets them: each is marked "required" in its label bar (and its control says
// aria-required where it can), and Submit with one left empty refuses it at once, on the input, in the
// server's own words, without sending anything; once filled, the run goes through.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, screenshots, startApp } from "./helpers.js";

const HOUSE = path.join(fileURLToPath(new URL("../../", import.meta.url)), "demo", "image_classifier", "house.png");

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Counts the page's requests that would start a run or send a file. */
function countSends(page: Page): () => number {
  let n = 0;
  page.on("request", (r) => {
    if (/\/gradio_api\/(queue\/join|upload|run\/)/.test(r.url())) n++;
  });
  return () => n;
}

describe("browser: required inputs", () => {
  it("are marked, and refused on the page when left empty, without a round trip; filled, they run", async () => {
    const calls: unknown[][] = [];
    const app = await startApp(
      new tr.Interface({
        fn: (age: number, size: string, photo: tr.Pixels, note: string) => {
          calls.push([age, size, note]);
          return `${age} ${size} ${photo.width}x${photo.height} ${note || "-"}`;
        },
        inputs: [
          new tr.Number({ label: "Age", value: null, required: true }),
          new tr.Radio({ label: "Size", choices: ["S", "M"], required: true }),
          new tr.Image({ label: "Photo", required: true, sources: ["upload"] }),
          new tr.Textbox({ label: "Note" }),
        ],
        outputs: new tr.Textbox({ label: "Result" }),
        allowFlagging: "never",
      }),
    );
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      await openApp(page, app.url);
      const sends = countSends(page);
      const block = (type: string) => page.locator(`.comp-${type}.input`).first();
      const mark = (type: string) => block(type).locator(".required-mark");

      // Marked in the label bar: the three required inputs, not the optional one nor the output.
      for (const type of ["number", "radio", "image"]) {
        expect(await mark(type).isVisible(), type).toBe(true);
        expect(await mark(type).innerText()).toBe("required");
      }
      expect(await block("textbox").locator(".required-mark").count()).toBe(0);
      expect(await page.locator(".comp-textbox.output .required-mark").count()).toBe(0);
      // Screen readers hear it from the control, and the names stay as they were.
      expect(await page.getByLabel("Age", { exact: true }).getAttribute("aria-required")).toBe("true");
      expect(await page.getByRole("radiogroup", { name: "Size", exact: true }).getAttribute("aria-required")).toBe("true");
      expect(await page.getByLabel("Note", { exact: true }).getAttribute("aria-required")).toBeNull();

      // Submit with everything empty: each required input shows the server's refusal at once.
      const clicked = Date.now();
      await page.getByRole("button", { name: "Submit" }).click();
      const refusal = (type: string) => block(type).locator(".error-box");
      await refusal("number").waitFor({ timeout: 2_000 });
      expect(Date.now() - clicked).toBeLessThan(2_000);
      expect(await refusal("number").innerText()).toContain('Number "Age": this input is required; enter a number');
      expect(await refusal("radio").innerText()).toContain('Radio "Size": this input is required; choose one of: "S", "M"');
      expect(await refusal("image").innerText()).toContain('Image "Photo": this input is required; upload an image');
      // The toast is the one alert read out (it names them all); the boxes on the inputs are not announced again.
      expect(await refusal("number").getAttribute("role")).toBeNull();
      expect(await page.locator(".toast.error").first().getAttribute("role")).toBe("alert");
      expect(await refusal("textbox").count()).toBe(0);
      // A toast names them all (each input says what to do).
      expect(await page.locator(".toast.error").first().innerText()).toContain("3 required inputs are empty: “Age”, “Size”, “Photo”.");
      // Nothing was sent, nothing ran, and the output shows no status.
      expect(sends()).toBe(0);
      expect(calls).toEqual([]);
      expect(await page.locator(".comp-textbox.output .status-overlay, .comp-textbox.output .error-box").count()).toBe(0);
      await screenshot(page, "required-refused");
      await screenshots(page, "required-refused", { fullPage: false, focus: ".comp-image.input" });

      // Filling one takes its refusal away; Submit again still refuses the others, still without sending.
      await page.getByLabel("Age", { exact: true }).fill("41");
      await expect.poll(() => refusal("number").count()).toBe(0);
      await page.getByRole("button", { name: "Submit" }).click();
      await refusal("radio").waitFor({ timeout: 2_000 });
      expect(await refusal("image").isVisible()).toBe(true);
      expect(await refusal("number").count()).toBe(0);
      expect(sends()).toBe(0);

      // All filled: the run goes through (the optional Note may stay empty).
      await page.getByRole("radio", { name: "M" }).check();
      await page.setInputFiles(".comp-image.input input[type=file]", HOUSE);
      await page.locator(".comp-image.input img").waitFor();
      expect(await page.locator(".error-box").count()).toBe(0);
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("Result", { exact: true }).inputValue(), { timeout: 15_000 }).toMatch(/^41 M \d+x\d+ -$/);
      expect(calls).toHaveLength(1);
      expect(sends()).toBeGreaterThan(0);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
