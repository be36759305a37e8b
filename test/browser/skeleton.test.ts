import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, startApp } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Boxes (x, y, width, height) of the fields' panels and the buttons: the skeleton's, or the app's. */
const BOXES = `(() => {
  const skeleton = !!document.querySelector(".tr-skeleton");
  const box = (e) => { const b = e.getBoundingClientRect(); return [b.x, b.y, b.width, b.height].map(Math.round).join(","); };
  const all = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.offsetParent).map(box);
  return skeleton ? { blocks: all(".sk-block"), buttons: all(".sk-btn") } : { blocks: all(".block:is(.input, .output):not(.title, .description, .article)"), buttons: all("main button.btn") };
})()`;

describe("browser: the skeleton", () => {
  it("puts each field and button where the app then draws it (no jump when the app replaces it)", async () => {
    const chat = (m: string, h: [string, string][] = []) => [[...h, [m, "**Good**"]], [...h, [m, "**Good**"]]];
    const apps = [
      new tr.Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"], title: "Chat", description: "A *chat* demo" }),
      new tr.Interface({
        fn: (name: string, n: number, ok: boolean) => `${name} ${n} ${ok}`,
        inputs: ["text", "slider", "checkbox"],
        outputs: "text",
        title: "Hello",
        description: "Say hello to someone you know well",
        allowFlagging: "never",
      }),
    ];
    for (const iface of apps) {
      const app = await startApp(iface);
      try {
        for (const width of [1280, 400]) {
          const boxes = async (js: boolean) => {
            const { context, page } = await newPage(browser, { width, javaScript: js });
            try {
              if (js) await openApp(page, app.url);
              else await page.goto(app.url);
              return (await page.evaluate(BOXES)) as { blocks: string[]; buttons: string[] };
            } finally {
              await context.close();
            }
          };
          const skeleton = await boxes(false);
          const drawn = await boxes(true);
          expect(skeleton.blocks.length).toBeGreaterThan(0);
          expect(skeleton).toEqual(drawn);
        }
      } finally {
        await app.close();
      }
    }
  });

  it("is drawn at once on a slow connection, before any script has arrived; a chat's Markdown follows the page", async () => {
    const app = await startApp(
      new tr.Interface({ fn: (m: string, h: [string, string][] = []) => [[...h, [m, "**Good**"]], [...h, [m, "**Good**"]]], inputs: ["text", "state"], outputs: ["chatbot", "state"], title: "Chat" }),
    );
    const { context, page } = await newPage(browser, { width: 1000 });
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 1000, downloadThroughput: 100_000, uploadThroughput: 50_000 });
      await page.goto(app.url, { waitUntil: "commit" });
      // The skeleton shows before the page's own script has arrived (a second later): the layout's outline, no app yet.
      const seen = await page.waitForFunction(() => {
        const button = document.querySelector<HTMLElement>(".tr-skeleton .sk-btn.sk-primary");
        return button && button.offsetParent !== null && { app: document.querySelector("main.app") !== null };
      });
      expect(await seen.jsonValue()).toEqual({ app: false });
      await screenshot(page, "skeleton-slow");
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await page.getByRole("button", { name: "Submit", exact: true }).waitFor();
      await page.getByRole("textbox").first().fill("How are you?");
      await page.getByRole("button", { name: "Submit", exact: true }).click();
      // The reply's Markdown is rendered (marked and DOMPurify were loaded after the page was drawn).
      await expect.poll(() => page.locator(".message.bot strong").textContent(), { timeout: 20_000 }).toBe("Good");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
