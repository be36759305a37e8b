import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, pageErrors, screenshot, screenshots, startApp } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("browser: apps behind a login", () => {
  it("shows a login form, refuses a wrong password, then runs the app as the user", async () => {
    const iface = new tr.Interface({
      fn: (text: string, ctx: tr.CallContext) => `${ctx.request.username}: ${text}`,
      inputs: "text",
      outputs: "text",
      title: "Private",
    });
    const app = await startApp(iface, { auth: ["admin", "pass1234"], authMessage: "Ask **the admin** for a password. <b>bold?</b>" });
    const { context, page } = await newPage(browser);
    try {
      await page.goto(app.url);
      // The login card names the app it protects (its title comes with the 401), as does the tab.
      await page.getByRole("heading", { name: "Log in to Private" }).waitFor({ timeout: 20_000 });
      expect(await page.title()).toBe("Private");
      // Shown as text, escaped: the markup is visible, never interpreted.
      expect(await page.locator(".login-message").innerText()).toBe("Ask **the admin** for a password. <b>bold?</b>");
      expect(await page.locator(".login-message b").count()).toBe(0);
      await page.getByLabel("Username").fill("admin");
      await page.getByLabel("Password").fill("wrong");
      await page.getByRole("button", { name: "Login" }).click();
      await page.getByRole("alert").waitFor();
      expect(await page.getByRole("alert").innerText()).toContain("Incorrect");
      await screenshot(page, "login");
      await screenshots(page, "login-card", { fullPage: false });

      await page.getByLabel("Password").fill("pass1234");
      await page.getByLabel("Password").press("Enter");
      await page.locator(".gradio-container .app .block").first().waitFor({ timeout: 15_000 });
      await expect.poll(() => page.title()).toBe("Private");
      await page.getByLabel("text", { exact: true }).fill("hello");
      await page.getByLabel("text", { exact: true }).press("Enter");
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("admin: hello");
      expect(await page.locator(".footer").innerText()).toContain("Logged in as admin");

      await page.getByRole("link", { name: "Logout" }).click();
      await page.getByRole("heading", { name: "Log in to Private" }).waitFor({ timeout: 15_000 });
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
