// Keyboard and touch details a QA pass found: the focus after a file is picked from a drop zone (and after
// it is removed), focus rings not cut by a scroller (the API dialog's tabs, the gallery's thumbnail strip),
// the API dialog keeping its size across tabs, a vertical swipe over a 3D model scrolling the page, the
// code editor saying how to leave it; on a phone, a swipe through a gallery's large view, a plot's tooltip on
// a tap, and footer links big enough for a finger. Screenshots `keys-*.png`, `touch-plot-tooltip.png`.
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Launched } from "../../src/index.js";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, SCREENSHOTS, screenshot, startApp } from "./helpers.js";

const OBJ = "v -1 -1 0\nv 1 -1 0\nv 1 1 0\nv -1 1 0\nv 0 0 1.5\nf 1 2 5\nf 2 3 5\nf 3 4 5\nf 4 1 5\nf 1 3 2\nf 1 4 3\n";

let browser: Browser;
let app: Launched;
let png: Buffer;
beforeAll(async () => {
  png = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#3b82f6" } }).png().toBuffer();
  browser = await launchBrowser();
  app = await startApp(
    new tr.Interface({
      fn: () => "ok",
      inputs: [
        new tr.Image({ label: "Photo", sources: ["upload"] }),
        new tr.File({ label: "Document" }),
        new tr.Gallery({ label: "Pictures" }),
        new tr.Code({ label: "Script", language: "python", value: "x = 1" }),
        new tr.Model3D({ label: "Model" }),
      ],
      outputs: new tr.Textbox({ label: "Out" }),
      allowFlagging: "never",
    }),
  );
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const active = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName ?? "", name: el?.getAttribute("aria-label") ?? el?.textContent?.trim() ?? "", block: el?.closest(".block")?.className ?? "" };
  });

/** Presses Tab until the focused element matches `selector` (at most `max` times). */
async function tabTo(page: Page, selector: string, max = 15): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** The focused element's outline box and the visible (client) rect of its nearest `scroller` ancestor. */
function ringAndClip(page: Page, scroller: string) {
  return page.evaluate((sel) => {
    const el = document.activeElement as HTMLElement;
    const cs = getComputedStyle(el);
    const grow = parseFloat(cs.outlineOffset) + parseFloat(cs.outlineWidth);
    const r = el.getBoundingClientRect();
    const box = el.closest(sel) as HTMLElement;
    const c = box.getBoundingClientRect();
    const left = c.left + box.clientLeft;
    const top = c.top + box.clientTop;
    return {
      visible: el.matches(":focus-visible") && cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0,
      ring: { left: r.left - grow, top: r.top - grow, right: r.right + grow, bottom: r.bottom + grow },
      clip: { left, top, right: left + box.clientWidth, bottom: top + box.clientHeight },
    };
  }, scroller);
}

function expectInside(box: Awaited<ReturnType<typeof ringAndClip>>): void {
  expect(box.visible).toBe(true);
  expect(box.ring.left).toBeGreaterThanOrEqual(box.clip.left - 0.01);
  expect(box.ring.top).toBeGreaterThanOrEqual(box.clip.top - 0.01);
  expect(box.ring.right).toBeLessThanOrEqual(box.clip.right + 0.01);
  expect(box.ring.bottom).toBeLessThanOrEqual(box.clip.bottom + 0.01);
}

