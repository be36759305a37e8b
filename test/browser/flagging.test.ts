import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import sharp from "sharp";
import { parse } from "csv-parse/sync";
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

  it("the flagging demo: Flag as incorrect saves the image, the label and the option", async () => {
    const demo = (await import("../../demo/flagging/app.js")).default;
    const dir = demo.options.flaggingDir as string;
    const log = path.join(dir, "log.csv");
    const rowsBefore = existsSync(log) ? (parse(readFileSync(log), { bom: true }) as string[][]).length : 0;
    const app = await startApp(demo);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const red = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 225, g: 35, b: 40 } } }).png().toBuffer();
      await page.setInputFiles(".comp-image.input input[type=file]", { name: "red.png", mimeType: "image/png", buffer: red });
      await page.locator(".comp-image.input img").waitFor();
      await page.getByRole("button", { name: "Submit" }).click();
      await page.getByText("red", { exact: true }).first().waitFor({ timeout: 15_000 });
      for (const option of ["incorrect", "ambiguous", "offensive", "other"]) {
        expect(await page.getByRole("button", { name: `Flag as ${option}` }).count()).toBe(1);
      }
      await page.getByRole("button", { name: "Flag as incorrect" }).click();
      await expect
        .poll(() => (existsSync(log) ? (parse(readFileSync(log), { bom: true }) as string[][]).length : 0), { timeout: 10_000 })
        .toBe(Math.max(rowsBefore, 1) + 1);
      const rows = parse(readFileSync(log), { bom: true }) as string[][];
      expect(rows[0]).toEqual(["image", "colour", "flag", "username", "timestamp"]);
      const [image, colour, flag] = rows[rows.length - 1];
      expect(flag).toBe("incorrect");
      // The cells name files the logger wrote inside the flagging folder: the uploaded image (as sent) and the label as JSON.
      const saved = await sharp(path.join(dir, image)).raw().toBuffer({ resolveWithObject: true });
      expect([saved.info.width, saved.info.height]).toEqual([32, 32]);
      expect([...saved.data.subarray(0, 3)]).toEqual([225, 35, 40]);
      expect(JSON.parse(readFileSync(path.join(dir, colour), "utf8")).label).toBe("red");
      await screenshot(page, "flagging-demo");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});

