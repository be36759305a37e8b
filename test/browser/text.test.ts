// Text as a person meets it: long outputs, the chat's message box, Enter in a Number, results that land
// below the fold on a phone, errors that say where to look (on the output and as a toast), the login card
// and the gallery's index.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { galleryIndex } from "../../demo/gallery-index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshots, startApp, watchTexts } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LONG = Array.from({ length: 60 }, (_, i) => `word${i + 1}`).join(" ");

/** How much of a text field's text is out of sight (0: all of it shows). */
function hidden(page: Page, label: string): Promise<number> {
  return page.getByLabel(label, { exact: true }).evaluate((el: HTMLTextAreaElement | HTMLInputElement) => el.scrollHeight - el.clientHeight + Math.max(0, el.scrollWidth - el.clientWidth));
}

describe("browser: text", () => {
  it("a long output grows to show all of its text (a one-line input stays one line), at desktop and phone width", async () => {
    const iface = new tr.Interface({
      fn: (s: string) => `${s}: ${LONG}`,
      inputs: new tr.Textbox({ label: "s" }),
      outputs: "text",
      title: "Long answer",
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      await openApp(page, app.url);
      expect(await page.getByLabel("s", { exact: true }).evaluate((el) => el.tagName)).toBe("INPUT");
      const out = page.getByLabel("output", { exact: true });
      const empty = (await out.boundingBox())!.height;
      await page.getByLabel("s", { exact: true }).fill("answer");
      await page.getByLabel("s", { exact: true }).press("Enter");
      await expect.poll(() => out.inputValue(), { timeout: 15_000 }).toContain("word60");
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 800 });
        await expect.poll(() => hidden(page, "output"), { message: `at ${width}px` }).toBeLessThanOrEqual(1);
        expect((await out.boundingBox())!.height).toBeGreaterThan(empty * 1.5);
      }
      await page.setViewportSize({ width: 1280, height: 800 });
      await screenshots(page, "text-long-output", { fullPage: false });
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("the chat's message box empties when a message is sent, and gets it back when it fails", async () => {
    const iface = new tr.Interface({
      fn: async (message: string, history: [string, string][] = []) => {
        await sleep(400);
        if (message === "fail") throw new tr.Error("That message could not be answered.");
        history.push([message, `You said ${message}`]);
        return [history, history];
      },
      inputs: ["text", "state"],
      outputs: ["chatbot", "state"],
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      await openApp(page, app.url);
      const box = page.getByLabel("message", { exact: true });
      const watch = await watchTexts(page, { box: ".comp-textbox.input .field", bot: ".message.bot" });
      await box.fill("Hello there");
      await box.press("Enter");
      await page.locator(".message.bot").waitFor({ timeout: 15_000 });
      const seen = await watch.stop();
      // Emptied as it was sent, before the answer came.
      expect(seen.box).toEqual(["", "Hello there", ""]);
      expect(await box.inputValue()).toBe("");
      await box.fill("fail");
      await box.press("Enter");
      await page.locator(".comp-chatbot .error-box").waitFor({ timeout: 15_000 });
      expect(await box.inputValue()).toBe("fail");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("Enter in a Number box submits", async () => {
    const iface = new tr.Interface({ fn: (n: number | null) => n! * 2, inputs: new tr.Number({ label: "n" }), outputs: "number", allowFlagging: "never" });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      await page.getByLabel("n", { exact: true }).fill("21");
      await page.getByLabel("n", { exact: true }).press("Enter");
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("42");
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("on a phone, the result and an error come into view when a run ends, unless the person has scrolled", async () => {
    const iface = new tr.Interface({
      fn: async (a: string, _b: string, _c: string, _d: string) => {
        await sleep(800);
        if (a === "boom") throw new Error("secret detail that stays on the server");
        return `Result for ${a}`;
      },
      inputs: [new tr.Textbox({ label: "a", lines: 4 }), new tr.Textbox({ label: "b", lines: 4 }), new tr.Textbox({ label: "c", lines: 4 }), new tr.Textbox({ label: "d", lines: 4 })],
      outputs: "text",
      title: "Below the fold",
      description: "Four inputs, so that on a phone the output is far below the Submit button.",
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 390, height: 844 });
    // Scrolls just until Submit shows at the bottom of the screen, as a person does, and clicks it.
    const submit = async () => {
      await page.evaluate(() => {
        const button = Array.from(document.querySelectorAll("button")).find((b) => b.textContent?.trim() === "Submit")!;
        window.scrollBy(0, button.getBoundingClientRect().bottom - innerHeight + 16);
      });
      await page.getByRole("button", { name: "Submit" }).click();
    };
    const inView = () =>
      page.locator(".comp-textbox.output").evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight;
      });
    try {
      await openApp(page, app.url);
      await page.getByLabel("a", { exact: true }).fill("first");
      await submit();
      expect(await inView()).toBe(false);
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("Result for first");
      await expect.poll(inView, { timeout: 5_000 }).toBe(true);
      await screenshots(page, "text-result-in-view", { fullPage: false, focus: ".comp-textbox.output" });

      // An exception (no showError): the output says the app failed and where the details are, in view,
      // and a toast says it too.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.getByLabel("a", { exact: true }).fill("boom");
      await submit();
      const error = page.locator(".comp-textbox.output .error-box");
      await error.waitFor({ timeout: 15_000 });
      expect(await error.innerText()).toContain("An error occurred in the app. Its log on the server has the details.");
      expect(await error.innerText()).not.toContain("secret");
      expect(await page.locator(".toast.error").innerText()).toContain("Its log on the server has the details.");
      await expect
        .poll(() => error.evaluate((el) => el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().bottom <= innerHeight), { timeout: 5_000 })
        .toBe(true);
      await screenshots(page, "text-error-in-view", { fullPage: false, focus: ".comp-textbox.output .error-box" });

      // The person scrolls during the run: the page stays where they put it.
      await page.getByRole("button", { name: "Dismiss error" }).first().click();
      await page.getByLabel("a", { exact: true }).fill("second");
      await submit();
      await page.mouse.wheel(0, -2000);
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("Result for second");
      await sleep(500);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("the gallery's index renders its descriptions' Markdown (emphasis, code, lists) and shows HTML as text", async () => {
    const chatbot = (await import("../../demo/chatbot/app.js")).default;
    const streaming = (await import("../../demo/streaming/app.js")).default;
    const html = galleryIndex([
      { name: "chatbot", title: chatbot.graph.meta.title ?? "chatbot", description: chatbot.graph.meta.description ?? "" },
      { name: "streaming", title: streaming.graph.meta.title ?? "streaming", description: streaming.graph.meta.description ?? "" },
      { name: "tricky", title: "Tricky <b>title</b>", description: 'A [link](javascript:alert(1)) and <img src=x onerror="window.__xss=1"> then:\n\n- **one**\n- `two`' },
    ], [{ name: "parallel", why: "it needs the <network>" }]);
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      await page.setContent(html);
      const cards = page.locator("a");
      expect(await cards.count()).toBe(3);
      // "Ask *How*, *How many* or *Where* questions…"
      expect(await cards.nth(0).locator("em").allInnerTexts()).toEqual(["How", "How many", "Where"]);
      expect(await cards.nth(1).locator("code").innerText()).toBe("yield");
      expect(await cards.nth(1).innerText()).not.toContain("`");
      const tricky = cards.nth(2);
      expect(await tricky.locator("h2").innerText()).toBe("Tricky <b>title</b>");
      expect(await tricky.locator("li strong").innerText()).toBe("one");
      expect(await tricky.locator("li code").innerText()).toBe("two");
      expect(await tricky.innerText()).toContain('<img src=x onerror="window.__xss=1">');
      expect(await page.locator("img, a a, [onerror]").count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      // `?__theme=dark` darkens it in a light browser, as on a demo's page; no request for a favicon.
      const asked: string[] = [];
      await page.route("http://gallery.test/**", (route) => (asked.push(new URL(route.request().url()).pathname), route.fulfill({ contentType: "text/html", body: html })));
      await page.goto("http://gallery.test/?__theme=dark");
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(11, 15, 25)");
      await page.goto("http://gallery.test/");
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(255, 255, 255)");
      expect(asked).toEqual(["/", "/"]);
      // The demos it could not load are named, with why.
      expect(await page.locator(".skipped").innerText()).toBe("Not shown here: parallel (it needs the <network>).");
      await screenshots(page, "gallery-index");
    } finally {
      await context.close();
    }
  });
});
