import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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

describe("browser: flag buttons", () => {
  it("renders the flag buttons in the output column and flags with the clicked option", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tradio-flag-"));
    const iface = new tr.Interface({
      fn: (s: string) => s.toUpperCase(),
      inputs: "text",
      outputs: "text",
      title: "Flagging",
      allowFlagging: "manual",
      flaggingOptions: ["good", "bad"],
      flaggingDir: dir,
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      // The output stays read-only although the flag event reads it.
      expect(await page.getByLabel("output", { exact: true }).getAttribute("readonly")).not.toBeNull();
      await page.getByLabel("s", { exact: true }).fill("nice");
      await page.getByLabel("s", { exact: true }).press("Enter");
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("NICE");
      await page.getByRole("button", { name: "Flag as bad" }).click();
      const log = path.join(dir, "log.csv");
      await expect.poll(() => { try { return readFileSync(log, "utf8"); } catch { return ""; } }, { timeout: 10_000 }).toMatch(/nice.*NICE.*bad/s);
      await screenshot(page, "flagging");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
