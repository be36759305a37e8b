// Accessibility: axe-core (injected into the page with playwright) finds no serious or critical
// violation on any demo the gallery mounts (demo/gallery.ts), in the light and the dark theme, before
// and after one use (inputs filled, Submit once, the result shown); nor on the login page and the
// gallery's index; nor on each demo's skeleton before its script runs; nor in the footer's "Use via API" dialog, on each of its tabs. A failure lists every
// violation by rule and target.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import hello from "../../demo/hello/app.js";
import { launchBrowser, newPage, pageErrors, screenshot, startApp } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const HOUSE = path.join(ROOT, "demo", "image_classifier", "house.png");
/** demo/auth's login (its launchOptions). */
const LOGIN = { username: "admin", password: "pass1234" };

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe on the page; returns the serious and critical violations as "rule (impact): target — summary" lines. */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE });
  const violations = (await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } }).axe.run(document, {
      resultTypes: ["violations"],
    });
    return result.violations;
  })) as Violation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${JSON.stringify(n.target)} — ${(n.failureSummary ?? v.help).replace(/\s+/g, " ")}`));
}

/** Starts `npm start`'s gallery on a free port; resolves to its base URL. */
function startGallery(): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "demo", "gallery.ts")], {
    cwd: ROOT,
    env: { ...process.env, TRADIO_SERVER_PORT: "0", TRADIO_SERVER_NAME: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gallery did not start in 120 s:\n${out}`)), 120_000);
    const read = (d: Buffer) => {
      out += d;
      const m = out.match(/tradio demo gallery on (http:\/\/\S+?)\/?\s/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] });
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", (d) => (out += d));
    child.on("exit", (code) => reject(new Error(`the gallery exited (${code}):\n${out}`)));
  });
}

/** One use of the app on the page: an example or typed text and an image, then Submit. */
async function submitOnce(page: Page): Promise<void> {
  const app = page.locator(".gradio-container main.app");
  const example = app.locator(".dataset .sample, .dataset tbody tr").first();
  if (await example.count()) {
    await example.click();
  } else {
    for (const field of await app.locator(".inputs .comp-textbox:not(.output) :is(textarea, input)").all()) await field.fill("How are you?");
    for (const field of await app.locator(".inputs .comp-number input").all()) await field.fill("7");
    for (const file of await app.locator(".inputs .comp-image input[type=file]").all()) await file.setInputFiles(HOUSE);
  }
  // A live app (demo/stream_audio) has no Submit: it is checked as it stands.
  const submit = app.locator("button.submit");
  if (await submit.count()) await submit.click();
}

const RUNNING = '[class*="status-queued"], [class*="status-running"], [class*="status-streaming"]';

/** Waits for the result: no output shows a run's status any more. Slow demos (a model loading) get a minute. */
async function finished(page: Page): Promise<void> {
  await page.waitForFunction((sel) => !document.querySelector(sel), RUNNING, { timeout: 60_000 });
  await page.waitForTimeout(300);
}

/** axe in each theme, switched on the same page (the page follows prefers-color-scheme as it changes). */
async function axeBothThemes(page: Page, where: string, shot?: string): Promise<string[]> {
  const found: string[] = [];
  for (const theme of ["light", "dark"] as const) {
    // Colours change at once (the page's transitions last 0.01 ms under reduced motion), so axe sees the theme's own.
    await page.emulateMedia({ colorScheme: theme, reducedMotion: "reduce" });
    // Settled: every element's colours read the same twice, 100 ms apart (a theme's colour transitions
    // have run; on a starved renderer that can take longer than any fixed wait).
    await page.evaluate(async () => {
      const colours = () => {
        let all = "";
        for (const el of Array.from(document.querySelectorAll("body *"))) {
          const style = getComputedStyle(el);
          all += style.color + style.backgroundColor + style.borderColor;
        }
        return all;
      };
      let before = colours();
      for (let i = 0; i < 50; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const now = colours();
        if (now === before) return;
        before = now;
      }
    });
    found.push(...(await axe(page)).map((v) => `${where} (${theme}): ${v}`));
    if (shot) await screenshot(page, `${shot}-${theme}`);
  }
  return found;
}

let browser: Browser;
let gallery: { child: ChildProcess; base: string };
let demos: string[] = [];
beforeAll(async () => {
  [browser, gallery] = await Promise.all([launchBrowser(), startGallery()]);
  const index = await (await fetch(`${gallery.base}/`)).text();
  demos = [...index.matchAll(/href="\.\/([^/"]+)\/"/g)].map((m) => m[1]);
  // A11Y_DEMOS=plots,model3d checks only those (while working on them); the suite checks every demo.
  const only = process.env.A11Y_DEMOS?.split(",").filter(Boolean);
  if (only?.length) demos = demos.filter((d) => only.includes(d));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  gallery?.child.kill();
});

