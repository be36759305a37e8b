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

describe("additionalInputs on the page", () => {
  it("shows them in a closed accordion under the inputs; opened, their values reach the function", async () => {
    const app = await startApp(
      new tr.Interface({
        fn: (text: string, times: number | null, prefix: string) => `${prefix}${text.repeat(times ?? 0)}`,
        inputs: new tr.Textbox({ label: "text" }),
        outputs: "text",
        additionalInputs: [new tr.Number({ label: "times", value: 2 }), new tr.Textbox({ label: "prefix", value: ">" })],
        allowFlagging: "never",
      }),
    );
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const accordion = page.locator("details.accordion");
      await expect.poll(() => accordion.count()).toBe(1);
      expect(await accordion.locator("summary").textContent()).toBe("Additional Inputs");
      expect(await accordion.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
      expect(await page.getByLabel("times").isVisible()).toBe(false);
      // Closed, the defaults still reach the function.
      await page.getByLabel("text", { exact: true }).fill("ab");
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe(">abab");
      // Opened by a click on its label, the inputs show and what a person types is used.
      await accordion.locator("summary").click();
      expect(await accordion.evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
      await page.getByLabel("times").fill("3");
      await page.getByLabel("prefix").fill("# ");
      await screenshot(page, "additional-inputs-open");
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("# ababab");
      // The accordion sits between the main input and the buttons.
      const order = await page.evaluate(() => {
        const col = document.querySelector(".column.inputs")!;
        const all = Array.from(col.querySelectorAll("textarea, input, details, button"));
        return all.map((el) => (el.tagName === "DETAILS" ? "accordion" : el.getAttribute("aria-label") ?? el.textContent?.trim() ?? el.tagName));
      });
      expect(order.indexOf("accordion")).toBeGreaterThan(0);
      expect(order.indexOf("accordion")).toBeLessThan(order.indexOf("Submit"));
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("opens on load with { open: true } and shows the given label", async () => {
    const app = await startApp(
      new tr.Interface({
        fn: (a: string, b: string) => a + b,
        inputs: "text",
        outputs: "text",
        additionalInputs: "text",
        additionalInputsAccordion: { label: "Settings", open: true },
      }),
    );
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const accordion = page.locator("details.accordion");
      expect(await accordion.locator("summary").textContent()).toBe("Settings");
      expect(await accordion.evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
      expect(await page.getByLabel("b", { exact: true }).isVisible()).toBe(true);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
