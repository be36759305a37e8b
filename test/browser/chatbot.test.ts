import type { Browser, Page } from "playwright-core";
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

/** The guide's chatbot: the history is session state, one per page load. */
function chatbot() {
  return new tr.Interface({
    fn: (msg: string, history: [string, string][] = []) => {
      history.push([msg, `You said: **${msg}**`]);
      return [history, history];
    },
    inputs: ["text", "state"],
    outputs: ["chatbot", "state"],
    allowFlagging: "never",
    title: "Chatbot",
    description: "The guide's chatbot: the history lives in **session state**.",
  });
}

async function send(page: Page, text: string, how: "enter" | "click"): Promise<void> {
  const box = page.getByLabel("msg", { exact: true });
  await box.fill(text);
  if (how === "enter") await box.press("Enter");
  else await page.getByRole("button", { name: "Submit" }).click();
}

async function userMessages(page: Page): Promise<string[]> {
  return page.locator(".message.user").allInnerTexts().then((l) => l.map((t) => t.replace(/^You:\s*/, "").trim()));
}

async function waitForPairs(page: Page, n: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelectorAll(".message.bot").length === count, n, { timeout: 15_000 });
}

describe("browser: chatbot with session state", () => {
  it("keeps one history per tab, never shared, and a reload starts empty", async () => {
    const app = await startApp(chatbot());
    const { context, page: a } = await newPage(browser);
    try {
      const b = await context.newPage();
      await openApp(a, app.url);
      await openApp(b, app.url);
      expect(await a.title()).toBe("Chatbot");

      await send(a, "How are you?", "enter");
      await waitForPairs(a, 1);
      await send(a, "Where are you?", "click");
      await waitForPairs(a, 2);
      expect(await userMessages(a)).toEqual(["How are you?", "Where are you?"]);
      // Markdown in replies is rendered.
      expect(await a.locator(".message.bot strong").first().innerText()).toBe("How are you?");

      await send(b, "Hello", "enter");
      await waitForPairs(b, 1);
      expect(await userMessages(b)).toEqual(["Hello"]);

      await send(a, "Third", "enter");
      await waitForPairs(a, 3);
      expect(await userMessages(a)).toEqual(["How are you?", "Where are you?", "Third"]);
      await send(b, "Again", "click");
      await waitForPairs(b, 2);
      expect(await userMessages(b)).toEqual(["Hello", "Again"]);
      await a.bringToFront();
      await screenshot(a, "chatbot");

      await a.reload();
      await openApp(a, app.url);
      expect(await a.locator(".message").count()).toBe(0);
      await send(a, "Fresh", "enter");
      await waitForPairs(a, 1);
      expect(await userMessages(a)).toEqual(["Fresh"]);

      // Clear empties the chat and starts a new session: the next message starts a new history.
      await a.getByRole("button", { name: "Clear" }).click();
      expect(await a.locator(".message").count()).toBe(0);
      await send(a, "After clear", "enter");
      await waitForPairs(a, 1);
      expect(await userMessages(a)).toEqual(["After clear"]);
      expect(pageErrors(a)).toEqual([]);
      expect(pageErrors(b)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
