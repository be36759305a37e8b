import sharp from "sharp";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import type { Pixels } from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, startApp } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Runs `body` against a launched interface in a fresh browser context, then closes both. */
async function withApp(
  iface: { launch(o: object): Promise<tr.Launched> },
  body: (page: import("playwright-core").Page, url: string) => Promise<void>,
  view: { width?: number; height?: number; dark?: boolean } = {},
): Promise<void> {
  const app = await startApp(iface);
  const { context, page } = await newPage(browser, view);
  try {
    await openApp(page, app.url);
    await body(page, app.url);
    expect(pageErrors(page)).toEqual([]);
  } finally {
    await context.close();
    await app.close();
  }
}

/** A 40x20 PNG: left half red, right half blue. */
async function redBluePng(): Promise<Buffer> {
  const w = 40;
  const h = 20;
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      if (x < w / 2) data[i] = 255;
      else data[i + 2] = 255;
    }
  return sharp(data, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

function flip(img: Pixels): Pixels {
  const { width, height, channels, data } = img;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) out[(y * width + (width - 1 - x)) * channels + c] = data[(y * width + x) * channels + c];
  return { width, height, channels, data: out };
}

describe("browser: the page", () => {
  it("(b) sends an uploaded image and shows the returned image", async () => {
    const iface = new tr.Interface({ fn: (img: Pixels | null) => flip(img!), inputs: "image", outputs: "image", title: "Mirror" });
    await withApp(iface, async (page) => {
      await page.setInputFiles(".comp-image.input input[type=file]", { name: "redblue.png", mimeType: "image/png", buffer: await redBluePng() });
      await page.locator(".comp-image.input img").waitFor();
      await page.getByRole("button", { name: "Submit" }).click();
      const out = page.locator(".comp-image.output img");
      await out.waitFor({ timeout: 15_000 });
      const src = await out.getAttribute("src");
      expect(src).toMatch(/\/gradio_api\/file=/);
      // The image the page shows is the flipped one: blue on the left now.
      await page.waitForFunction(() => (document.querySelector(".comp-image.output img") as HTMLImageElement | null)?.complete);
      const bytes = Buffer.from(await (await page.request.get(src!)).body());
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      expect(info.width).toBe(40);
      expect([data[0], data[1], data[2]]).toEqual([0, 0, 255]);
      const last = (info.width - 1) * info.channels;
      expect([data[last], data[last + 1], data[last + 2]]).toEqual([255, 0, 0]);
      await screenshot(page, "image");

      // Paste and drop also set the input image.
      const png = (await redBluePng()).toString("base64");
      for (const how of ["paste", "drop"] as const) {
        await page.getByRole("button", { name: "Remove image" }).click();
        await page.locator(".comp-image.input .dropzone").waitFor();
        await page.evaluate(
          ([b64, kind]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], `${kind}.png`, { type: "image/png" }));
            const zone = document.querySelector(".comp-image.input .dropzone")!;
            zone.dispatchEvent(
              kind === "paste"
                ? new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true })
                : new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }),
            );
          },
          [png, how] as const,
        );
        await page.locator(".comp-image.input img").waitFor();
        expect(await page.locator(".comp-image.input img").getAttribute("alt")).toContain(`${how}.png`);
      }
    });
  });

  it("(c) clicking an example fills the inputs (and cached outputs)", async () => {
    const iface = new tr.Interface({
      fn: (name: string, n: number) => `Hello, ${name}${"!".repeat(n)}`,
      inputs: ["text", new tr.Slider({ minimum: 1, maximum: 10, step: 1, value: 1, label: "intensity" })],
      outputs: "text",
      title: "Hello",
      description: "Type a name and get a greeting.",
      examples: [
        ["World", 1],
        ["tradio", 3],
      ],
    });
    await withApp(iface, async (page) => {
      await page.getByRole("button", { name: "Example 2" }).click();
      await expect.poll(() => page.getByLabel("name", { exact: true }).inputValue()).toBe("tradio");
      expect(await page.locator(".comp-slider input[type=range]").inputValue()).toBe("3");
      expect(await page.getByLabel("intensity (number)").inputValue()).toBe("3");
      // Keyboard: focus the first example row and press Enter.
      await page.getByRole("button", { name: "Example 1" }).focus();
      await page.keyboard.press("Enter");
      await expect.poll(() => page.getByLabel("name", { exact: true }).inputValue()).toBe("World");
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("Hello, World!");
      await screenshot(page, "examples");
    });

    const cached = new tr.Interface({
      fn: (s: string) => s.toUpperCase(),
      inputs: "text",
      outputs: "text",
      examples: ["first", "second"],
      cacheExamples: true,
    });
    await withApp(cached, async (page) => {
      await page.locator(".sample", { hasText: "second" }).click();
      await expect.poll(() => page.getByLabel("s", { exact: true }).inputValue()).toBe("second");
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue()).toBe("SECOND");
      await screenshot(page, "examples-cached");
    });
  });

  it("(d) shows a tr.Error's message and stays usable", async () => {
    const iface = new tr.Interface({
      fn: (text: string) => {
        if (text === "bad") throw new tr.Error("Bad input!");
        return text.length;
      },
      inputs: "text",
      outputs: "number",
      title: "Errors",
    });
    await withApp(iface, async (page) => {
      const box = page.getByLabel("text", { exact: true });
      await box.fill("bad");
      await box.press("Enter");
      const alert = page.locator(".comp-number.output .error-box");
      await alert.waitFor({ timeout: 15_000 });
      expect(await alert.innerText()).toContain("Bad input!");
      expect(await alert.innerText()).toContain("Error");
      await screenshot(page, "error");
      await box.fill("four");
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("4");
      expect(await page.locator(".error-box").count()).toBe(0);
    });
  });

  it("(d2) shows an error's words once, however many outputs the job had, and reads them out once", async () => {
    const iface = new tr.Interface({
      fn: (text: string): [number, string, boolean] => {
        if (text === "bad") throw new tr.Error("Bad input!");
        return [text.length, text.toUpperCase(), true];
      },
      inputs: "text",
      outputs: ["number", "text", "checkbox"],
      title: "Errors",
    });
    await withApp(iface, async (page) => {
      const box = page.getByLabel("text", { exact: true });
      await box.fill("bad");
      await box.press("Enter");
      const toast = page.locator(".toast.error");
      await toast.waitFor({ timeout: 15_000 });
      expect(await toast.getAttribute("role")).toBe("alert");
      expect(await toast.innerText()).toContain("Bad input!");
      // The whole message on the first output, not announced again; the other two say only "Error".
      const whole = page.locator(".error-box");
      expect(await whole.count()).toBe(1);
      expect(await page.locator(".comp-number.output .error-box").innerText()).toContain("Bad input!");
      expect(await whole.getAttribute("role")).toBeNull();
      expect(await page.locator(".error-tag").allInnerTexts()).toEqual(["Error", "Error"]);
      expect(await page.getByText("Bad input!").count()).toBe(2);
      expect(await page.getByRole("alert").count()).toBe(1);
      await screenshot(page, "error-three-outputs");
      // Dismissed from the keyboard, the error and the toast leave the focus somewhere useful, not on <body>.
      const focused = () => page.evaluate(() => (document.activeElement === document.body ? "BODY" : document.activeElement!.closest(".block, .toast, main")?.className ?? ""));
      await page.getByRole("button", { name: "Dismiss error" }).focus();
      await page.keyboard.press("Enter");
      await expect.poll(() => whole.count()).toBe(0);
      expect(await focused()).toMatch(/comp-number/);
      await toast.getByRole("button", { name: "Dismiss" }).focus();
      await page.keyboard.press("Enter");
      await expect.poll(() => toast.count()).toBe(0);
      // (to the app's first control, with no other toast left)
      expect(await page.evaluate(() => document.activeElement !== document.body && !!document.activeElement!.closest("main"))).toBe(true);
      await box.fill("four");
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("output 1", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("FOUR");
      expect(await page.locator(".error-box, .error-tag").count()).toBe(0);
    });
  });

  it("(e) applies the author's css (root class .gradio-container) and sets the title", async () => {
    const iface = new tr.Interface({
      fn: (s: string) => s,
      inputs: "text",
      outputs: "text",
      title: "Styled",
      css: ".gradio-container h1 { color: rgb(255, 0, 0) } #big-output textarea, #big-output input { font-size: 22px }",
    });
    await withApp(iface, async (page) => {
      expect(await page.title()).toBe("Styled");
      const color = await page.locator(".gradio-container h1").evaluate((el) => getComputedStyle(el).color);
      expect(color).toBe("rgb(255, 0, 0)");
      await screenshot(page, "css");
    });
  });

  it("(e2) the author's css wins over the page's own rules, even with the page's own selectors", async () => {
    // The page's CSS is all in the cascade layer `tradio` and the author's is not, so an author's rule wins
    // whatever its specificity: Svelte's scoping turns `.btn.primary` into `.btn.primary.svelte-xyz`, which
    // would otherwise beat the same selector written by the author.
    const iface = new tr.Interface({
      fn: (s: string) => s,
      inputs: "text",
      outputs: "text",
      css: ".block { border-color: rgb(0, 128, 0) } .btn.primary { background: rgb(0, 0, 255) } .block-label { color: rgb(255, 0, 255) } .field { padding: 3px }",
    });
    await withApp(iface, async (page) => {
      const input = page.locator(".comp-textbox.input");
      expect(await input.evaluate((el) => getComputedStyle(el).borderTopColor)).toBe("rgb(0, 128, 0)");
      expect(await page.getByRole("button", { name: "Submit" }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(0, 0, 255)");
      expect(await input.locator(".block-label").evaluate((el) => getComputedStyle(el).color)).toBe("rgb(255, 0, 255)");
      expect(await input.locator(".field").evaluate((el) => getComputedStyle(el).paddingTop)).toBe("3px");
      // Every rule of the page's own sheets is inside @layer tradio (a component <style> without it would
      // compete with authors' CSS by specificity again).
      const outside = await page.evaluate(() =>
        Array.from(document.styleSheets)
          .filter((sheet) => !(sheet.ownerNode instanceof HTMLElement && sheet.ownerNode.dataset.source === "app"))
          .flatMap((sheet) => Array.from(sheet.cssRules))
          .filter((rule) => !(rule instanceof CSSLayerBlockRule && rule.name === "tradio"))
          .map((rule) => rule.cssText.slice(0, 80)),
      );
      expect(outside).toEqual([]);
    });
  });

  it("(e3) follows the system's colour scheme unless ?__theme= forces one", async () => {
    const iface = new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text" });
    const background = (page: import("playwright-core").Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await withApp(iface, async (page, url) => {
      expect(await background(page)).toBe("rgb(11, 15, 25)");
      await openApp(page, `${url}?__theme=light`);
      expect(await page.evaluate(() => document.documentElement.className)).toBe("light");
      expect(await background(page)).toBe("rgb(255, 255, 255)");
    }, { dark: true });
    await withApp(iface, async (page, url) => {
      expect(await background(page)).toBe("rgb(255, 255, 255)");
      await openApp(page, `${url}?__theme=dark`);
      expect(await background(page)).toBe("rgb(11, 15, 25)");
      expect(await page.locator(".comp-textbox.input .field").evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(17, 24, 39)");
    });
  });

  it("(f) a label output shows the top class and confidence bars", async () => {
    const iface = new tr.Interface({
      fn: (_text: string) => ({ cat: 0.7, dog: 0.2, bird: 0.06, fish: 0.04 }),
      inputs: "text",
      outputs: new tr.Label({ numTopClasses: 3, label: "Prediction" }),
      title: "Classifier",
    });
    await withApp(iface, async (page) => {
      const box = page.getByLabel("_text", { exact: true });
      await box.fill("a picture");
      await box.press("Enter");
      const top = page.locator(".label-top");
      await top.waitFor({ timeout: 15_000 });
      expect(await top.innerText()).toBe("cat");
      expect(await page.locator(".confidence-name").allInnerTexts()).toEqual(["cat", "dog", "bird"]);
      expect(await page.locator(".confidence-pct").allInnerTexts()).toEqual(["70%", "20%", "6%"]);
      const width = await page.locator(".confidence-bar").first().evaluate((el) => (el as HTMLElement).style.width);
      expect(width).toBe("70%");
      await screenshot(page, "label");
    });
  });
});
