import type { Browser, Page, Route } from "playwright-core";
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

/** Boxes (x, y, width, height) of the fields' panels and the buttons: the skeleton's, or the app's. */
const BOXES = `(() => {
  const skeleton = !!document.querySelector(".tr-skeleton");
  const box = (e) => { const b = e.getBoundingClientRect(); return [b.x, b.y, b.width, b.height].map(Math.round).join(","); };
  const all = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.offsetParent).map(box);
  return skeleton ? { blocks: all(".sk-block"), buttons: all(".sk-btn") } : { blocks: all(".block:is(.input, .output):not(.title, .description, .article)"), buttons: all("main button.btn") };
})()`;

describe("browser: the skeleton", () => {
  it("puts each field and button where the app then draws it (no jump when the app replaces it)", async () => {
    const chat = (m: string, h: [string, string][] = []) => [[...h, [m, "**Good**"]], [...h, [m, "**Good**"]]];
    const apps = [
      new tr.Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"], title: "Chat", description: "A *chat* demo" }),
      new tr.Interface({
        fn: (name: string, n: number, ok: boolean) => `${name} ${n} ${ok}`,
        inputs: ["text", "slider", "checkbox"],
        outputs: "text",
        title: "Hello",
        description: "Say hello to someone you know well",
        allowFlagging: "never",
      }),
    ];
    for (const iface of apps) {
      const app = await startApp(iface);
      try {
        for (const width of [1280, 400]) {
          const boxes = async (js: boolean) => {
            const { context, page } = await newPage(browser, { width, javaScript: js });
            try {
              if (js) await openApp(page, app.url);
              else await page.goto(app.url);
              return (await page.evaluate(BOXES)) as { blocks: string[]; buttons: string[] };
            } finally {
              await context.close();
            }
          };
          const skeleton = await boxes(false);
          const drawn = await boxes(true);
          expect(skeleton.blocks.length).toBeGreaterThan(0);
          expect(skeleton).toEqual(drawn);
        }
      } finally {
        await app.close();
      }
    }
  });

  it("is drawn at once on a slow connection, before any script has arrived; a chat's Markdown follows the page", async () => {
    const app = await startApp(
      new tr.Interface({ fn: (m: string, h: [string, string][] = []) => [[...h, [m, "**Good**"]], [...h, [m, "**Good**"]]], inputs: ["text", "state"], outputs: ["chatbot", "state"], title: "Chat" }),
    );
    const { context, page } = await newPage(browser, { width: 1000 });
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 1000, downloadThroughput: 100_000, uploadThroughput: 50_000 });
      await page.goto(app.url, { waitUntil: "commit" });
      // The skeleton shows before the page's own script has arrived (a second later): the layout's outline, no app yet.
      const seen = await page.waitForFunction(() => {
        const button = document.querySelector<HTMLElement>(".tr-skeleton .sk-btn.sk-primary");
        return button && button.offsetParent !== null && { app: document.querySelector("main.app") !== null };
      });
      expect(await seen.jsonValue()).toEqual({ app: false });
      await screenshot(page, "skeleton-slow");
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await page.getByRole("button", { name: "Submit", exact: true }).waitFor();
      await page.getByRole("textbox").first().fill("How are you?");
      await page.getByRole("button", { name: "Submit", exact: true }).click();
      // The reply's Markdown is rendered (marked and DOMPurify were loaded after the page was drawn).
      await expect.poll(() => page.locator(".message.bot strong").textContent(), { timeout: 20_000 }).toBe("Good");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("takes typing and clicks before the script has run: the text, the caret and the click carry over to the app", async () => {
    const chat = (m: string, h: [string, string][] = []) => [[...h, [m, `Good: ${m}`]], [...h, [m, `Good: ${m}`]]];
    const app = await startApp(new tr.Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"], title: "Chat" }));
    try {
      // A click: typed, then Submit, while the page's script is held back.
      {
        await withHeldScripts(app.url, async (page, release) => {
          const field = page.getByRole("textbox").first();
          await field.click();
          await page.keyboard.type("How are you?");
          const submit = page.getByRole("button", { name: "Submit", exact: true });
          const clientPreloaded = () => page.evaluate(() => Array.from(document.querySelectorAll<HTMLLinkElement>("link[rel=modulepreload]")).some((l) => /\/client-[^/]+\.js$/.test(l.href)));
          expect(await clientPreloaded()).toBe(false);
          await submit.click();
          // The click also starts fetching the chunk that will make the call.
          expect(await clientPreloaded()).toBe(true);
          // Still the skeleton: the button says it is waiting, nothing is lost.
          expect(await page.evaluate(() => document.querySelector("main.app") === null)).toBe(true);
          expect(await submit.getAttribute("aria-disabled")).toBe("true");
          await screenshot(page, "skeleton-early-click");
          release();
          await expect.poll(() => lastReply(page), { timeout: 20_000 }).toBe("Good: How are you?");
          expect((await page.locator(".message.user").allTextContents()).map((t) => t.trim())).toEqual([expect.stringMatching(/How are you\?$/)]);
          // The focus is on the app's own Submit, where the click left it.
          expect(await page.evaluate(() => document.activeElement?.closest("main.app") !== null && document.activeElement?.textContent?.trim())).toBe("Submit");
          expect(pageErrors(page)).toEqual([]);
        });
      }
      // Typing across the switch: half the text before, the rest after, then Enter; the caret stays put.
      {
        await withHeldScripts(app.url, async (page, release) => {
          await page.getByRole("textbox").first().click();
          await page.keyboard.type("are you?");
          await page.keyboard.press("Home");
          await page.keyboard.type("How ");
          release();
          await page.waitForSelector("main.app .block");
          await expect.poll(() => page.evaluate(() => {
            const f = document.activeElement as HTMLInputElement | null;
            return f?.closest("main.app") ? [f.value, f.selectionStart] : null;
          })).toEqual(["How are you?", 4]);
          await page.keyboard.press("End");
          await page.keyboard.type(" Fine?");
          await page.keyboard.press("Enter");
          await expect.poll(() => lastReply(page), { timeout: 20_000 }).toBe("Good: How are you? Fine?");
          expect(pageErrors(page)).toEqual([]);
        });
      }
      // Clear before the script: the field empties and the queued click is dropped; then an early Flag.
      {
        await withHeldScripts(app.url, async (page, release) => {
          await page.getByRole("textbox").first().fill("Never mind");
          await page.getByRole("button", { name: "Submit", exact: true }).click();
          await page.getByRole("button", { name: "Clear", exact: true }).click();
          expect(await page.getByRole("textbox").first().inputValue()).toBe("");
          expect(await page.getByRole("button", { name: "Submit", exact: true }).getAttribute("aria-disabled")).toBeNull();
          // A flag clicked early goes through the app's own Flag button, which refuses an empty form.
          await page.getByRole("button", { name: "Flag", exact: true }).click();
          release();
          await page.waitForSelector("main.app .block");
          await expect.poll(() => page.locator(".flag-note").textContent()).toContain("Nothing to flag yet");
          await page.waitForTimeout(500);
          expect(await page.locator(".message").count()).toBe(0);
          expect(await page.locator("main.app input, main.app textarea").first().inputValue()).toBe("");
        });
      }
    } finally {
      await app.close();
    }
  });

  it("takes a number and Enter before the script has run, and a live app runs on what was typed", async () => {
    const double = await startApp(new tr.Interface({ fn: (n: number | null) => (n ?? 0) * 2, inputs: "number", outputs: "number", allowFlagging: "never" }));
    const live = await startApp(new tr.Interface({ fn: (s: string) => s.toUpperCase(), inputs: "text", outputs: "text", live: true }));
    try {
      const { context, page } = await newPage(browser, { width: 1000 });
      try {
        let release = await holdScripts(page);
        await page.goto(double.url, { waitUntil: "commit" });
        await page.getByRole("spinbutton").fill("21");
        await page.getByRole("spinbutton").press("Enter");
        release();
        await expect.poll(() => page.locator("main.app .block.output input").inputValue(), { timeout: 20_000 }).toBe("42");

        release = await holdScripts(page);
        await page.goto(live.url, { waitUntil: "commit" });
        await page.getByRole("textbox").first().fill("quiet");
        release();
        await expect.poll(() => page.locator("main.app .block.output textarea").inputValue(), { timeout: 20_000 }).toBe("QUIET");
        expect(pageErrors(page)).toEqual([]);
      } finally {
        await context.close();
      }
    } finally {
      await double.close();
      await live.close();
    }
  });
});

describe("browser: the login form before the page's script", () => {
  it("is where the page then draws its own, takes what is typed (or filled in) and an Enter, and logs in", async () => {
    const vault = await startApp(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", title: "Vault" }), { auth: ["ada", "pw"], authMessage: "Staff only" });
    try {
      for (const width of [1280, 400]) {
        const boxes = async (js: boolean) => {
          const { context, page } = await newPage(browser, { width, javaScript: js });
          try {
            await page.goto(vault.url);
            const form = js ? "form.login" : "form[data-tr-early-login]";
            await page.waitForSelector(form);
            return await page.locator(`${form} :is(h1, input, button)`).evaluateAll((els) =>
              els.map((e) => {
                const b = e.getBoundingClientRect();
                return `${e.tagName} ${[b.x, b.y, b.width, b.height].map(Math.round).join(",")}`;
              }),
            );
          } finally {
            await context.close();
          }
        };
        const early = await boxes(false);
        expect(early).toHaveLength(4);
        expect(early).toEqual(await boxes(true));
      }
      // Sent before the script has run: the page's form sends it once drawn.
      await withHeldScripts(vault.url, async (page, release) => {
        expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Log in to Vault");
        expect(await page.getByText("Staff only").count()).toBe(1);
        await page.getByLabel("Username").fill("ada");
        await page.getByLabel("Password").fill("pw");
        await page.getByLabel("Password").press("Enter");
        expect(await page.getByRole("button", { name: "Login" }).getAttribute("aria-disabled")).toBe("true");
        await screenshot(page, "skeleton-login-early");
        release();
        await page.waitForSelector("main.app .block.input", { timeout: 20_000 });
        expect(await page.locator("form.login").count()).toBe(0);
        expect(pageErrors(page)).toEqual([]);
      });
      // Typed, not sent: the page's form takes the values, the focus stays in the password, Enter logs in.
      await withHeldScripts(vault.url, async (page, release) => {
        await page.getByLabel("Username").fill("ada");
        await page.getByLabel("Password").click();
        await page.keyboard.type("p");
        release();
        await page.waitForSelector("form.login");
        await expect
          .poll(() => page.evaluate(() => [document.activeElement?.id, (document.activeElement as HTMLInputElement | null)?.value, (document.getElementById("login-username") as HTMLInputElement | null)?.value]))
          .toEqual(["login-password", "p", "ada"]);
        await page.keyboard.type("w");
        await page.keyboard.press("Enter");
        await page.waitForSelector("main.app .block.input", { timeout: 20_000 });
        expect(pageErrors(page)).toEqual([]);
      });
    } finally {
      await vault.close();
    }
  });
});

describe("browser: the skeleton when the page's script does not arrive", () => {
  it("says so in the skeleton, drops what was queued, and Try again loads the app", async () => {
    const chat = (m: string, h: [string, string][] = []) => [[...h, [m, `Good: ${m}`]], [...h, [m, `Good: ${m}`]]];
    const app = await startApp(new tr.Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"], title: "Chat" }));
    const login = await startApp(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", title: "Vault" }), { auth: ["ada", "pw"] });
    try {
      const { context, page } = await newPage(browser, { width: 1000 });
      try {
        const fail = (route: Route) => route.abort("connectionreset");
        // The script is held while a click is queued, then its request fails.
        let drop!: () => void;
        const dropped = new Promise<void>((resolve) => (drop = resolve));
        await page.route(/\/assets\/index-[^/]*\.js$/, async (route) => {
          await dropped;
          await route.abort("connectionreset");
        });
        await page.goto(app.url, { waitUntil: "commit" });
        await page.getByRole("textbox").first().fill("Hello?");
        const submit = page.getByRole("button", { name: "Submit", exact: true });
        await submit.click();
        expect(await submit.getAttribute("aria-disabled")).toBe("true");
        drop();
        const alert = page.getByRole("alert");
        await expect.poll(() => alert.textContent(), { timeout: 10_000 }).toContain("Could not load this app.");
        // Nothing pretends to be on its way any more: the queue is dropped and the buttons are disabled.
        expect(await submit.getAttribute("aria-disabled")).toBeNull();
        expect(await submit.isDisabled()).toBe(true);
        expect(await page.evaluate(() => (window as unknown as { __tradioEarly: unknown[] }).__tradioEarly.length)).toBe(0);
        await screenshot(page, "skeleton-failed");
        await page.unrouteAll();
        await page.getByRole("button", { name: "Try again" }).click();
        await page.waitForSelector("main.app .block", { timeout: 20_000 });
        expect(await page.locator(".sk-failed").count()).toBe(0);
        // The login page's skeleton says it too.
        await page.route(/\/assets\/index-[^/]*\.js$/, fail);
        await page.goto(login.url, { waitUntil: "commit" });
        await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 10_000 }).toContain("Could not load this app.");
        expect(await page.locator(".tr-skeleton[aria-busy]").count()).toBe(0);
      } finally {
        await context.close();
      }
    } finally {
      await app.close();
      await login.close();
    }
  });
});

/** A fresh page at `url` with its scripts held back until `release` is called; the page closes after `body`. */
async function withHeldScripts(url: string, body: (page: Page, release: () => void) => Promise<void>): Promise<void> {
  const { context, page } = await newPage(browser, { width: 1000 });
  try {
    const release = await holdScripts(page);
    await page.goto(url, { waitUntil: "commit" });
    await body(page, release);
  } finally {
    await context.close();
  }
}

/** The chat's last reply, without the "Bot:" its screen-reader prefix adds. */
async function lastReply(page: Page): Promise<string | undefined> {
  return (await page.locator(".message.bot").last().textContent())?.replace(/^Bot:\s*/, "").trim();
}

/** Holds the page's scripts back until the returned function is called: the skeleton is all there is till then. */
async function holdScripts(page: Page): Promise<() => void> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  await page.unrouteAll();
  await page.route(/\/assets\/.*\.js$/, async (route) => {
    await gate;
    await route.continue();
  });
  return open;
}
