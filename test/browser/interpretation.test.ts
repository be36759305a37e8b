import sharp from "sharp";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { readFile } from "node:fs/promises";
import sentiment from "../../demo/sentiment/app.js";
import imageClassifier from "../../demo/image_classifier/app.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, startApp, toneWav } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

type RGB = [number, number, number];

/** A computed CSS colour as RGB 0..255 (Chromium writes color-mix() results as `color(srgb r g b)`). */
function rgbOf(css: string): RGB {
  const rgb = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(css);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  const srgb = /color\(srgb\s+([\d.e-]+)\s+([\d.e-]+)\s+([\d.e-]+)/.exec(css);
  if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255];
  throw new Error(`not a colour: ${css}`);
}

/** Gradio's colour for a score on a white background: √|s| (capped at 1) of the way to red or blue. */
function gradioColour(score: number): RGB {
  const v = Math.sqrt(Math.min(1, Math.abs(score)));
  const to: RGB = score < 0 ? [52, 152, 219] : [231, 76, 60];
  return to.map((c) => 255 * (1 - v) + c * v) as RGB;
}

const reddish = ([r, , b]: RGB) => r - b > 40;
const bluish = ([r, , b]: RGB) => b - r > 40;

async function background(el: Locator): Promise<RGB> {
  return rgbOf(await el.evaluate((e) => getComputedStyle(e).backgroundColor));
}

/** The coloured words over a textbox: text (without the screen-reader score), score and background. */
async function tokens(page: Page): Promise<{ text: string; score: number; bg: string; title: string }[]> {
  return page.locator(".interp-token").evaluateAll((els) =>
    els.map((e) => ({
      text: e.firstChild?.textContent ?? "",
      score: Number((e as HTMLElement).dataset.score),
      bg: getComputedStyle(e).backgroundColor,
      title: e.getAttribute("title") ?? "",
    })),
  );
}