describe("accessibility (axe-core: no serious or critical violations, light and dark)", () => {
  it("the gallery's index and the login page", async () => {
    const { context, page } = await newPage(browser);
    try {
      const found: string[] = [];
      await page.goto(`${gallery.base}/`);
      found.push(...(await axeBothThemes(page, "index")));
      await page.goto(`${gallery.base}/auth/`);
      await page.getByLabel("Username").waitFor();
      found.push(...(await axeBothThemes(page, "login", "a11y-login")));
      expect(found, found.join("\n")).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("every demo's skeleton, with its early controls, before the page's script has run", async () => {
    const found: string[] = [];
    for (const name of demos) {
      const { context, page } = await newPage(browser);
      try {
        // The page's own scripts are held back (never answered): what axe sees is the server's HTML alone.
        await page.route(/\/assets\/.*\.js$/, () => {});
        await page.goto(`${gallery.base}/${name}/`, { waitUntil: "commit" });
        await page.waitForSelector(".tr-skeleton main");
        found.push(...(await axeBothThemes(page, `${name}, skeleton`, name === "hello" ? "a11y-skeleton-hello" : undefined)));
      } finally {
        await context.close();
      }
    }
    // And when they fail to arrive: the skeleton says so.
    const { context, page } = await newPage(browser);
    try {
      await page.route(/\/assets\/.*\.js$/, (route) => route.abort());
      await page.goto(`${gallery.base}/hello/`, { waitUntil: "commit" });
      await page.waitForSelector(".tr-skeleton .sk-failed");
      found.push(...(await axeBothThemes(page, "hello, skeleton, script failed", "a11y-skeleton-failed")));
    } finally {
      await context.close();
    }
    expect(found, found.join("\n")).toEqual([]);
  }, 300_000);

  it("every demo of the gallery, before, during (while a run shows its status) and after one use", async () => {
    expect(demos.length).toBeGreaterThan(process.env.A11Y_DEMOS ? 0 : 5);
    const found: string[] = [];
    for (const name of demos) {
      const { context, page } = await newPage(browser);
      try {
        await page.goto(`${gallery.base}/${name}/`);
        if (name === "auth") {
          await page.getByLabel("Username").fill(LOGIN.username);
          await page.getByLabel("Password").fill(LOGIN.password);
          await page.getByRole("button", { name: "Login" }).click();
        }
        await page.waitForSelector(".gradio-container main.app .block", { timeout: 30_000 });
        found.push(...(await axeBothThemes(page, `${name}, before use`)));
        await submitOnce(page);
        // A slow run (a queue, a progress bar) is checked while it shows.
        if (await page.waitForSelector(RUNNING, { timeout: 1_000 }).catch(() => null)) {
          // A job that reports progress draws its bar after its first report.
          await page.waitForSelector('[role="progressbar"]', { timeout: 2_000 }).catch(() => null);
          found.push(...(await axe(page)).map((v) => `${name}, during use (dark): ${v}`));
        }
        await finished(page);
        found.push(...(await axeBothThemes(page, `${name}, after use`, `a11y-${name}`)));
        expect(pageErrors(page), `${name}: errors in the page`).toEqual([]);
      } finally {
        await context.close();
      }
    }
    expect(found, found.join("\n")).toEqual([]);
  }, 600_000);
});

describe("accessibility of the Use via API dialog (axe-core, light and dark)", () => {
  it("has no serious or critical violation on any tab, with the MCP tab's tokens, at desktop and phone width", async () => {
    const found: string[] = [];
    const open = await startApp(hello, { mcpServer: true });
    const locked = await startApp(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", title: "Locked", allowFlagging: "never" }), {
      mcpServer: true,
      auth: [LOGIN.username, LOGIN.password],
    });
    try {
      for (const width of [1280, 390]) {
        for (const app of [open, locked]) {
          const { context, page } = await newPage(browser, { width, height: 844 });
          try {
            await page.goto(app.url);
            if (app === locked) {
              await page.getByLabel("Username").fill(LOGIN.username);
              await page.getByLabel("Password").fill(LOGIN.password);
              await page.getByRole("button", { name: "Login" }).click();
            }
            await page.getByRole("button", { name: "Use via API" }).click();
            const dialog = page.getByRole("dialog", { name: "Use via API" });
            await dialog.waitFor({ timeout: 15_000 });
            for (const tab of await dialog.getByRole("tab").allInnerTexts()) {
              await dialog.getByRole("tab", { name: tab }).click();
              if (tab === "MCP") {
                await dialog.locator("[data-tool]").first().waitFor();
                if (app === locked) {
                  await dialog.getByRole("button", { name: "Create token" }).click();
                  await dialog.locator("[data-token]").first().waitFor();
                }
              }
              found.push(...(await axeBothThemes(page, `API dialog, ${app === locked ? "with a login" : "open app"}, ${tab}, ${width}px`)));
            }
            expect(pageErrors(page)).toEqual([]);
          } finally {
            await context.close();
          }
        }
      }
    } finally {
      await Promise.all([open.close(), locked.close()]);
    }
    expect(found, found.join("\n")).toEqual([]);
  }, 300_000);
});
