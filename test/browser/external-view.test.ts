import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { Component, type JSONSchema } from "../../src/components/component.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, startApp } from "./helpers.js";

/**
 * A component registered from outside tradio: 0 to 5 stars. The server serves its `viewModule` at
 * <root>/gradio_api/views/rating.js and names that URL in the config (`view`); the page imports the module
 * and mounts it.
 */
class Rating extends Component<number, number, number | null> {
  readonly type: string = "rating";
  readonly className = "Rating";
  override readonly viewModule: string | undefined = fileURLToPath(new URL("./fixtures/rating-view.js", import.meta.url));

  apiInfo(): JSONSchema {
    return { anyOf: [{ type: "integer", minimum: 0, maximum: 5 }, { type: "null" }] };
  }
  exampleInput(): number {
    return 3;
  }
  preprocess(payload: unknown): number {
    const n = payload === null || payload === undefined ? 0 : payload;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 5) this.fail(`expected 0 to 5 stars, got ${JSON.stringify(payload)}`);
    return n;
  }
  postprocess(value: number): number {
    return this.preprocess(value);
  }
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const stars = (page: Page, block: string) => page.locator(`${block} .rating`).getAttribute("data-value");

describe("browser: a component with its own view module", () => {
  it("draws it, sends its value, shows results and examples in it, and Clear resets it", async () => {
    const iface = new tr.Interface({
      fn: (given: number) => [given, 5 - given] as [number, number],
      inputs: new Rating({ label: "your rating" }),
      outputs: [new tr.Number({ label: "stars given" }), new Rating({ label: "the rest" })],
      examples: [[4]],
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      const input = ".comp-rating.input";
      const output = ".comp-rating.output";
      // Drawn by the module, inside the page's block; the output's stars are not buttons a person can press.
      await page.locator(`${input} .star`).first().waitFor();
      expect(await page.locator(`${input} .star`).count()).toBe(5);
      expect(await page.locator(`${input} .star`).first().isVisible()).toBe(true);
      expect(await page.locator(`${output} .star`).first().isDisabled()).toBe(true);
      expect(await stars(page, input)).toBe("0");
      const given = page.getByLabel("stars given", { exact: true });
      const initial = await given.inputValue();

      // A click on the third star is the component's value: the function receives 3.
      await page.getByRole("group", { name: "your rating" }).getByRole("button", { name: "3 stars" }).click();
      expect(await stars(page, input)).toBe("3");
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => given.inputValue(), { timeout: 15_000 }).toBe("3");
      // A result reaches the view through update().
      await expect.poll(() => stars(page, output)).toBe("2");
      await screenshot(page, "external-view");

      // An example fills the input's view (one input: the examples are a row of sample buttons).
      await page.locator(".sample", { hasText: "4" }).click();
      await expect.poll(() => stars(page, input)).toBe("4");

      // Clear: back to the initial (empty) values.
      await page.getByRole("button", { name: "Clear" }).click();
      await expect.poll(() => stars(page, input)).toBe("0");
      expect(await stars(page, output)).toBe("0");
      expect(await given.inputValue()).toBe(initial);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("setValue is a person's edit: a live app runs on it", async () => {
    const iface = new tr.Interface({
      fn: (given: number) => given * 2,
      inputs: new Rating({ label: "your rating" }),
      outputs: new tr.Number({ label: "doubled" }),
      live: true,
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      await page.getByRole("button", { name: "5 stars" }).click();
      await expect.poll(() => page.getByLabel("doubled", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("10");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("a type with neither a built-in view nor a view module shows the unsupported notice", async () => {
    class Plain extends Rating {
      override readonly type = "plainrating";
      override readonly viewModule = undefined;
    }
    const iface = new tr.Interface({ fn: (n: number) => n, inputs: new Plain({ label: "plain" }), outputs: "number", allowFlagging: "never" });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await openApp(page, app.url);
      expect(await page.locator(".comp-plainrating .unknown").innerText()).toBe("Unsupported component type “plainrating”.");
    } finally {
      await context.close();
      await app.close();
    }
  });
});
