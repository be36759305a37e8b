import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, startApp, toneWav } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});


function kitchenSink() {
  return new tr.Interface({
    fn: (
      text: string,
      n: number | null,
      level: number,
      flag: boolean,
      toppings: string[],
      size: string | null,
      colours: string[],
      table: (string | number | boolean | null)[][],
      sound: tr.DecodedAudio | null,
      doc: string | null,
    ) => {
      const summary = {
        text,
        n,
        level,
        flag,
        toppings,
        size,
        colours,
        rows: table.length,
        audio: sound ? { sampleRate: sound.sampleRate, seconds: Math.round(sound.data.length / sound.sampleRate) } : null,
        file: doc ? doc.split("/").pop() : null,
      };
      const words = text.split(/(\s+)/).map((w): [string, string | null] => [w, /^[A-Z]/.test(w) ? "NAME" : w.length > 5 ? "LONG" : null]);
      return [summary, words, table.map((r) => [...r, "✓"]), `## ${size} pizza\n\nWith *${toppings.join(", ") || "nothing"}*.`, `<b>${(n ?? 0) * level}</b> points<img src="x" onerror="window.__xss = 2">`];
    },
    inputs: [
      new tr.Textbox({ label: "Text", lines: 3, placeholder: "Write something" }),
      new tr.Number({ label: "Count", value: 2 }),
      new tr.Slider({ label: "Level", minimum: 0, maximum: 10, step: 1, value: 4 }),
      new tr.Checkbox({ label: "Extra cheese", value: true }),
      new tr.CheckboxGroup({ label: "Toppings", choices: ["ham", "olives", "mushrooms", "pineapple"], value: ["ham"] }),
      new tr.Radio({ label: "Size", choices: ["small", "medium", "large"], value: "medium" }),
      new tr.Dropdown({ label: "Colours", choices: ["red", "green", "blue"], multiselect: true, value: ["red"] }),
      new tr.Dataframe({ label: "Table", headers: ["name", "age"], datatype: ["str", "number"], value: [["Ann", 31], ["Bo", 4]] }),
      new tr.Audio({ label: "Sound" }),
      new tr.File({ label: "Document" }),
    ],
    outputs: [
      new tr.JSON({ label: "Summary" }),
      new tr.HighlightedText({ label: "Entities", showLegend: true }),
      new tr.Dataframe({ label: "Result table" }),
      new tr.Markdown({ label: "Order" }),
      new tr.HTML({ label: "Score" }),
    ],
    title: "Kitchen sink",
    description: 'Every input the page knows, and a few outputs.<img src="x" onerror="window.__xss = 1">',
    article: "Made with [tradio](https://example.com).",
  });
}

