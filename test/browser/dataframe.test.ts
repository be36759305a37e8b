// Dataframe on the page: fixed rows and columns show no add/remove buttons, dynamic ones do, columnLimits
// stops the column buttons, and a numpy table's edits reach the function as numbers.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, startApp } from "./helpers.js";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("browser: Dataframe row and column controls", () => {
  it("shows add/remove only for dynamic axes, within columnLimits, and sends the edited table", async () => {
    const iface = new tr.Interface({
      fn: (matrix: number[][], table: (string | number | boolean | null)[][]) =>
        `sum ${matrix.flat().reduce((a, b) => a + b, 0)}; table ${table.length}x${table[0]?.length ?? 0}`,
      inputs: [
        new tr.Dataframe({ label: "Fixed matrix", type: "numpy", rowCount: [2, "fixed"], columnCount: [2, "fixed"] }),
        new tr.Dataframe({ label: "Dynamic table", headers: ["a", "b"], rowCount: [1, "dynamic"], columnCount: [2, "dynamic"], columnLimits: [1, 3] }),
      ],
      outputs: new tr.Textbox({ label: "Result" }),
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 1100, height: 900 });
    try {
      await openApp(page, app.url);
      const fixed = page.locator(".comp-dataframe", { hasText: "Fixed matrix" });
      const dynamic = page.locator(".comp-dataframe", { hasText: "Dynamic table" });
      // Fixed: no controls, header names not editable.
      expect(await fixed.getByRole("button").count()).toBe(0);
      expect(await fixed.locator("thead input").count()).toBe(0);
      expect(await fixed.locator("tbody tr").count()).toBe(2);
      // Dynamic: four named buttons in a named group.
      const group = dynamic.getByRole("group", { name: "Rows and columns of Dynamic table" });
      for (const name of ["Add row", "Remove row", "Add column", "Remove column"]) expect(await group.getByRole("button", { name }).count()).toBe(1);

      await fixed.getByLabel("Row 1, 1").fill("1.5");
      await fixed.getByLabel("Row 1, 1").press("Tab");
      await fixed.getByLabel("Row 2, 2").fill("4");
      await fixed.getByLabel("Row 2, 2").press("Tab");

      await group.getByRole("button", { name: "Add row" }).click();
      await group.getByRole("button", { name: "Add row" }).click();
      await expect.poll(() => dynamic.locator("tbody tr").count()).toBe(3);
      await group.getByRole("button", { name: "Remove row" }).click();
      await expect.poll(() => dynamic.locator("tbody tr").count()).toBe(2);
      // columnLimits [1, 3]: one more column, then "Add column" is disabled.
      await group.getByRole("button", { name: "Add column" }).click();
      await expect.poll(() => dynamic.locator("thead th").count()).toBe(3);
      expect(await group.getByRole("button", { name: "Add column" }).isDisabled()).toBe(true);
      await dynamic.getByLabel("Row 1, 3").fill("new");
      await dynamic.getByLabel("Row 1, 3").press("Tab");
      await screenshot(page, "dataframe-fixed-dynamic");
      // axe-core finds no serious or critical problem in the tables and their buttons.
      await page.addScriptTag({ content: AXE });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
        const r = await axe.run(".comp-dataframe", { resultTypes: ["violations"] });
        return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
      });
      expect(violations).toEqual([]);

      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("Result").inputValue(), { timeout: 20_000 }).toBe("sum 5.5; table 2x3");

      // Down to the minimum of one column: "Remove column" is disabled there.
      await group.getByRole("button", { name: "Remove column" }).click();
      await group.getByRole("button", { name: "Remove column" }).click();
      await expect.poll(() => dynamic.locator("thead th").count()).toBe(1);
      expect(await group.getByRole("button", { name: "Remove column" }).isDisabled()).toBe(true);
      await page.getByRole("button", { name: "Submit" }).click();
      await expect.poll(() => page.getByLabel("Result").inputValue(), { timeout: 20_000 }).toBe("sum 5.5; table 2x1");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
