// Uploads as a person meets them: a file over the app's limit is refused on the page before anything is
// sent, a large upload shows its progress while it goes, and the server's refusals are worded for people
// on the input they concern.
import type { Browser, Page } from "playwright-core";
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

const MB = 1024 * 1024;

function sizeApp(opts: { fileTypes?: string[] } = {}) {
  return new tr.Interface({
    fn: (_file: string | null) => `received`,
    inputs: new tr.File({ label: "data", type: "filepath", ...opts }),
    outputs: "text",
    title: "Upload",
    allowFlagging: "never",
  });
}

function bytes(n: number): Buffer {
  return Buffer.alloc(n, 7);
}

/** Counts the page's requests to the upload route. */
function countUploads(page: Page): () => number {
  let n = 0;
  page.on("request", (r) => {
    if (r.url().includes("/gradio_api/upload")) n++;
  });
  return () => n;
}

describe("browser: uploads", () => {
  it("refuses a file over the size limit on the page, naming the limit, and sends nothing", async () => {
    const app = await startApp(sizeApp(), { maxFileSize: MB });
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      await openApp(page, app.url);
      const uploads = countUploads(page);
      const input = page.locator(".comp-file.input");
      await page.setInputFiles(".comp-file.input input[type=file]", { name: "big.bin", mimeType: "application/octet-stream", buffer: bytes(2 * MB) });
      const error = input.locator(".error-box");
      await error.waitFor({ timeout: 5_000 });
      expect(await error.innerText()).toContain("“big.bin” is 2.0 MB; this app takes files up to 1.0 MB.");
      expect(await error.getAttribute("role")).toBe("alert");
      // The file is not kept: the drop zone is still there and Submit has nothing to send.
      expect(await input.locator(".dropzone").count()).toBe(1);
      expect(await input.getByText("big.bin", { exact: true }).count()).toBe(0);
      await screenshots(page, "upload-too-large", { fullPage: false });
      expect(uploads()).toBe(0);
      // A file within the limit replaces the error and goes through.
      await page.setInputFiles(".comp-file.input input[type=file]", { name: "small.bin", mimeType: "application/octet-stream", buffer: bytes(MB / 2) });
      expect(await error.count()).toBe(0);
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("received");
      expect(uploads()).toBe(1);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("shows a large upload's progress on its input while it goes", async () => {
    const app = await startApp(sizeApp());
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      await openApp(page, app.url);
      // The file is made in the page (24 MB through the test protocol would be slow).
      await page.locator(".comp-file.input input[type=file]").evaluate((el: HTMLInputElement, size) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(size).fill(7)], "large.bin", { type: "application/octet-stream" }));
        el.files = dt.files;
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }, 24 * MB);
      await page.getByText("large.bin", { exact: true }).waitFor();
      // A slow line: 24 MB at 6 MB/s take about four seconds.
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: 50 * MB, uploadThroughput: 6 * MB });
      const watch = await watchTexts(page, { text: ".comp-file.input .progress-text" });
      await page.getByRole("button", { name: "Submit" }).click();
      const bar = page.locator(".comp-file.input [role=progressbar]");
      await bar.waitFor({ timeout: 5_000 });
      await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 10_000 }).toBeGreaterThan(20);
      await screenshots(page, "upload-progress", { fullPage: false });
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 30_000 }).toBe("received");
      const seen = (await watch.stop()).text.filter(Boolean);
      // "Uploading the file (24.0 MB) 3.1/25.2 MB": many growing amounts on the way.
      const amounts = seen.map((t) => Number(/ (\d+(?:\.\d)?)\/25\.2 MB$/.exec(t)?.[1] ?? NaN)).filter((n) => !Number.isNaN(n));
      expect(amounts.length, seen.join("\n")).toBeGreaterThanOrEqual(5);
      for (let i = 1; i < amounts.length; i++) expect(amounts[i]).toBeGreaterThan(amounts[i - 1]);
      expect(seen[0]).toMatch(/^Uploading the file \(24\.0 MB\)/);
      expect(await page.locator(".comp-file.input .status-overlay").count()).toBe(0);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("Stop during an upload aborts it: nothing runs, and the page is ready again", async () => {
    let runs = 0;
    const iface = new tr.Interface({
      fn: (_file: string | null) => (runs++, "received"),
      inputs: new tr.File({ label: "data", type: "filepath" }),
      outputs: "text",
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      await openApp(page, app.url);
      await page.locator(".comp-file.input input[type=file]").evaluate((el: HTMLInputElement, size) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(size)], "large.bin"));
        el.files = dt.files;
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }, 24 * MB);
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: 50 * MB, uploadThroughput: 4 * MB });
      const failed: string[] = [];
      page.on("requestfailed", (r) => r.url().includes("/gradio_api/upload") && failed.push(r.failure()?.errorText ?? ""));
      await page.getByRole("button", { name: "Submit" }).click();
      await page.locator(".comp-file.input [role=progressbar]").waitFor({ timeout: 5_000 });
      await page.getByRole("button", { name: "Stop" }).click();
      await page.getByRole("button", { name: "Submit" }).waitFor({ timeout: 5_000 });
      await expect.poll(() => failed.length, { timeout: 5_000 }).toBe(1);
      expect(await page.locator(".status-overlay, .error-box").count()).toBe(0);
      expect(await page.getByText("large.bin", { exact: true }).count()).toBe(1);
      await new Promise((r) => setTimeout(r, 500));
      expect(runs).toBe(0);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("words the server's refusals for people, on the input: 413, 415, 429 and a refused value (422)", async () => {
    const app = await startApp(sizeApp({ fileTypes: [".csv"] }), { maxFileSize: MB });
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      // The page is told of no limit (in the config embedded in its HTML), so the server's own 413 is
      // what refuses the file.
      await page.route(app.url, async (route) => {
        const res = await route.fetch();
        const html = await res.text();
        expect(html).toContain(`"max_file_size":${MB}`);
        await route.fulfill({ response: res, body: html.replace(`"max_file_size":${MB}`, '"max_file_size":null') });
      });
      await openApp(page, app.url);
      const input = page.locator(".comp-file.input");
      const error = input.locator(".error-box");
      const submitFile = async (name: string, size: number) => {
        await page.setInputFiles(".comp-file.input input[type=file]", { name, mimeType: "text/csv", buffer: bytes(size) });
        await page.getByRole("button", { name: "Submit" }).click();
        await error.waitFor({ timeout: 15_000 });
        const text = await error.innerText();
        await input.getByRole("button", { name: "Dismiss error" }).click();
        await input.getByRole("button", { name: `Remove ${name}` }).click();
        return text;
      };
      expect(await submitFile("big.csv", 2 * MB)).toMatch(/File too large\s+“big\.csv” is larger than this app takes\./);
      // The outputs show no error of their own and no spinner: the job never started.
      expect(await page.locator(".comp-textbox.output .error-box, .status-overlay").count()).toBe(0);

      await page.route("**/gradio_api/upload", (route) => route.fulfill({ status: 415, json: { error: "Unsupported Media Type" } }));
      expect(await submitFile("a.csv", 10)).toMatch(/File not accepted\s+“a\.csv” is not a kind of file this app accepts\./);
      await page.unroute("**/gradio_api/upload");
      await page.route("**/gradio_api/upload", (route) => route.fulfill({ status: 429, json: { error: "Too many requests" } }));
      expect(await submitFile("b.csv", 10)).toMatch(/Too many requests\s+The server is getting too many requests from you right now\./);
      await page.unroute("**/gradio_api/upload");

      // A value the function's component refuses (422 on the queue): on the input it names, not on the output.
      await page.setInputFiles(".comp-file.input input[type=file]", { name: "notes.txt", mimeType: "text/plain", buffer: bytes(10) });
      await page.getByRole("button", { name: "Submit" }).click();
      await error.waitFor({ timeout: 15_000 });
      expect(await error.innerText()).toMatch(/invalid file type "notes\.txt"; allowed: \.csv/);
      expect(await page.locator(".comp-textbox.output .error-box").count()).toBe(0);
      await screenshots(page, "upload-refused", { fullPage: false });
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
