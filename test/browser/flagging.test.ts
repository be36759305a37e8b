import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import sharp from "sharp";
import { parse } from "csv-parse/sync";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, screenshots, startApp, watchTexts } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("browser: flag buttons", () => {
  it("says Saving… then Saved on the clicked button, refuses an empty form on the page, and lays out long labels without overlap", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tradio-flag-"));
    const rows: string[] = [];
    // A log that takes a moment, as a remote one does: the button says it is saving meanwhile.
    const callback: tr.FlaggingCallback = {
      setup: () => {},
      flag: async (values, option) => {
        await new Promise((r) => setTimeout(r, 700));
        rows.push(`${values.join("|")}|${option}`);
        return rows.length;
      },
    };
    const options = ["incorrect classification of the sentence", "ambiguous or unclear input", "offensive or unsafe content", "something else entirely"];
    const iface = new tr.Interface({
      fn: (s: string) => s.toUpperCase(),
      inputs: new tr.Textbox({ label: "s" }),
      outputs: "text",
      title: "Flag feedback",
      flaggingOptions: options,
      flaggingDir: dir,
      flaggingCallback: callback,
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 1280, height: 800 });
    try {
      await openApp(page, app.url);
      const buttons = page.locator(".row.output-buttons .btn");
      expect(await buttons.count()).toBe(4);
      // Long labels wrap inside their buttons, which never overlap, at desktop and phone width.
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 800 });
        const boxes = await buttons.evaluateAll((els) =>
          els.map((el) => {
            const r = el.getBoundingClientRect();
            return { x: r.x, y: r.y, right: r.right, bottom: r.bottom, overflow: el.scrollWidth > el.clientWidth + 1 };
          }),
        );
        for (const [i, b] of boxes.entries()) {
          expect(b.overflow, `button ${i} at ${width}px: its label overflows`).toBe(false);
          for (const c of boxes.slice(i + 1)) {
            const apart = b.right <= c.x + 0.5 || c.right <= b.x + 0.5 || b.bottom <= c.y + 0.5 || c.bottom <= b.y + 0.5;
            expect(apart, `buttons overlap at ${width}px: ${JSON.stringify([b, c])}`).toBe(true);
            // Buttons side by side are as tall as one another, however their labels wrap.
            if (Math.abs(b.y - c.y) < 1) expect(Math.abs(b.bottom - c.bottom), `buttons of one line differ in height at ${width}px: ${JSON.stringify([b, c])}`).toBeLessThan(1);
          }
        }
      }
      await page.setViewportSize({ width: 1280, height: 800 });

      // An empty form is refused on the page, under the button that was clicked, and nothing is sent.
      const first = page.getByRole("button", { name: `Flag as ${options[0]}` });
      await first.click();
      const heightOf = async (n: number) => (await buttons.nth(n).boundingBox())!.height;
      const before = [await heightOf(0), await heightOf(1)];
      const note = page.locator(".flag-note").first();
      await expect.poll(() => note.innerText()).toMatch(/Nothing to flag yet/);
      expect(await note.getAttribute("aria-live")).toBe("polite");
      // The note goes under its button, which keeps its height, as does its neighbour.
      expect([await heightOf(0), await heightOf(1)]).toEqual(before);
      expect(await page.locator(".flag-note").nth(1).innerText()).toBe("");
      await screenshots(page, "flag-refused", { fullPage: false });
      await new Promise((r) => setTimeout(r, 300));
      expect(rows).toEqual([]);

      await page.getByLabel("s", { exact: true }).fill("nice");
      await page.getByLabel("s", { exact: true }).press("Enter");
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("NICE");
      // With something to flag, a click shows Saving…, then Saved, on that button only.
      const second = page.locator(".row.output-buttons .btn").nth(1);
      const watch = await watchTexts(page, { button: ".row.output-buttons .flag-button:nth-child(2) .btn", note: ".row.output-buttons .flag-button:nth-child(2) .flag-note", other: ".row.output-buttons .flag-button:nth-child(3) .btn" });
      await second.click();
      await expect.poll(() => second.innerText()).toBe("Saving…");
      await screenshots(page, "flag-saving", { fullPage: false });
      await expect.poll(() => second.innerText(), { timeout: 5_000 }).toBe("Saved ✓");
      await screenshots(page, "flag-saved", { fullPage: false });
      expect(rows).toEqual(["nice|NICE|ambiguous or unclear input"]);
      // After a few seconds the button is itself again.
      await expect.poll(() => second.innerText(), { timeout: 8_000 }).toBe(`Flag as ${options[1]}`);
      const seen = await watch.stop();
      expect(seen.button).toEqual([`Flag as ${options[1]}`, "Saving…", "Saved ✓", `Flag as ${options[1]}`]);
      expect(seen.note).toEqual(["", "Saving the flag…", "Flag saved.", ""]);
      expect(seen.other).toEqual([`Flag as ${options[2]}`]);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

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

  it("shows why a flag was refused under its button: a full flagging folder, then too many flags", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tradio-flag-"));
    const iface = new tr.Interface({
      fn: (s: string) => s.toUpperCase(),
      inputs: new tr.Textbox({ label: "s" }),
      outputs: "text",
      flaggingDir: dir,
      maxFlaggedBytes: 2000,
      flagsPerMinute: 1,
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const note = page.locator(".flag-note").first();
      const flag = page.getByRole("button", { name: "Flag" });
      await page.getByLabel("s", { exact: true }).fill("x".repeat(1500));
      await page.getByLabel("s", { exact: true }).press("Enter");
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("X".repeat(1500));
      await flag.click();
      await expect.poll(() => note.innerText(), { timeout: 10_000 }).toMatch(/no room in the flagging folder.*maxFlaggedBytes.*nothing was saved/);
      await screenshots(page, "flag-folder-full", { fullPage: false });
      expect(existsSync(path.join(dir, "log.csv"))).toBe(false);
      // The second click from this address is past flagsPerMinute: 1 (the refused flag counted).
      await flag.click();
      await expect.poll(() => note.innerText(), { timeout: 10_000 }).toMatch(/too many flags from this address.*try again in \d+ s/);
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

