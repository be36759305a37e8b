import Fastify from "fastify";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("browser: apps mounted under a path prefix", () => {
  it("loads the page's assets and runs each app under its own prefix", async () => {
    const upper = new tr.Interface({ fn: (s: string) => s.toUpperCase(), inputs: "text", outputs: "text", title: "Upper" });
    const lower = new tr.Interface({ fn: (s: string) => s.toLowerCase(), inputs: "text", outputs: "text", title: "Lower" });
    const server = Fastify();
    for (const [name, iface] of [["upper", upper], ["lower", lower]] as const) {
      await server.register(async (f) => void (await tr.mountApp(f, iface, { prefix: `/${name}` })), { prefix: `/${name}` });
    }
    const address = await server.listen({ port: 0, host: "127.0.0.1" });
    const { context, page } = await newPage(browser);
    try {
      // Without the trailing slash the server redirects, so the relative asset URLs resolve under the prefix.
      await openApp(page, `${address}/upper`);
      expect(new URL(page.url()).pathname).toBe("/upper/");
      expect(await page.title()).toBe("Upper");
      await page.getByLabel("s", { exact: true }).fill("MiXeD");
      await page.getByLabel("s", { exact: true }).press("Enter");
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("MIXED");

      await openApp(page, `${address}/lower/?__theme=dark`);
      expect(await page.title()).toBe("Lower");
      await page.getByLabel("s", { exact: true }).fill("MiXeD");
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("mixed");
      await screenshot(page, "prefix-dark");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  });
});
