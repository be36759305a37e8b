// Shared helpers for the browser tests: one headless Debian chromium per test file, the built page,
// apps launched on 127.0.0.1 with a free port, and screenshots under test-output/screenshots/.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Launched } from "../../src/index.js";
import { encodeWav } from "../../src/components/audio.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SCREENSHOTS = path.join(ROOT, "test-output", "screenshots");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the page when `dist/frontend` is missing (a fresh clone) or older than `frontend/`'s sources. */
export function ensurePageBuilt(): void {
  const index = path.join(ROOT, "dist", "frontend", "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(path.join(ROOT, "frontend"))) return;
  // Test files run in parallel workers: one builds, the others wait for it.
  const lock = path.join(ROOT, "dist", ".frontend-build.lock");
  mkdirSync(path.dirname(lock), { recursive: true });
  try {
    mkdirSync(lock);
  } catch {
    const until = Date.now() + 120_000;
    while (existsSync(lock) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    if (!existsSync(lock)) return;
    rmSync(lock, { recursive: true, force: true }); // left over from a crashed build
    mkdirSync(lock);
  }
  try {
    const vite = path.join(ROOT, "node_modules", "vite", "bin", "vite.js");
    execFileSync(process.execPath, [vite, "build", "--config", "frontend/vite.config.ts", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Headless chromium; `fakeMedia` adds a fake camera and microphone that need no permission prompt. */
export async function launchBrowser(opts: { fakeMedia?: boolean } = {}): Promise<Browser> {
  ensurePageBuilt();
  const media = opts.fakeMedia ? ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"] : [];
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...media],
  });
}

/** Starts an interface on 127.0.0.1 with a free port. */
export async function startApp(iface: { launch(o: object): Promise<Launched> }, opts: object = {}): Promise<Launched> {
  return iface.launch({ port: 0, quiet: true, host: "127.0.0.1", ...opts });
}

/**
 * A new browser context (its own cookies and storage, like a separate user) and a page in it. `touch`: a
 * phone's touch screen (touch events, no hover, mobile viewport).
 */
export async function newPage(
  browser: Browser,
  opts: { width?: number; height?: number; dark?: boolean; javaScript?: boolean; touch?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1100, height: opts.height ?? 800 },
    colorScheme: opts.dark ? "dark" : "light",
    deviceScaleFactor: 1,
    javaScriptEnabled: opts.javaScript ?? true,
    ...(opts.touch ? { hasTouch: true, isMobile: true } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  (page as Page & { errors: string[] }).errors = errors;
  return { context, page };
}

/** Opens the app's page and waits until the layout has rendered. */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector(".gradio-container .app .block", { timeout: 20_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Errors thrown in the page (uncaught), collected since the page opened. */
export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

/** A one-second 440 Hz mono WAV (16-bit PCM). */
export const toneWav = encodeWav({ sampleRate: 8000, data: Float32Array.from({ length: 8000 }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / 8000) * 0.37) });

/** The four ways a person sees a page: desktop (1280) and phone (390) width, light and dark. */
export const VIEWS = [
  { tag: "desktop-light", width: 1280, height: 800, dark: false },
  { tag: "desktop-dark", width: 1280, height: 800, dark: true },
  { tag: "phone-light", width: 390, height: 844, dark: false },
  { tag: "phone-dark", width: 390, height: 844, dark: true },
] as const;

/**
 * Screenshots of what the page shows now, at desktop and phone width in the light and dark theme
 * (`<name>-desktop-light.png`…), then the page's own size and theme again. `fullPage: false` keeps to the
 * viewport (what a person sees without scrolling): the page's own width is shot first, as it is scrolled;
 * at the other width, `focus` (a selector) is scrolled into view first.
 */
export async function screenshots(page: Page, name: string, opts: { fullPage?: boolean; focus?: string } = {}): Promise<string[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize();
  const dark = await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches);
  const files: string[] = [];
  const order = [...VIEWS].sort((a, b) => Number(b.width === size?.width) - Number(a.width === size?.width));
  try {
    for (const v of order) {
      if (v.width !== page.viewportSize()?.width) {
        await page.setViewportSize({ width: v.width, height: v.height });
        if (opts.focus) await page.locator(opts.focus).first().evaluate((el) => el.scrollIntoView({ block: "center" }));
      }
      await page.emulateMedia({ colorScheme: v.dark ? "dark" : "light" });
      const file = path.join(SCREENSHOTS, `${name}-${v.tag}.png`);
      // Transitions (a theme switch fades colours) are finished at once, so each shot shows its theme.
      await page.screenshot({ path: file, fullPage: opts.fullPage ?? true, animations: "disabled" });
      files.push(file);
    }
  } finally {
    if (size) await page.setViewportSize(size);
    await page.emulateMedia({ colorScheme: dark ? "dark" : "light" });
  }
  return files;
}

/**
 * Records, in the page, every distinct text `read` returns for each selector while a job runs: every
 * animation frame and every DOM change, until `stop()` resolves with what was seen (in order).
 */
export async function watchTexts(page: Page, selectors: Record<string, string>): Promise<{ stop(): Promise<Record<string, string[]>> }> {
  await page.evaluate((sels) => {
    const seen: Record<string, string[]> = {};
    const read = (sel: string): string => {
      const el = document.querySelector(sel);
      if (!el) return "";
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return el.value;
      // A shadow host (an HTML output): the text of its shadow root.
      if (el.shadowRoot) return Array.from(el.shadowRoot.children, (c) => (c instanceof HTMLElement && c.tagName !== "STYLE" ? c.innerText : "")).join("\n");
      return (el as HTMLElement).innerText ?? el.textContent ?? "";
    };
    const sample = () => {
      for (const [key, sel] of Object.entries(sels)) {
        const text = read(sel);
        const list = (seen[key] ??= []);
        if (list[list.length - 1] !== text) list.push(text);
      }
    };
    const observer = new MutationObserver(sample);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    let frame = 0;
    const tick = () => {
      sample();
      frame = requestAnimationFrame(tick);
    };
    tick();
    (window as unknown as { __watch: () => Record<string, string[]> }).__watch = () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      sample();
      return seen;
    };
  }, selectors);
  return { stop: () => page.evaluate(() => (window as unknown as { __watch: () => Record<string, string[]> }).__watch()) };
}