describe("browser: keyboard and touch", () => {
  it("a file picked from a drop zone by keyboard leaves the focus on the block's Remove button, and removing it on the drop zone", async () => {
    const { context, page } = await newPage(browser);
    try {
      // Playwright intercepts the file chooser once a listener is there: set before the page, not raced.
      page.on("filechooser", () => undefined);
      await openApp(page, app.url);
      for (const [block, remove, zone] of [
        [".comp-image.input", "Remove image", "Drop image here"],
        [".comp-file.input", "Remove pic.png", "Drop file here"],
      ] as const) {
        await page.locator(`${block} .dropzone`).focus();
        const chooser = page.waitForEvent("filechooser");
        await page.keyboard.press("Enter");
        await (await chooser).setFiles({ name: "pic.png", mimeType: "image/png", buffer: png });
        await page.getByRole("button", { name: remove }).waitFor();
        await expect.poll(() => active(page)).toMatchObject({ tag: "BUTTON", name: remove });
        expect((await active(page)).block).toContain(block.split(".")[1]);
        if (block === ".comp-image.input") await screenshot(page, "keys-image-picked");
        // Removing it by keyboard puts the focus on the drop zone that comes back.
        await page.keyboard.press("Enter");
        await expect.poll(async () => (await active(page)).name).toMatch(new RegExp(`^${zone}`));
      }
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("the gallery's thumbnail strip and grid show the whole focus ring", async () => {
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      await page.setInputFiles(".comp-gallery.input input[type=file]", [1, 2, 3].map((i) => ({ name: `p${i}.png`, mimeType: "image/png", buffer: png })));
      await page.locator(".comp-gallery.input .thumb").first().click();
      await page.locator(".comp-gallery.input .preview").waitFor();
      await tabTo(page, ".strip-thumb");
      expectInside(await ringAndClip(page, ".strip"));
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      expectInside(await ringAndClip(page, ".strip"));
      await page.locator(".comp-gallery.input").screenshot({ path: path.join(SCREENSHOTS, "keys-gallery-strip.png") });
      // Closed, the focus is back on a thumbnail of the grid, which scrolls too.
      await page.keyboard.press("Escape");
      await expect.poll(() => page.evaluate(() => document.activeElement?.matches(".grid .thumb"))).toBe(true);
      expectInside(await ringAndClip(page, ".grid"));
      await page.locator(".comp-gallery.input").screenshot({ path: path.join(SCREENSHOTS, "keys-gallery-grid.png") });
    } finally {
      await context.close();
    }
  }, 60_000);

  for (const size of [
    { width: 1100, height: 800 },
    { width: 1280, height: 1000 },
    { width: 390, height: 844 },
  ]) {
    it(`the API dialog keeps its box across tabs, and its tabs show the whole focus ring (${size.width}×${size.height})`, async () => {
      const { context, page } = await newPage(browser, size);
      try {
        await openApp(page, app.url);
        await page.getByRole("button", { name: "Use via API" }).click();
        const dialog = page.getByRole("dialog", { name: "Use via API" });
        await dialog.locator("[data-endpoint]").first().waitFor({ timeout: 15_000 });
        const box = () => dialog.evaluate((d) => JSON.stringify(d.getBoundingClientRect()));
        const first = await box();
        for (const name of ["Python", "cURL", "JavaScript"]) {
          await dialog.getByRole("tab", { name }).click();
          await dialog.locator(`[role="tabpanel"]:not([hidden]) [data-endpoint]`).first().waitFor();
          expect(await box(), name).toBe(first);
        }
        // The tabs stay in view when the panel is scrolled.
        const panel = dialog.locator(`[role="tabpanel"]:not([hidden])`);
        expect(await panel.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
        await panel.evaluate((el) => el.scrollBy(0, 10_000));
        expect(await box()).toBe(first);
        const onTop = (t: Element) => {
          const r = t.getBoundingClientRect();
          return document.elementFromPoint(r.x + 5, r.y + 5) === t;
        };
        expect(await dialog.getByRole("tab", { name: "cURL" }).evaluate(onTop)).toBe(true);
        await page.locator("#api-docs-title").focus();
        await tabTo(page, '[role="tab"]');
        expectInside(await ringAndClip(page, ".tabs"));
        await page.keyboard.press("End");
        expectInside(await ringAndClip(page, ".tabs"));
        await page.keyboard.press("Home");
        expectInside(await ringAndClip(page, ".tabs"));
        if (size.width === 1100) await screenshot(page, "keys-api-tabs");
        if (size.width === 390) await screenshot(page, "keys-api-tabs-phone");
        expect(pageErrors(page)).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  }

  it("on a phone, a vertical swipe over a 3D model scrolls the page (touch-action pan-y), a sideways one turns it", async () => {
    const { context, page } = await newPage(browser, { width: 390, height: 844, touch: true });
    try {
      await openApp(page, app.url);
      await page.setInputFiles(".comp-model3d.input input[type=file]", { name: "pyramid.obj", mimeType: "model/obj", buffer: Buffer.from(OBJ) });
      const canvas = page.locator(".comp-model3d.input canvas");
      await canvas.waitFor({ timeout: 20_000 });
      await expect.poll(() => page.locator(".comp-model3d .model-status").count(), { timeout: 20_000 }).toBe(0);
      // A real one-finger swipe down over it scrolls the page back up.
      await canvas.evaluate((el) => el.scrollIntoView({ block: "end" }));
      const before = await page.evaluate(() => scrollY);
      expect(before).toBeGreaterThan(300);
      const r = (await canvas.boundingBox())!;
      const cdp = await context.newCDPSession(page);
      const x = r.x + r.width / 2;
      const y = r.y + r.height / 2 - 100;
      const hit = (hx: number, hy: number) => page.evaluate(([px, py]) => document.elementFromPoint(px, py)?.tagName, [hx, hy]);
      expect(await hit(x, y)).toBe("CANVAS");
      await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
      for (let i = 1; i <= 10; i++) await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x, y: y + i * 20 }] });
      await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
      await expect.poll(() => page.evaluate(() => scrollY)).toBeLessThan(before - 100);
      // A sideways one still turns the model.
      const pixels = () =>
        canvas.evaluate((c: HTMLCanvasElement) => {
          const copy = document.createElement("canvas");
          [copy.width, copy.height] = [c.width, c.height];
          copy.getContext("2d")!.drawImage(c, 0, 0);
          return copy.toDataURL();
        });
      await canvas.evaluate((el) => el.scrollIntoView({ block: "center" }));
      const shown = await pixels();
      const b = (await canvas.boundingBox())!;
      const [sx, sy] = [b.x + b.width / 2 - 80, b.y + b.height / 2];
      expect(await hit(sx, sy)).toBe("CANVAS");
      await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: sx, y: sy }] });
      for (let i = 1; i <= 10; i++) await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: sx + i * 16, y: sy }] });
      await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
      await expect.poll(pixels).not.toBe(shown);
      // The canvas and every element above it let the browser pan vertically.
      const actions = await canvas.evaluate((el) => {
        const seen: string[] = [];
        for (let e: Element | null = el; e; e = e.parentElement) seen.push(getComputedStyle(e).touchAction);
        return seen;
      });
      expect(actions[0]).toBe("pan-y");
      for (const a of actions) expect(a === "auto" || a === "manipulation" || a.includes("pan-y")).toBe(true);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("on a phone, a sideways swipe over the gallery's large picture shows the next or previous item; a vertical one does not", async () => {
    const { context, page } = await newPage(browser, { width: 390, height: 844, touch: true });
    try {
      await openApp(page, app.url);
      await page.setInputFiles(".comp-gallery.input input[type=file]", [1, 2, 3].map((i) => ({ name: `p${i}.png`, mimeType: "image/png", buffer: png })));
      await page.locator(".comp-gallery.input .thumb").first().click();
      const preview = page.locator(".comp-gallery.input .preview");
      const shown = () => preview.getAttribute("aria-label");
      await expect.poll(shown).toBe("Preview of item 1 of 3");
      const picture = page.locator(".comp-gallery.input .preview-media img");
      await picture.evaluate((el) => el.scrollIntoView({ block: "center" }));
      const cdp = await context.newCDPSession(page);
      const drag = async (dx: number, dy: number) => {
        const r = (await page.locator(".comp-gallery.input .preview-media").boundingBox())!;
        const [x, y] = [r.x + r.width / 2 - dx / 2, r.y + r.height / 2 - dy / 2];
        await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
        for (let i = 1; i <= 8; i++) await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: x + (dx * i) / 8, y: y + (dy * i) / 8 }] });
        await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
      };
      await drag(-150, 10);
      await expect.poll(shown).toBe("Preview of item 2 of 3");
      await drag(-150, -5);
      await expect.poll(shown).toBe("Preview of item 3 of 3");
      await drag(150, 0);
      await expect.poll(shown).toBe("Preview of item 2 of 3");
      // Mostly vertical: the page scrolls, the item stays.
      const before = await page.evaluate(() => scrollY);
      await drag(30, 160);
      await expect.poll(() => page.evaluate(() => scrollY)).not.toBe(before);
      expect(await shown()).toBe("Preview of item 2 of 3");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("on a phone, a tap on a plot's bar shows its tooltip (there is no hover), a tap elsewhere hides it", async () => {
    const plot = await startApp(
      new tr.Interface({
        fn: () => [{ x: "a", y: 3 }, { x: "b", y: 5 }, { x: "c", y: 2 }],
        inputs: [],
        outputs: new tr.BarPlot({ x: "x", y: "y", label: "Bars", tooltip: ["x", "y"] }),
        allowFlagging: "never",
      }),
    );
    const { context, page } = await newPage(browser, { width: 390, height: 844, touch: true });
    try {
      await openApp(page, plot.url);
      await page.getByRole("button", { name: "Generate" }).tap();
      const bars = page.locator(".comp-barplot .marks path[aria-roledescription='bar']");
      await expect.poll(() => bars.count(), { timeout: 20_000 }).toBe(3);
      const tip = () => page.evaluate(() => {
        const el = document.querySelector<HTMLElement>(".vg-tooltip.visible");
        return el ? el.innerText.replace(/\s+/g, " ").trim() : null;
      });
      const tapOn = async (i: number) => {
        const r = (await bars.nth(i).boundingBox())!;
        await page.touchscreen.tap(r.x + r.width / 2, r.y + r.height * 0.6);
      };
      expect(await tip()).toBeNull();
      await tapOn(1);
      await expect.poll(tip).toBe("x b y 5");
      await tapOn(0);
      await expect.poll(tip).toBe("x a y 3");
      await page.locator(".comp-barplot").screenshot({ path: path.join(SCREENSHOTS, "touch-plot-tooltip.png") });
      // Above the shortest bar: the chart's background.
      const c = (await bars.nth(2).boundingBox())!;
      await page.touchscreen.tap(c.x + c.width / 2, c.y - 40);
      await expect.poll(tip).toBeNull();
      await tapOn(2);
      await expect.poll(tip).toBe("x c y 2");
      await page.touchscreen.tap(200, 800);
      await expect.poll(tip).toBeNull();
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await plot.close();
    }
  }, 60_000);

  it("the footer's links are targets a finger can hit (at least 24 px tall) on a phone", async () => {
    const { context, page } = await newPage(browser, { width: 390 });
    try {
      await openApp(page, app.url);
      const heights = await page.locator("footer :is(a, button)").evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
      expect(heights.length).toBeGreaterThan(0);
      for (const h of heights) expect(h).toBeGreaterThanOrEqual(24);
    } finally {
      await context.close();
    }
  });

  it("the code editor tells a screen reader how to leave it (Escape, then Tab), and that works", async () => {
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const cdp = await context.newCDPSession(page);
      const content = page.locator(".comp-code.input .cm-content");
      await content.waitFor({ timeout: 15_000 });
      const description = await content.evaluate((el) =>
        (el.getAttribute("aria-describedby") ?? "")
          .split(/\s+/)
          .filter(Boolean)
          .map((id) => document.getElementById(id)?.textContent?.trim() ?? "")
          .join(" "),
      );
      expect(description).toBe("Press Escape, then Tab, to leave the editor.");
      // As Chromium's accessibility tree gives it to a screen reader.
      const { root } = await cdp.send("DOM.getDocument");
      const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: ".comp-code.input .cm-content" });
      const { nodes } = await cdp.send("Accessibility.getPartialAXTree", { nodeId, fetchRelatives: false });
      expect(nodes[0]?.description?.value).toBe("Press Escape, then Tab, to leave the editor.");
      expect(nodes[0]?.name?.value).toBe("Script (code)");
      await content.click();
      await page.keyboard.press("Tab");
      expect(await content.evaluate((el) => el.contains(document.activeElement))).toBe(true);
      await page.keyboard.press("Escape");
      await page.keyboard.press("Tab");
      expect(await content.evaluate((el) => el.contains(document.activeElement))).toBe(false);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
