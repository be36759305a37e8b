// The page with empty and required inputs, number choices shown by their labels, and an output-only app's
// "Generate" button.
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

describe("browser: empty inputs, choices and Generate", () => {
  it("sends null for an empty Number, Radio and Image; a required one shows its refusal on the input", async () => {
    const iface = new tr.Interface({
      fn: (n: number | null, size: number | null, img: tr.Pixels | null, must: number) => `${n}|${size}|${img === null ? "no image" : "image"}|${must}`,
      inputs: [
        new tr.Number({ label: "n", value: null }),
        new tr.Radio({ label: "Size", choices: [["Small", 1], ["Large", 3]] }),
        new tr.Image({ label: "Photo" }),
        new tr.Number({ label: "Must", value: null, required: true }),
      ],
      outputs: new tr.Textbox({ label: "Result" }),
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 1280 });
    const errors = pageErrors(page);
    try {
      await openApp(page, app.url);
      // The labels show; the values travel.
      await expect.poll(() => page.getByText("Large", { exact: true }).count()).toBe(1);
      await page.getByRole("button", { name: "Submit" }).click();
      const must = page.locator(".block", { has: page.getByLabel("Must", { exact: true }) });
      await expect.poll(() => must.textContent(), { timeout: 20_000 }).toMatch(/this input is required; enter a number/);
      await page.getByLabel("Must", { exact: true }).fill("7");
      await page.getByText("Large", { exact: true }).click();
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("Result", { exact: true }).inputValue(), { timeout: 20_000 }).toBe("null|3|no image|7");
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it('an output-only interface has a "Generate" button that runs it', async () => {
    const iface = new tr.Interface({ fn: () => "fresh", inputs: [], outputs: new tr.Textbox({ label: "Made" }), allowFlagging: "never" });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      await openApp(page, app.url);
      expect(await page.getByRole("button", { name: "Submit" }).count()).toBe(0);
      await page.getByRole("button", { name: "Generate" }).click();
      await expect.poll(() => page.getByLabel("Made", { exact: true }).inputValue(), { timeout: 20_000 }).toBe("fresh");
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("shows submitBtn's, clearBtn's and stopBtn's texts, and no Clear button with clearBtn: false", async () => {
    // "slow" runs until stopped (it ends when its signal aborts), so the run button shows its stop text meanwhile.
    let aborted = 0;
    const slow = (s: string, ctx: tr.CallContext) =>
      s !== "slow"
        ? s.toUpperCase()
        : new Promise<string>((resolve) => ctx.signal.addEventListener("abort", () => (aborted++, resolve("late"))));
    const named = await startApp(new tr.Interface({ fn: slow, inputs: new tr.Textbox({ label: "Words" }), outputs: new tr.Textbox({ label: "Loud" }), allowFlagging: "never", submitBtn: "Shout", clearBtn: "Start over", stopBtn: "Hush" }));
    const bare = await startApp(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", allowFlagging: "never", clearBtn: false }));
    const { context, page } = await newPage(browser, { width: 1000, height: 500 });
    try {
      await openApp(page, named.url);
      expect(await page.getByRole("button", { name: "Submit" }).count()).toBe(0);
      await page.getByLabel("Words", { exact: true }).fill("hey");
      await page.getByRole("button", { name: "Shout" }).click();
      await expect.poll(() => page.getByLabel("Loud", { exact: true }).inputValue(), { timeout: 20_000 }).toBe("HEY");
      await screenshot(page, "interface-button-texts");
      await page.getByRole("button", { name: "Start over" }).click();
      await expect.poll(() => page.getByLabel("Words", { exact: true }).inputValue()).toBe("");

      // While a run goes on, the run button reads stopBtn's text and stops the run.
      await page.getByLabel("Words", { exact: true }).fill("slow");
      await page.getByRole("button", { name: "Shout" }).click();
      const hush = page.getByRole("button", { name: "Hush" });
      await hush.waitFor({ timeout: 20_000 });
      expect(await page.getByRole("button", { name: "Stop" }).count()).toBe(0);
      await screenshot(page, "interface-stop-text");
      await hush.click();
      await expect.poll(() => aborted, { timeout: 10_000 }).toBe(1);
      await page.getByRole("button", { name: "Shout" }).waitFor({ timeout: 10_000 });

      await openApp(page, bare.url);
      expect(await page.getByRole("button", { name: "Submit" }).count()).toBe(1);
      expect(await page.getByRole("button", { name: "Clear" }).count()).toBe(0);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await named.close();
      await bare.close();
    }
  });
});
