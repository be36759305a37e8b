// The footer's "Use via API" panel: opened from the footer (and by ?view=api), a modal dialog with tabs;
// its JavaScript snippet is run as written with @gradio/client against the app, its curl snippet's two
// steps are run with fetch (and the script itself with bash when curl is there), and on an app with a
// login its MCP tab makes a token that an MCP client then uses until it is revoked on the page.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client as McpClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import Fastify, { type FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import hello from "../../demo/hello/app.js";
import { launchBrowser, newPage, pageErrors, screenshots, startApp } from "./helpers.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Snippets run from here, inside the package, so `@gradio/client` resolves as it would in a user's project. */
const SCRATCH = path.join(ROOT, "test-output", "snippets");

let browser: Browser;
let server: FastifyInstance;
let base: string;
beforeAll(async () => {
  browser = await launchBrowser();
  // demo/hello mounted under a prefix, as the gallery mounts it: the snippets must name the prefix.
  server = Fastify();
  await server.register(async (f) => void (await tr.mountApp(f, hello, { prefix: "/apps/hello", mcpServer: true })), { prefix: "/apps/hello" });
  base = `${await server.listen({ port: 0, host: "127.0.0.1" })}/apps/hello`;
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the page and the panel from the footer; resolves when the dialog shows. */
async function openPanel(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole("button", { name: "Use via API" }).click();
  await page.getByRole("dialog", { name: "Use via API" }).waitFor({ timeout: 15_000 });
}

const snippet = (page: Page, endpoint = "/predict") => page.locator(`[role="tabpanel"]:not([hidden]) [data-endpoint="${endpoint}"] pre`).innerText();

describe("browser: the footer's Use via API panel", () => {
  it("opens from the footer as a dialog (focus inside, tabs, Escape closes and gives focus back), and from ?view=api", async () => {
    const { context, page } = await newPage(browser);
    try {
      // The panel is a chunk of its own: the page does not load it until it is opened.
      const scripts: string[] = [];
      page.on("request", (r) => void (r.resourceType() === "script" && scripts.push(r.url())));
      await page.goto(`${base}/`);
      await page.locator(".gradio-container .app .block").first().waitFor({ timeout: 20_000 });
      expect(await page.locator(".footer").innerText()).toMatch(/Use via API\s*·\s*Built with tradio/);
      expect(scripts.some((u) => /ApiDocs/.test(u))).toBe(false);

      const opener = page.getByRole("button", { name: "Use via API" });
      await opener.click();
      const dialog = page.getByRole("dialog", { name: "Use via API" });
      await dialog.waitFor();
      expect(scripts.some((u) => /ApiDocs/.test(u))).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("api-docs-title");
      // The page's own location: Playwright's page.url() hears of a replaceState a moment later.
      const view = () => page.evaluate(() => new URL(location.href).searchParams.get("view"));
      expect(await view()).toBe("api");
      // Everything behind the modal dialog is inert.
      expect(await page.evaluate(() => (document.querySelector("dialog") as HTMLDialogElement).matches(":modal"))).toBe(true);

      // Tabs: JavaScript, Python, cURL, MCP; arrows move between them and select.
      const tabs = dialog.getByRole("tab");
      expect(await tabs.allInnerTexts()).toEqual(["JavaScript", "Python", "cURL", "MCP"]);
      expect(await dialog.getByRole("tab", { name: "JavaScript" }).getAttribute("aria-selected")).toBe("true");
      await dialog.getByRole("tab", { name: "JavaScript" }).focus();
      await page.keyboard.press("ArrowRight");
      expect(await dialog.getByRole("tab", { name: "Python" }).getAttribute("aria-selected")).toBe("true");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Python");
      expect(await dialog.getByRole("tabpanel").count()).toBe(1);
      expect(await dialog.getByRole("tabpanel").getAttribute("aria-labelledby")).toBe("api-tab-python");
      await page.keyboard.press("End");
      expect(await dialog.getByRole("tab", { name: "MCP" }).getAttribute("aria-selected")).toBe("true");
      await page.keyboard.press("Home");
      expect(await dialog.getByRole("tab", { name: "JavaScript" }).getAttribute("aria-selected")).toBe("true");

      // Parameters with their types and required-ness, and the return value.
      const params = await dialog.locator('[data-endpoint="/predict"] .params').first().innerText();
      expect(params).toMatch(/name\s+string\s+required/);
      expect(params).toMatch(/intensity\s+number\s+required/);
      expect(await dialog.getByRole("heading", { name: "Returns 1 value" }).count()).toBe(1);
      await page.getByRole("tab", { name: "Python" }).click();
      expect(await dialog.locator('[data-endpoint="/predict"] .params').first().innerText()).toMatch(/name\s+str\s+required/);

      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await view()).toBe(null);

      await page.goto(`${base}/?view=api`);
      await page.getByRole("dialog", { name: "Use via API" }).waitFor({ timeout: 15_000 });
      await page.getByRole("button", { name: "Close" }).click();
      await page.getByRole("dialog").waitFor({ state: "detached" });
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("writes a JavaScript snippet for the page's URL with the app's first example, which runs as written", async () => {
    const { context, page } = await newPage(browser);
    try {
      await openPanel(page, `${base}/`);
      const code = await snippet(page);
      expect(code).toContain(`Client.connect("${base}/")`);
      expect(code).toContain(`client.predict("/predict", {`);
      // demo/hello's first example: ["World", 1].
      expect(code).toMatch(/name: "World",\s*intensity: 1,/);
      mkdirSync(SCRATCH, { recursive: true });
      const file = path.join(SCRATCH, "predict.mjs");
      writeFileSync(file, code);
      const { stdout } = await run(process.execPath, [file], { cwd: ROOT, timeout: 30_000 });
      expect(stdout).toContain("Hello, World!");

      // The copy button puts the same text on the clipboard.
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(base).origin });
      await page.getByRole("button", { name: "Copy JavaScript snippet for /predict" }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
      expect(await page.getByRole("button", { name: "Copy JavaScript snippet for /predict" }).innerText()).toContain("Copied");

      await page.getByRole("tab", { name: "Python" }).click();
      const py = await snippet(page);
      expect(py).toContain(`Client("${base}/")`);
      expect(py).toMatch(/name="World",\s*intensity=1,\s*api_name="\/predict",/);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("writes a curl snippet whose two steps (POST /gradio_api/call/predict, then GET its stream) answer the example", async () => {
    const { context, page } = await newPage(browser);
    try {
      await openPanel(page, `${base}/`);
      await page.getByRole("tab", { name: "cURL" }).click();
      const code = await snippet(page);
      const post = /curl -s -X POST (\S+) \\\n\s+-H "Content-Type: application\/json" \\\n\s+-d '([^']*)'/.exec(code);
      expect(post, code).not.toBeNull();
      expect(post![1]).toBe(`${base}/gradio_api/call/predict`);
      expect(JSON.parse(post![2])).toEqual({ data: ["World", 1] });
      const get = /curl -N (\S+)\/\$EVENT_ID/.exec(code);
      expect(get![1]).toBe(`${base}/gradio_api/call/predict`);

      // Step one, as curl sends it: the answer has the event id where the snippet's awk looks (the 4th "-field).
      const answer = await (await fetch(post![1], { method: "POST", headers: { "Content-Type": "application/json" }, body: post![2] })).text();
      const eventId = answer.split('"')[3];
      expect(eventId).toMatch(/^[0-9a-f]{32}$/);
      // Step two: the stream ends with the result.
      const stream = await (await fetch(`${get![1]}/${eventId}`)).text();
      expect(stream).toContain('event: complete\ndata: ["Hello, World!"]');

      // The script itself, in bash.
      if (existsSync("/usr/bin/curl")) {
        const { stdout } = await run("bash", ["-c", code], { timeout: 30_000 });
        expect(stdout).toContain('data: ["Hello, World!"]');
      }
    } finally {
      await context.close();
    }
  });

  it("shows the MCP server: both URLs, a client config, and the tools with their descriptions", async () => {
    const { context, page } = await newPage(browser);
    try {
      await openPanel(page, `${base}/`);
      await page.getByRole("tab", { name: "MCP" }).click();
      const panel = page.locator('[role="tabpanel"]:not([hidden])');
      await panel.locator('[data-tool="predict"]').waitFor({ timeout: 10_000 });
      const text = await panel.innerText();
      expect(text).toContain(`${base}/gradio_api/mcp/`);
      expect(text).toContain(`${base}/gradio_api/mcp/sse`);
      const configText = await panel.getByLabel("MCP config with a URL", { exact: true }).innerText();
      expect(JSON.parse(configText)).toEqual({ mcpServers: { hello: { url: `${base}/gradio_api/mcp/` } } });
      expect(await panel.locator('[data-tool="predict"]').innerText()).toContain("Greets someone by name");
      // No login on this app: no tokens.
      expect(await panel.getByRole("button", { name: "Create token" }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("with a login: a token made on the page is listed, works on the MCP endpoint, and is refused once revoked", async () => {
    const iface = new tr.Interface({ fn: (s: string) => `hi ${s}`, inputs: "text", outputs: "text", title: "Private tools", allowFlagging: "never" });
    const app = await startApp(iface, { auth: ["ada", "lovelace1"], mcpServer: true });
    const mcpUrl = `${app.url}gradio_api/mcp/`;
    const connect = async (token: string) => {
      const client = new McpClient({ name: "panel-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      return client;
    };
    const { context, page } = await newPage(browser);
    try {
      await page.goto(app.url);
      await page.getByLabel("Username").fill("ada");
      await page.getByLabel("Password").fill("lovelace1");
      await page.getByRole("button", { name: "Login" }).click();
      await page.getByRole("button", { name: "Use via API" }).click();
      // The snippets log in as the person reading them; with the password filled in, they run.
      const js = await snippet(page);
      expect(js).toContain(`Client.connect("${app.url}", { auth: ["ada", "<YOUR_PASSWORD>"] })`);
      mkdirSync(SCRATCH, { recursive: true });
      writeFileSync(path.join(SCRATCH, "login.mjs"), js.replace("<YOUR_PASSWORD>", "lovelace1"));
      expect((await run(process.execPath, [path.join(SCRATCH, "login.mjs")], { cwd: ROOT, timeout: 30_000 })).stdout).toContain("hi Hello!!");
      await page.getByRole("tab", { name: "Python" }).click();
      expect(await snippet(page)).toContain(`Client("${app.url}", auth=("ada", "<YOUR_PASSWORD>"))`);
      await page.getByRole("tab", { name: "cURL" }).click();
      const sh = await snippet(page);
      expect(sh).toContain("-b cookies.txt");
      if (existsSync("/usr/bin/curl")) {
        const { stdout } = await run("bash", ["-c", sh.replace("<YOUR_PASSWORD>", "lovelace1")], { cwd: SCRATCH, timeout: 30_000 });
        expect(stdout).toContain('data: ["hi Hello!!"]');
      }
      await page.getByRole("tab", { name: "MCP" }).click();
      const panel = page.locator('[role="tabpanel"]:not([hidden])');
      // Before a token, the config says where it goes.
      expect(JSON.parse(await panel.getByLabel("MCP config with a URL", { exact: true }).innerText())).toEqual({
        mcpServers: { "private-tools": { url: mcpUrl, headers: { Authorization: "Bearer <YOUR_TOKEN>" } } },
      });
      await panel.getByText("None yet.").waitFor();
      await panel.getByLabel("Token name").fill("my laptop");
      await panel.getByRole("button", { name: "Create token" }).click();
      const shown = panel.getByLabel("Copy token");
      await shown.waitFor();
      const token = (await panel.getByLabel("token", { exact: true }).innerText()).trim();
      expect(token).toMatch(/^trmcp_/);
      // Listed (by name, never by value) and put into the config snippets.
      await panel.locator("[data-token]").first().waitFor();
      expect(await panel.locator("[data-token]").innerText()).toContain("my laptop");
      expect(JSON.parse(await panel.getByLabel("MCP config with a URL", { exact: true }).innerText()).mcpServers["private-tools"].headers.Authorization).toBe(`Bearer ${token}`);
      const bridge = JSON.parse(await panel.getByLabel("MCP config with mcp-remote", { exact: true }).innerText()).mcpServers["private-tools"];
      expect(bridge.env.AUTH_HEADER).toBe(`Bearer ${token}`);
      await panel.locator('[data-tool="predict"]').waitFor();
      await panel.locator(".made").scrollIntoViewIfNeeded();
      await screenshots(page, "api-panel-tokens", { fullPage: false, focus: ".made" });

      // The token works for an MCP client.
      const client = await connect(token);
      const result = await client.callTool({ name: "predict", arguments: { s: "agent" } });
      expect(JSON.stringify(result.content)).toContain("hi agent");
      await client.close();

      await panel.getByRole("button", { name: "Revoke my laptop" }).click();
      await panel.getByText("None yet.").waitFor();
      await expect(connect(token)).rejects.toThrow();
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it("fits a 390 px phone and reads in both themes (screenshots at 1280 and 390 px, light and dark)", async () => {
    const { context, page } = await newPage(browser, { width: 390, height: 844 });
    try {
      await openPanel(page, `${base}/`);
      const box = await page.getByRole("dialog").boundingBox();
      expect(box!.width).toBeLessThanOrEqual(390);
      // Nothing in the dialog is wider than the screen but the code boxes, which scroll themselves.
      const overflow = await page.evaluate(() =>
        Math.max(...[document.querySelector("dialog")!, document.querySelector('[role="tabpanel"]:not([hidden])')!].map((d) => d.scrollWidth - d.clientWidth)),
      );
      expect(overflow).toBeLessThanOrEqual(0);
      // No copy button covers code: on a phone it sits above its code box.
      const covered = await page.locator(".code-block").evaluateAll((blocks) =>
        blocks.filter((b) => {
          const pre = b.querySelector("pre")!.getBoundingClientRect();
          const button = b.querySelector(".copy-at")!.getBoundingClientRect();
          return button.bottom > pre.top + 1 && button.top < pre.bottom - 1;
        }).length,
      );
      expect(covered).toBe(0);
      await screenshots(page, "api-panel", { fullPage: false });
      await page.getByRole("tab", { name: "MCP" }).click();
      await page.locator('[data-tool="predict"]').waitFor();
      await screenshots(page, "api-panel-mcp", { fullPage: false });
    } finally {
      await context.close();
    }
  });
});
