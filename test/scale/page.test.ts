// The page in Chromium through nginx round robin (no sticky sessions): its config, upload, join and
// event stream land on different processes, and it must still show status, streamed values and files.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, openApp, pageErrors, watchTexts } from "../browser/helpers.js";
import { startCluster, type Cluster } from "./cluster.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const chatApp = path.resolve(here, "../fixtures/scale-app.ts");
const filesApp = path.resolve(here, "../fixtures/scale-files-app.ts");

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
});

describe("the page through nginx, 3 processes", { timeout: 240_000 }, () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(chatApp);
  }, 240_000);
  afterAll(() => cluster?.stop(), 60_000);

  it("streams an answer as it grows, ends with a clear status, and keeps state over several runs", async () => {
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, cluster.url);
      for (const [run, text] of ["abcdefghijklmnopqrstuvwxyz", "second", "third"].entries()) {
        await page.getByLabel("text", { exact: true }).fill(text);
        await page.getByLabel("tokens", { exact: true }).fill("40");
        const watch = await watchTexts(page, { answer: ".comp-textbox.output .field" });
        await page.getByRole("button", { name: "Submit" }).click();
        const history = ["abcdefghijklmnopqrstuvwxyz", "second", "third"].slice(0, run + 1).join(",");
        await expect.poll(async () => (await page.getByLabel("answer", { exact: true }).inputValue()).split("|")[1], { timeout: 30_000 }).toBe(history);
        await expect.poll(() => page.locator(".status-overlay").count(), { timeout: 10_000 }).toBe(0);
        const seen = (await watch.stop()).answer.filter((t) => t.includes("|"));
        // ~40 updates over ~0.4 s: intermediate values must show, not only the last.
        expect(seen.length, JSON.stringify(seen)).toBeGreaterThanOrEqual(3);
        expect(await page.locator(".error-box").count()).toBe(0);
      }
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("an upload from the page through nginx, 3 processes", { timeout: 240_000 }, () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(filesApp);
  }, 240_000);
  afterAll(() => cluster?.stop(), 60_000);

  it("uploads a file on one process and runs it on any, several times", async () => {
    const { context, page } = await newPage(browser);
    try {
      for (let i = 0; i < 3; i++) {
        // A fresh page each time: its config, upload, join and stream go wherever nginx sends them.
        await openApp(page, cluster.url);
        await page.setInputFiles(".comp-file.input input[type=file]", { name: `note${i}.txt`, mimeType: "text/plain", buffer: Buffer.from(`note ${i}`) });
        await page.getByRole("button", { name: "Submit" }).click();
        await expect.poll(async () => (await page.getByLabel("text", { exact: true }).inputValue()).split("|")[1], { timeout: 30_000 }).toBe(`note ${i}`);
        await expect.poll(() => page.locator(".status-overlay").count(), { timeout: 10_000 }).toBe(0);
        expect(await page.locator(".error-box").count()).toBe(0);
      }
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