/** A deferred: the test opens it when it has seen what it waits for. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe("browser: interpretation", () => {
  it("colours the words of a review (red supports the prediction, blue works against it); edits and Clear remove them", async () => {
    const app = await startApp(sentiment);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const field = page.getByLabel("review", { exact: true });
      await field.fill("The food was wonderful but the service was terrible.");
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.locator(".comp-label .label-top").textContent(), { timeout: 15_000 }).toBe("positive");

      await page.getByRole("button", { name: "Interpret" }).click();
      await page.locator(".interp-token").first().waitFor({ timeout: 15_000 });
      const list = await tokens(page);
      // The tokens cover the text exactly (separators as plain text).
      expect(await page.locator(".interp-text").evaluate((e) => Array.from(e.childNodes, (n) => (n.nodeType === 3 ? n.textContent : n.firstChild?.textContent)).join(""))).toBe(
        "The food was wonderful but the service was terrible.",
      );
      const wonderful = list.find((t) => t.text === "wonderful")!;
      const terrible = list.find((t) => t.text === "terrible.")!;
      expect(wonderful.score).toBeGreaterThan(0);
      expect(terrible.score).toBeLessThan(0);
      expect(reddish(rgbOf(wonderful.bg))).toBe(true);
      expect(bluish(rgbOf(terrible.bg))).toBe(true);
      // Exactly Gradio's scale for confidences: white → colour by √|s|.
      for (const t of [wonderful, terrible]) {
        rgbOf(t.bg).forEach((c, i) => expect(Math.abs(c - gradioColour(t.score)[i])).toBeLessThan(2));
        expect(t.title).toMatch(/: [+−]0\.\d+$/);
      }
      // The text alternative: the group is named, and the scores are read out with the words.
      await expect.poll(() => page.getByRole("group", { name: "Interpretation of review" }).isVisible()).toBe(true);
      expect(await page.locator(".interp-text").textContent()).toMatch(/wonderful \(\+0\.\d+\)/);
      await page.mouse.move(0, 0);
      await screenshot(page, "interpret-text");
      // The key at phone width: each swatch stays with its words, the hint goes whole to its own line.
      await page.setViewportSize({ width: 390, height: 844 });
      const lineOf = (sel: string) => page.locator(sel).evaluateAll((els) => els.map((e) => e.getClientRects().length === 1 && e.getBoundingClientRect().height < 1.6 * parseFloat(getComputedStyle(e).lineHeight || "16")));
      expect(await lineOf(".interp-legend .interp-item")).toEqual([true, true]);
      expect(await page.locator(".interp-legend .interp-hint").innerText()).toBe("click the text to edit it");
      await screenshot(page, "interpret-text-phone");
      await page.setViewportSize({ width: 1100, height: 800 });

      // Clicking the words opens the field; an edit removes the colours.
      await page.locator(".interp-token", { hasText: "food" }).click();
      await expect.poll(() => field.evaluate((e) => e === document.activeElement)).toBe(true);
      await expect.poll(() => page.locator(".interp-text").isVisible()).toBe(false);
      await page.keyboard.press("End");
      await page.keyboard.type(" Really.");
      await expect.poll(() => page.locator(".interp-text").count()).toBe(0);
      expect(await field.inputValue()).toBe("The food was wonderful but the service was terrible. Really.");

      // Interpret again, then Clear: the colours go, the text and output return to their initial values.
      await page.getByRole("button", { name: "Interpret" }).click();
      await page.locator(".interp-token").first().waitFor({ timeout: 15_000 });
      await page.getByRole("button", { name: "Clear" }).click();
      await expect.poll(() => page.locator(".interp-token").count()).toBe(0);
      expect(await field.inputValue()).toBe("The plot was not good, but the actors were wonderful and the music great.");
      expect(await page.locator(".interp-legend").count()).toBe(0);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("lays a heat map over the image, aligned with the centre crop, that can be hidden and shown", async () => {
    // Light on the left, dark on the right; the model's confidence in "light" is the mean brightness.
    const iface = new tr.Interface({
      fn: (input: tr.Pixels | null) => {
        const img = input!;
        let sum = 0;
        for (const v of img.data) sum += v;
        const light = sum / img.data.length / 255;
        return { light, dark: 1 - light };
      },
      inputs: new tr.Image({ shape: [60, 60], label: "picture" }),
      outputs: new tr.Label({ label: "brightness" }),
      interpretation: "default",
      allowFlagging: "never",
      title: "Light or dark",
    });
    // 120×60: the 60×60 centre crop keeps x 30..89, light up to x 74 and dark after.
    const width = 120;
    const height = 60;
    const raw = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) raw.set(x < 75 ? [250, 225, 120] : [50, 60, 70], (y * width + x) * 3);
    }
    const png = await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      await page.locator(".comp-image.input input[type=file]").setInputFiles({ name: "split.png", mimeType: "image/png", buffer: png });
      await page.locator(".comp-image.input img").waitFor();
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.locator(".comp-label .label-top").textContent(), { timeout: 15_000 }).toBe("light");

      await page.getByRole("button", { name: "Interpret" }).click();
      const canvas = page.locator(".comp-image.input canvas.interp-canvas");
      await canvas.waitFor({ timeout: 20_000 });
      await expect.poll(() => canvas.isVisible()).toBe(true);
      const pixels = await canvas.evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
        const at = (x: number, y: number) => Array.from(d.slice((y * c.width + x) * 4, (y * c.width + x) * 4 + 4));
        let opaque = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) opaque++;
        return { width: c.width, height: c.height, opaque, left: at(8, 30), right: at(56, 30) };
      });
      expect([pixels.width, pixels.height]).toEqual([60, 60]);
      expect(pixels.opaque).toBeGreaterThan(60 * 60 * 0.5);
      // Left (light) superpixels support "light": red; right (dark) ones work against it: blue.
      expect(pixels.left[0]).toBeGreaterThan(pixels.left[2]);
      expect(pixels.left[3]).toBeGreaterThan(0);
      expect(pixels.right[2]).toBeGreaterThan(pixels.right[0]);
      expect(pixels.right[3]).toBeGreaterThan(0);

      // The overlay covers the square centre crop of the 2:1 image as shown.
      const img = (await page.locator(".comp-image.input img").boundingBox())!;
      const box = (await canvas.boundingBox())!;
      const shownWidth = Math.min(img.width, img.height * 2);
      expect(Math.abs(box.width - box.height)).toBeLessThan(1.5);
      expect(Math.abs(box.height - shownWidth / 2)).toBeLessThan(1.5);
      expect(Math.abs(box.x + box.width / 2 - (img.x + img.width / 2))).toBeLessThan(1.5);
      expect(Math.abs(box.y + box.height / 2 - (img.y + img.height / 2))).toBeLessThan(1.5);

      const toggle = page.getByLabel("Show interpretation");
      await toggle.uncheck();
      await expect.poll(() => canvas.isVisible()).toBe(false);
      await toggle.check();
      await expect.poll(() => canvas.isVisible()).toBe(true);
      await screenshot(page, "interpret-image-crop");

      await page.getByRole("button", { name: "Clear" }).click();
      await expect.poll(() => canvas.count()).toBe(0);
      expect(await page.getByLabel("Show interpretation").count()).toBe(0);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("explains the image classifier demo (a real CNN) with an overlay over the photo", async () => {
    const app = await startApp(imageClassifier);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const house = await readFile(new URL("../../demo/image_classifier/house.png", import.meta.url));
      await page.locator(".comp-image.input input[type=file]").setInputFiles({ name: "house.png", mimeType: "image/png", buffer: house });
      await page.locator(".comp-image.input img").waitFor();
      // The model loads on the first call.
      await page.getByRole("button", { name: "Submit" }).click();
      await page.locator(".comp-label .label-top").waitFor({ timeout: 120_000 });
      await page.getByRole("button", { name: "Interpret" }).click();
      const canvas = page.locator(".comp-image.input canvas.interp-canvas");
      await canvas.waitFor({ timeout: 120_000 });
      const { width, height, opaque } = await canvas.evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return { width: c.width, height: c.height, opaque: n };
      });
      expect([width, height]).toEqual([224, 224]);
      expect(opaque).toBeGreaterThan(0);
      await page.getByLabel("Show interpretation").uncheck();
      await expect.poll(() => canvas.isVisible()).toBe(false);
      await page.getByLabel("Show interpretation").check();
      await expect.poll(() => canvas.isVisible()).toBe(true);
      await page.mouse.move(0, 0); // the overlay fades while the pointer is over it
      await screenshot(page, "interpret-image");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("shows coloured cells for number, radio, checkbox, checkbox group, slider, dropdown and audio inputs", async () => {
    const iface = new tr.Interface({
      fn: (ageIn: number | null, pet: string | null, vaccinated: boolean, parasites: string[], weight: number, size: string | null, barkIn: tr.DecodedAudio | null) => {
        const age = ageIn ?? 0;
        const bark = barkIn!;
        // Only the first half of the recording counts.
        let energy = 0;
        const half = Math.floor(bark.data.length / 2);
        for (let i = 0; i < half; i++) energy += bark.data[i] ** 2;
        const sizeTerm = size === "large" ? 3 : size === "small" ? -3 : 0;
        const petTerm = pet === "dog" ? 10 : pet === "bird" ? -5 : 0;
        const price = age + petTerm + (vaccinated ? 5 : 0) - 4 * parasites.length + weight / 10 + sizeTerm + (100 * energy) / half;
        return Math.round(price * 100) / 100;
      },
      inputs: [
        new tr.Number({ label: "age", value: 40, delta: 5, deltaType: "absolute" }),
        new tr.Radio({ label: "pet", choices: ["cat", "dog", "bird"], value: "cat" }),
        new tr.Checkbox({ label: "vaccinated", value: false }),
        new tr.CheckboxGroup({ label: "parasites", choices: ["fleas", "ticks", "worms"], value: ["fleas"] }),
        new tr.Slider({ label: "weight", minimum: 0, maximum: 70, value: 35 }),
        new tr.Dropdown({ label: "size", choices: ["small", "medium", "large"], value: "medium" }),
        new tr.Audio({ label: "bark" }),
      ],
      outputs: new tr.Number({ label: "price" }),
      interpretation: "default",
      allowFlagging: "never",
      title: "Pet insurance",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { height: 1250 });
    try {
      await openApp(page, app.url);
      await page.locator(".comp-audio.input input[type=file]").setInputFiles({ name: "bark.wav", mimeType: "audio/wav", buffer: toneWav });
      await page.locator(".comp-audio.input audio").waitFor();
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("price", { exact: true }).inputValue(), { timeout: 15_000 }).not.toBe("0");
      await page.getByRole("button", { name: "Interpret" }).click();
      await expect.poll(() => page.locator(".interp-cells").count(), { timeout: 15_000 }).toBe(7);

      const cellsOf = (type: string) => page.locator(`.comp-${type}.input .interp-cell`);
      const number = cellsOf("number");
      expect(await number.allInnerTexts()).toEqual(["25", "30", "35", "40", "45", "50", "55"].map((s) => expect.stringContaining(s)));
      expect(await number.nth(3).getAttribute("class")).toContain("current");
      expect(await number.nth(3).getAttribute("title")).toBe("40: current value");
      for (const i of [0, 1, 2]) expect(bluish(await background(number.nth(i)))).toBe(true);
      for (const i of [4, 5, 6]) expect(reddish(await background(number.nth(i)))).toBe(true);
      // Scores beyond 1 are scaled so the largest is full colour: -15 and +15 here.
      rgbOf(await number.nth(6).evaluate((e) => getComputedStyle(e).backgroundColor)).forEach((c, i) => expect(Math.abs(c - [231, 76, 60][i])).toBeLessThan(2));
      expect(await number.nth(6).getAttribute("title")).toBe("55: +15");

      const pet = cellsOf("radio");
      expect(await pet.allInnerTexts()).toEqual([expect.stringContaining("cat"), expect.stringContaining("dog"), expect.stringContaining("bird")]);
      expect(await pet.nth(0).getAttribute("class")).toContain("current");
      expect(reddish(await background(pet.nth(1)))).toBe(true);
      expect(bluish(await background(pet.nth(2)))).toBe(true);

      const vaccinated = cellsOf("checkbox");
      expect(await vaccinated.nth(0).getAttribute("class")).toContain("current");
      expect(await vaccinated.nth(1).getAttribute("title")).toBe("Checked: +5");
      expect(reddish(await background(vaccinated.nth(1)))).toBe(true);

      // A checkbox group: each choice toggled; the tick marks the checked ones.
      const parasites = cellsOf("checkboxgroup");
      expect(await parasites.evaluateAll((els) => els.map((e) => e.getAttribute("title")))).toEqual(["Unchecking fleas: +4", "Checking ticks: −4", "Checking worms: −4"]);
      expect(await parasites.nth(0).innerText()).toContain("✓ fleas");
      expect(reddish(await background(parasites.nth(0)))).toBe(true);
      expect(bluish(await background(parasites.nth(1)))).toBe(true);

      const weight = cellsOf("slider");
      expect(await weight.count()).toBe(8);
      expect(bluish(await background(weight.first()))).toBe(true);
      expect(reddish(await background(weight.last()))).toBe(true);

      const size = cellsOf("dropdown");
      expect(bluish(await background(size.nth(0)))).toBe(true);
      expect(await size.nth(1).getAttribute("class")).toContain("current");
      expect(reddish(await background(size.nth(2)))).toBe(true);

      const bark = cellsOf("audio");
      expect(await bark.count()).toBe(8);
      for (const i of [0, 1, 2, 3]) expect(reddish(await background(bark.nth(i)))).toBe(true);
      for (const i of [4, 5, 6, 7]) expect(await background(bark.nth(i))).toEqual([255, 255, 255]);
      expect(await bark.nth(7).getAttribute("title")).toBe("Segment 8 of 8: 0");
      // Each cell has a text alternative with its score.
      expect(await page.getByRole("list", { name: "Interpretation of pet" }).getByRole("listitem").nth(1).textContent()).toContain("dog: +10");
      await page.mouse.move(0, 0);
      await screenshot(page, "interpret-cells");

      // Editing one input removes its cells only; Clear removes the rest.
      await page.getByLabel("age", { exact: true }).fill("41");
      await expect.poll(() => number.count()).toBe(0);
      expect(await page.locator(".interp-cells").count()).toBe(6);
      await page.getByRole("button", { name: "Clear" }).click();
      await expect.poll(() => page.locator(".interp-cells").count()).toBe(0);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("shows the status overlay on the inputs while interpreting, drops scores of an edited input, and shows errors", async () => {
    const gates = [gate(), gate()];
    let calls = 0;
    const iface = new tr.Interface({
      fn: (x: number | null) => x! * 2,
      inputs: new tr.Number({ label: "x", value: 3 }),
      outputs: new tr.Number({ label: "double" }),
      allowFlagging: "never",
      interpretation: async (x: number) => {
        await gates[Math.min(calls++, gates.length - 1)].promise;
        if (x < 0) throw new tr.Error("x must not be negative to interpret");
        return [
          [x - 1, -0.5],
          [x, null],
          [x + 1, 0.25],
        ];
      },
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const input = page.locator(".comp-number.input");
      await page.getByRole("button", { name: "Interpret" }).click();
      await input.locator(".status-overlay").waitFor({ timeout: 10_000 });
      expect(await input.getAttribute("class")).toMatch(/status-(queued|running)/);
      gates[0].open();
      await expect.poll(() => input.locator(".interp-cell").count(), { timeout: 10_000 }).toBe(3);
      await expect.poll(() => input.locator(".status-overlay").count()).toBe(0);
      // Scores within [-1, 1] keep Gradio's absolute scale.
      rgbOf(await input.locator(".interp-cell").nth(0).evaluate((e) => getComputedStyle(e).backgroundColor)).forEach((c, i) =>
        expect(Math.abs(c - gradioColour(-0.5)[i])).toBeLessThan(2),
      );

      // Scores computed for a value the user has since changed are not shown.
      await page.getByRole("button", { name: "Interpret" }).click();
      await input.locator(".status-overlay").waitFor({ timeout: 10_000 });
      await page.getByLabel("x", { exact: true }).fill("7");
      await expect.poll(() => input.locator(".interp-cell").count()).toBe(0);
      gates[1].open();
      await expect.poll(() => input.locator(".status-overlay").count(), { timeout: 10_000 }).toBe(0);
      expect(await input.locator(".interp-cell").count()).toBe(0);
      expect(calls).toBe(2);

      await page.getByLabel("x", { exact: true }).fill("-3");
      await page.getByRole("button", { name: "Interpret" }).click();
      await expect.poll(() => input.locator(".error-box").textContent(), { timeout: 10_000 }).toContain("x must not be negative to interpret");
      expect(await input.locator(".interp-cell").count()).toBe(0);
      await input.getByRole("button", { name: "Dismiss error" }).click();
      await expect.poll(() => input.locator(".error-box").count()).toBe(0);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("mixes the colours into the dark theme's field colour instead of white", async () => {
    const iface = new tr.Interface({
      fn: (pet: string | null) => pet!.length,
      inputs: new tr.Radio({ label: "pet", choices: ["cat", "horse"], value: "cat" }),
      outputs: new tr.Number({ label: "letters" }),
      interpretation: () => [null, 0.25],
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { dark: true });
    try {
      await openApp(page, app.url);
      await page.getByRole("button", { name: "Interpret" }).click();
      const horse = page.locator(".comp-radio.input .interp-cell").nth(1);
      await horse.waitFor({ timeout: 10_000 });
      const base = rgbOf(await page.locator(".comp-radio.input .interp-cell").nth(0).evaluate((e) => getComputedStyle(e).backgroundColor));
      expect(base[0] + base[1] + base[2]).toBeLessThan(150); // the dark field colour
      const v = Math.sqrt(0.25);
      rgbOf(await horse.evaluate((e) => getComputedStyle(e).backgroundColor)).forEach((c, i) =>
        expect(Math.abs(c - (base[i] * (1 - v) + [231, 76, 60][i] * v))).toBeLessThan(2),
      );
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
