// A generator's values must reach the eye as they come: the page is watched while the job streams (every
// frame and every DOM change), and each output must go through many growing states in order, not jump from
// its first value to its last.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshots, startApp, watchTexts } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STEPS = 24;

/** The words w1…wn in a text, as numbers: how far a streamed value has grown. */
function words(text: string): number[] {
  return [...text.matchAll(/w(\d+)/g)].map((m) => Number(m[1]));
}

/** Asserts that the texts seen grew through many states, each the one before plus more words, ending with all of them. */
function expectGrowth(name: string, seen: string[], minStates: number): void {
  // Texts that differ in something else than the words (a timer) are one state.
  const states = seen
    .map(words)
    .filter((w) => w.length > 0)
    .filter((w, i, all) => i === 0 || w.join() !== all[i - 1].join());
  const sizes = states.map((w) => w.length);
  expect(sizes.length, `${name}: distinct states seen ${JSON.stringify(sizes)}`).toBeGreaterThanOrEqual(minStates);
  for (let i = 1; i < states.length; i++) {
    expect(sizes[i], `${name}: state ${i} does not grow (${JSON.stringify(sizes)})`).toBeGreaterThan(sizes[i - 1]);
    expect(states[i].slice(0, states[i - 1].length), `${name}: state ${i} is not the one before plus more`).toEqual(states[i - 1]);
  }
  expect(states[states.length - 1]).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
}

describe("browser: streaming", () => {
  it("every kind of output grows word by word while a generator streams (textbox, chatbot, markdown, json, label, highlighted text, html, dataframe)", async () => {
    const iface = new tr.Interface({
      fn: async function* (prompt: string) {
        const list: string[] = [];
        for (let i = 1; i <= STEPS; i++) {
          await sleep(90);
          list.push(`w${i}`);
          const text = list.join(" ");
          yield [
            text,
            [[prompt, text]] as [string, string][],
            `**${prompt}**: ${text}`,
            { prompt, words: [...list] },
            { [`w${i}`]: 0.9, [`w${Math.max(1, i - 1)}x`]: 0.1 },
            list.map((w) => [w + " ", "word"] as [string, string]),
            `<p>${text}</p>`,
            list.map((w, j) => [j + 1, w]),
          ];
        }
      },
      inputs: "text",
      outputs: [
        "text",
        "chatbot",
        "markdown",
        "json",
        "label",
        "highlightedtext",
        "html",
        new tr.Dataframe({ headers: ["n", "word"] }),
      ],
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      await openApp(page, app.url);
      await page.getByLabel("prompt", { exact: true }).fill("go");
      const watch = await watchTexts(page, {
        textbox: ".comp-textbox.output .field",
        chatbot: ".comp-chatbot .message.bot",
        markdown: ".comp-markdown.output .prose",
        json: ".comp-json .json",
        // The label's headline is the newest word (its confidence is the highest).
        label: ".comp-label .label-top",
        highlight: ".comp-highlightedtext .highlighted",
        html: ".comp-html.output .isolated > div",
        dataframe: ".comp-dataframe table",
      });
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("output 0", { exact: true }).inputValue(), { timeout: 20_000 }).toContain(`w${STEPS}`);
      await expect.poll(() => page.locator(".status-overlay").count(), { timeout: 10_000 }).toBe(0);
      const seen = await watch.stop();
      // ~24 updates over ~2 s, at most 20 a second from the server: many intermediate states must show.
      for (const key of ["textbox", "chatbot", "markdown", "json", "highlight", "html", "dataframe"]) expectGrowth(key, seen[key], 8);
      const headlines = seen.label.map(words).filter((w) => w.length === 1).map((w) => w[0]);
      expect(headlines.length, `label headlines ${JSON.stringify(headlines)}`).toBeGreaterThanOrEqual(8);
      for (let i = 1; i < headlines.length; i++) expect(headlines[i]).toBeGreaterThan(headlines[i - 1]);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("the streaming demo: the chat reply grows word by word, in the light and the dark theme", async () => {
    const demo = (await import("../../demo/streaming/app.js")).default;
    const app = await startApp(demo);
    try {
      for (const dark of [false, true]) {
        const { context, page } = await newPage(browser, { width: 1280, dark });
        try {
          await openApp(page, app.url);
          const box = page.getByLabel("prompt", { exact: true });
          await box.fill("How does streaming look?");
          const watch = await watchTexts(page, { reply: ".message.bot" });
          await box.press("Enter");
          // Half-way through the answer, the reply has some words and not all of them.
          await expect.poll(async () => (await page.locator(".message.bot").innerText().catch(() => "")).split(/\s+/).length, { timeout: 15_000 }).toBeGreaterThan(8);
          const partial = await page.locator(".message.bot").innerText();
          expect(partial).not.toContain("would send it.");
          await expect.poll(() => page.locator(".message.bot").innerText(), { timeout: 15_000 }).toContain("would send it.");
          const seen = (await watch.stop()).reply.filter((t) => t.trim() !== "");
          const counts = seen.map((t) => t.split(/\s+/).filter(Boolean).length);
          // The answer is 21 words after the quoted prompt, one every 80 ms: most of them show one by one.
          expect(counts.length, `reply states ${JSON.stringify(counts)}`).toBeGreaterThanOrEqual(12);
          for (let i = 1; i < seen.length; i++) {
            expect(counts[i]).toBeGreaterThan(counts[i - 1]);
            expect(seen[i].startsWith(seen[i - 1].trimEnd())).toBe(true);
          }
          expect(pageErrors(page)).toEqual([]);
        } finally {
          await context.close();
        }
      }
    } finally {
      await app.close();
    }
  });

  it("screenshots half-way through a stream (desktop and phone, light and dark)", async () => {
    const iface = new tr.Interface({
      fn: async function* (prompt: string, history: [string, string][] = []) {
        let text = "";
        for (let i = 1; i <= 40; i++) {
          await sleep(250);
          text += `w${i} `;
          yield [[...history, [prompt, text]] as [string, string][], text, history];
        }
      },
      inputs: ["text", "state"],
      outputs: ["chatbot", "text", "state"],
      title: "Streaming",
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      await openApp(page, app.url);
      await page.getByLabel("prompt", { exact: true }).fill("Stream, please");
      await page.getByLabel("prompt", { exact: true }).press("Enter");
      await expect.poll(() => page.locator(".message.bot").innerText().catch(() => ""), { timeout: 15_000 }).toContain("w4 ");
      await screenshots(page, "streaming-partial");
      // Still streaming after the screenshots: they show a reply that is growing.
      expect(await page.locator(".status-overlay.streaming").count()).toBeGreaterThan(0);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