async function fillSink(page: Page): Promise<void> {
  await page.getByLabel("Text", { exact: true }).fill("Alice likes wonderful pizza");
  await page.getByLabel("Count", { exact: true }).fill("3");
  await page.locator(".comp-slider input[type=range]").fill("7");
  await page.getByLabel("olives").check();
  await page.getByLabel("large").check();
  await page.getByLabel("Colours", { exact: true }).selectOption("blue");
  await page.getByLabel("Row 2, age").fill("5");
  await page.getByLabel("Row 2, age").press("Tab");
  await page.getByRole("button", { name: "Add row" }).click();
  await page.setInputFiles(".comp-audio.input input[type=file]", { name: "tone.wav", mimeType: "audio/wav", buffer: toneWav });
  await page.setInputFiles(".comp-file.input input[type=file]", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
}

describe("browser: every component", () => {
  it("round-trips the inputs and renders the outputs (light, dark, phone)", async () => {
    const app = await startApp(kitchenSink());
    const { context, page } = await newPage(browser, { height: 900 });
    try {
      await openApp(page, app.url);
      await fillSink(page);
      await page.locator(".comp-audio.input audio").waitFor();
      await page.getByRole("button", { name: "Submit" }).click();
      await page.locator(".comp-highlightedtext mark").first().waitFor({ timeout: 15_000 });
      const json = await page.locator(".comp-json").innerText();
      for (const part of ['"Alice likes wonderful pizza"', "3", '"olives"', '"large"', '"blue"', "8000", '"notes.txt"']) expect(json).toContain(part);
      expect(await page.locator(".comp-json .json-key", { hasText: "rows" }).locator("..").innerText()).toContain("3");
      // The disclosure triangles sit inside their summaries: outside, the root's fell left of the scrolling box and was cut in half.
      expect(await page.locator(".comp-json summary").first().evaluate((e) => getComputedStyle(e).listStylePosition)).toBe("inside");
      expect(await page.locator(".legend-item").allInnerTexts()).toEqual(["NAME", "LONG"]);
      expect(await page.locator(".comp-markdown h2").innerText()).toBe("large pizza");
      expect(await page.locator(".comp-html b").innerText()).toBe("21");
      expect(await page.locator(".comp-dataframe.output tbody tr").count()).toBe(3);
      // Markdown and HTML are sanitised; Markdown links open in a new tab without an opener.
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator("[onerror]").count()).toBe(0);
      const link = page.locator(".article a");
      expect(await link.getAttribute("target")).toBe("_blank");
      expect(await link.getAttribute("rel")).toContain("noopener");
      await screenshot(page, "components-light");

      await page.goto(`${app.url}?__theme=dark`);
      await openApp(page, `${app.url}?__theme=dark`);
      expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe("rgb(11, 15, 25)");
      await fillSink(page);
      await page.getByRole("button", { name: "Submit" }).click();
      await page.locator(".comp-highlightedtext mark").first().waitFor({ timeout: 15_000 });
      await screenshot(page, "components-dark");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
    }
    const phone = await newPage(browser, { width: 375, height: 800 });
    try {
      await openApp(phone.page, app.url);
      // Columns stack: the output column sits below the input column.
      const [inBox, outBox] = await Promise.all([phone.page.locator(".column.inputs").boundingBox(), phone.page.locator(".column.outputs").boundingBox()]);
      expect(outBox!.y).toBeGreaterThan(inBox!.y + inBox!.height - 1);
      expect(inBox!.width).toBeLessThanOrEqual(375);
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(phone.page, "components-phone");
    } finally {
      await phone.context.close();
      await app.close();
    }
  });

  it("shows queue position, elapsed time and progress while a job runs", async () => {
    const iface = new tr.Interface({
      fn: async (s: string, ctx: tr.CallContext) => {
        ctx.progress(0.4, "Thinking");
        await new Promise((r) => setTimeout(r, 2500));
        return s.toUpperCase();
      },
      inputs: "text",
      outputs: "text",
      title: "Slow",
    });
    const app = await startApp(iface);
    const { context, page: a } = await newPage(browser);
    try {
      const b = await context.newPage();
      await openApp(a, app.url);
      await openApp(b, app.url);
      await a.bringToFront();
      await a.getByLabel("s", { exact: true }).fill("first");
      await a.getByLabel("s", { exact: true }).press("Enter");
      await a.locator(".progress-bar").waitFor({ timeout: 10_000 });
      expect(await a.locator(".progress-text").innerText()).toBe("Thinking");
      expect(await a.locator(".status-time").innerText()).toMatch(/^(waited \d+\.\ds \| )?(\d+\.\ds|\d+\.\d\/\d+\.\ds)$/);
      await screenshot(a, "status-running");
      await b.bringToFront();
      await b.getByLabel("s", { exact: true }).fill("second");
      await b.getByLabel("s", { exact: true }).press("Enter");
      await b.waitForFunction(() => /^queue: \d+\/\d+ \| \d+\.\ds( \| result in ~\d+s)?$/.test(document.querySelector(".status-time")?.textContent ?? ""), null, { timeout: 10_000 });
      await screenshot(b, "status-queued");
      await expect.poll(() => b.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("SECOND");
      expect(await a.getByLabel("output", { exact: true }).inputValue()).toBe("FIRST");
      expect(await b.locator(".status-overlay").count()).toBe(0);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("shows a generator's values as they stream in", async () => {
    const iface = new tr.Interface({
      fn: async function* (s: string) {
        for (let i = 1; i <= 3; i++) {
          yield s.repeat(i);
          await new Promise((r) => setTimeout(r, 700));
        }
      },
      inputs: "text",
      outputs: "text",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      await page.getByLabel("s", { exact: true }).fill("ab");
      await page.getByLabel("s", { exact: true }).press("Enter");
      const out = page.getByLabel("output", { exact: true });
      await expect.poll(() => out.inputValue(), { timeout: 10_000 }).toBe("abab");
      // While it streams, the value shows through: only the timer sits on top.
      expect(await page.locator(".status-overlay.streaming").count()).toBe(1);
      await screenshot(page, "streaming");
      await expect.poll(() => out.inputValue(), { timeout: 10_000 }).toBe("ababab");
      await expect.poll(() => page.locator(".status-overlay").count(), { timeout: 10_000 }).toBe(0);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("runs live apps on change without a Submit button", async () => {
    let calls = 0;
    const iface = new tr.Interface({
      fn: (s: string) => {
        calls++;
        return s.split("").reverse().join("");
      },
      inputs: "text",
      outputs: "text",
      live: true,
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      expect(await page.getByRole("button", { name: "Submit" }).count()).toBe(0);
      await page.getByLabel("s", { exact: true }).pressSequentially("stressed", { delay: 20 });
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 10_000 }).toBe("desserts");
      // Debounced: far fewer runs than keystrokes.
      expect(calls).toBeLessThan(4);
    } finally {
      await context.close();
      await app.close();
    }
  });
  it("puts a slider's handle at its value when the step is a fraction", async () => {
    const iface = new tr.Interface({
      fn: (x: number) => x * 2,
      inputs: new tr.Slider({ label: "Noise", minimum: 0, maximum: 2, step: 0.1, value: 0.4 }),
      outputs: new tr.Number({ label: "Scaled" }),
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const range = page.locator(".comp-slider input[type=range]");
      // A range input given its value before its step rounds 0.4 to the default step of 1: the handle sat at 0.
      expect(await range.inputValue()).toBe("0.4");
      const box = page.getByLabel("Noise (number)", { exact: true });
      expect(await box.inputValue()).toBe("0.4");
      await box.fill("1.3");
      await box.press("Tab");
      await expect.poll(() => range.inputValue()).toBe("1.3");
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("Scaled", { exact: true }).inputValue(), { timeout: 10_000 }).toBe("2.6");
    } finally {
      await context.close();
      await app.close();
    }
  });
});
