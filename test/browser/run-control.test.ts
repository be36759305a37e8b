// A job's time (the queue's wait and the run apart), Stop, Clear cancelling, and a tab that recovers on its
// own when the server goes away during a job. Each is watched while it happens.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshots, startApp, watchTexts } from "./helpers.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function submit(page: Page, text: string): Promise<void> {
  await page.getByLabel("s", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Submit" }).click();
}

describe("browser: a job's time", () => {
  it("shows the wait in the queue and the run apart, the run against its usual time, and never a time past its estimate as the estimate", async () => {
    let ms = 1000;
    const iface = new tr.Interface({
      fn: async (s: string) => {
        await sleep(ms);
        return s.toUpperCase();
      },
      inputs: new tr.Textbox({ label: "s" }),
      outputs: "text",
      title: "Timing",
      concurrencyLimit: 1,
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page: a } = await newPage(browser, { width: 1280 });
    try {
      const b = await context.newPage();
      await openApp(a, app.url);
      await openApp(b, app.url);
      // One run of 1 s: the event's usual duration.
      await submit(a, "one");
      await expect.poll(() => a.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("ONE");
      ms = 5000;
      await submit(a, "two");
      await a.locator(".status-time").filter({ hasText: /\// }).waitFor({ timeout: 10_000 });
      const watch = await watchTexts(b, { time: ".status-time" });
      await submit(b, "three");
      // B waits behind A: its position, its wait so far and when its result should come.
      await b.locator(".status-time").filter({ hasText: /^queue: 1\/1 \| / }).waitFor({ timeout: 10_000 });
      await screenshots(b, "timing-queued", { fullPage: false });
      // A's run ends (5 s, the usual is now 3 s); B runs, showing what it waited apart from its own run.
      await b.locator(".status-time").filter({ hasText: /^waited \d+\.\ds \| / }).waitFor({ timeout: 15_000 });
      await screenshots(b, "timing-running", { fullPage: false });
      await expect.poll(() => b.getByLabel("output", { exact: true }).inputValue(), { timeout: 20_000 }).toBe("THREE");
      const texts = (await watch.stop()).time.filter(Boolean);

      const queued = texts.filter((t) => t.startsWith("queue: "));
      const running = texts.filter((t) => t.startsWith("waited "));
      expect(queued.length, texts.join("\n")).toBeGreaterThan(5);
      expect(running.length, texts.join("\n")).toBeGreaterThan(5);
      // The queue's texts come first, then the run's: never mixed.
      expect(texts.findIndex((t) => t.startsWith("waited "))).toBeGreaterThan(texts.findLastIndex((t) => t.startsWith("queue: ")));
      for (const t of queued) expect(t).toMatch(/^queue: 1\/1 \| \d+\.\ds( \| result in ~\d+s)?$/);
      // The queue's estimate: at first a result in ~Ns (1 s for A's rest and B's run and more), never a past time.
      expect(queued.some((t) => /result in ~\d+s$/.test(t))).toBe(true);
      for (const t of running) {
        expect(t).toMatch(/^waited \d+\.\ds \| (\d+\.\d\/\d+\.\ds|\d+\.\ds \(longer than usual\))$/);
        // The wait stays what it was (A's remaining run, seconds), and a run never shows past its estimate as x/y.
        expect(Number(/^waited (\d+\.\d)s/.exec(t)![1])).toBeGreaterThan(2);
        const m = /\| (\d+\.\d)\/(\d+\.\d)s$/.exec(t);
        if (m) expect(Number(m[1])).toBeLessThanOrEqual(Number(m[2]));
      }
      // B's run (5 s) is longer than the usual 3 s: once past it, it says so.
      expect(running.some((t) => t.endsWith("(longer than usual)"))).toBe(true);
      expect(running.some((t) => /\d\/3\.0s$/.test(t))).toBe(true);
      expect(pageErrors(b)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});

describe("browser: Stop and Clear", () => {
  it("Stop cancels the running job on the server, Enter queues no second copy, and Clear cancels a job so the next person's starts", async () => {
    let started = 0;
    let aborted = 0;
    let finished = 0;
    const iface = new tr.Interface({
      fn: async function* (s: string, ctx: tr.CallContext) {
        started++;
        ctx.signal.addEventListener("abort", () => aborted++);
        let text = "";
        for (let i = 1; i <= 60; i++) {
          await sleep(150);
          text += `${s}${i} `;
          yield text;
        }
        finished++;
      },
      inputs: new tr.Textbox({ label: "s" }),
      outputs: "text",
      title: "Stop",
      concurrencyLimit: 1,
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page: a } = await newPage(browser, { width: 1280 });
    try {
      await openApp(a, app.url);
      const out = a.getByLabel("output", { exact: true });
      await submit(a, "w");
      await expect.poll(() => out.inputValue(), { timeout: 10_000 }).toContain("w3 ");
      // While it runs, Submit is a Stop button; Enter in the box queues nothing more.
      expect(await a.getByRole("button", { name: "Submit" }).count()).toBe(0);
      const stop = a.getByRole("button", { name: "Stop" });
      await stop.waitFor();
      await a.getByLabel("s", { exact: true }).press("Enter");
      await screenshots(a, "stop-running", { fullPage: false });
      await sleep(300);
      expect(started).toBe(1);
      await stop.click();
      // Stopped on the server: the generator was aborted and never finished; the page keeps what came.
      await expect.poll(() => aborted, { timeout: 5_000 }).toBe(1);
      await a.getByRole("button", { name: "Submit" }).waitFor({ timeout: 5_000 });
      const kept = await out.inputValue();
      expect(kept).toMatch(/^w1 w2 w3 /);
      await sleep(600);
      expect(await out.inputValue()).toBe(kept);
      expect(finished).toBe(0);
      expect(await a.locator(".error-box, .status-overlay").count()).toBe(0);

      // From the keyboard: Submit becomes Stop and back without losing the focus (it is one button).
      const focusedText = () => a.evaluate(() => (document.activeElement?.tagName === "BUTTON" ? document.activeElement.textContent!.trim() : document.activeElement?.tagName));
      await a.getByRole("button", { name: "Submit" }).focus();
      await a.keyboard.press("Enter");
      await expect.poll(focusedText, { timeout: 10_000 }).toBe("Stop");
      await expect.poll(() => aborted + started, { timeout: 5_000 }).toBe(3);
      await a.keyboard.press("Enter");
      await expect.poll(() => aborted, { timeout: 5_000 }).toBe(2);
      await expect.poll(focusedText, { timeout: 5_000 }).toBe("Submit");

      // Clear cancels a running job: the one waiting behind it (another person) starts at once.
      const b = await context.newPage();
      await openApp(b, app.url);
      await submit(a, "x");
      await expect.poll(() => out.inputValue(), { timeout: 10_000 }).toContain("x2 ");
      await submit(b, "y");
      await b.locator(".status-time").filter({ hasText: /^queue: / }).waitFor({ timeout: 10_000 });
      const cleared = Date.now();
      await a.getByRole("button", { name: "Clear" }).click();
      await expect.poll(() => b.getByLabel("output", { exact: true }).inputValue(), { timeout: 5_000 }).toContain("y1 ");
      expect(Date.now() - cleared).toBeLessThan(3000);
      expect(aborted).toBe(3);
      expect(await out.inputValue()).toBe("");
      expect(await a.getByRole("button", { name: "Submit" }).count()).toBe(1);
      // And a's next Submit runs normally (a new session).
      await b.getByRole("button", { name: "Stop" }).click();
      await submit(a, "z");
      await expect.poll(() => out.inputValue(), { timeout: 10_000 }).toContain("z2 ");
      await a.getByRole("button", { name: "Stop" }).click();
      expect(pageErrors(a)).toEqual([]);
      expect(pageErrors(b)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});

/** Stops a launched app now, even with event streams open (as a crash or a restart does). */
async function stopNow(app: tr.Launched): Promise<void> {
  app.server.server.closeAllConnections();
  await app.close();
}

describe("browser: the server goes away during a job", () => {
  it("the long_job and streaming demos: a tab whose job was running says the result is lost, and the next Submit works", async () => {
    for (const name of ["long_job", "streaming"] as const) {
      const demo = (name === "long_job" ? await import("../../demo/long_job/app.js") : await import("../../demo/streaming/app.js")).default as { launch(o: object): Promise<tr.Launched> };
      let app = await startApp(demo);
      const port = app.port;
      const { context, page } = await newPage(browser, { width: 1280 });
      try {
        await openApp(page, app.url);
        if (name === "streaming") {
          await page.getByLabel("prompt", { exact: true }).fill("Tell me more");
          await page.getByRole("button", { name: "Submit" }).click();
          await page.locator(".message.bot").waitFor({ timeout: 10_000 });
        } else {
          await page.getByRole("button", { name: "Submit" }).click();
          await page.locator(".progress-bar").waitFor({ timeout: 10_000 });
        }
        // The server stops during the job and comes back on the same port.
        await stopNow(app);
        app = await startApp(demo, { port });
        const error = page.locator(".error-box");
        await error.waitFor({ timeout: 10_000 });
        expect(await error.innerText()).toContain("The connection to the server was lost; this result is gone. Submit again.");
        expect(await page.locator(".status-overlay").count()).toBe(0);
        if (name === "long_job") await screenshots(page, "connection-lost", { fullPage: false });
        // Submit works again, with a new session on the new server.
        if (name === "streaming") {
          await page.getByLabel("prompt", { exact: true }).fill("Again");
          await page.getByRole("button", { name: "Submit" }).click();
          await expect.poll(() => page.locator(".message.bot").last().innerText(), { timeout: 15_000 }).toContain("would send it.");
        } else {
          await page.getByRole("slider").fill("1");
          await page.getByRole("button", { name: "Submit" }).click();
          await expect.poll(() => page.locator(".comp-json").innerText(), { timeout: 15_000 }).toContain("finalLoss");
        }
        expect(await error.count()).toBe(0);
      } finally {
        await context.close();
        await app.close();
      }
    }
  });

  it("a stream that ends without an error (a proxy closing it) ends the job with the same message, and the next Submit works", async () => {
    const iface = new tr.Interface({
      fn: async (s: string) => {
        await sleep(s === "slow" ? 20_000 : 100);
        return s.toUpperCase();
      },
      inputs: new tr.Textbox({ label: "s" }),
      outputs: "text",
      allowFlagging: "never",
      // The slow job ignores its cancel signal: it may keep running while the next one goes.
      concurrencyLimit: null,
    });
    const app = await startApp(iface);
    // A proxy in front of the app that can end the event streams cleanly, as a proxy's timeout does.
    const streams = new Set<() => void>();
    const proxy = http.createServer((req, res) => {
      const upstream = http.request({ host: "127.0.0.1", port: app.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        if (req.url?.includes("/queue/data")) {
          // Ends the browser's stream cleanly (the last chunk), as a proxy's timeout does.
          const end = () => {
            up.unpipe(res);
            res.end();
          };
          streams.add(end);
          res.on("close", () => streams.delete(end));
        }
      });
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
    const { context, page } = await newPage(browser, { width: 1280 });
    try {
      await openApp(page, url);
      await submit(page, "slow");
      await page.locator(".status-overlay").waitFor({ timeout: 10_000 });
      await expect.poll(() => streams.size, { timeout: 10_000 }).toBe(1);
      await sleep(300);
      for (const end of streams) end();
      const error = page.locator(".error-box");
      await error.waitFor({ timeout: 10_000 });
      expect(await error.innerText()).toContain("The connection to the server was lost; this result is gone. Submit again.");
      await submit(page, "fast");
      await expect.poll(() => page.getByLabel("output", { exact: true }).inputValue(), { timeout: 15_000 }).toBe("FAST");
    } finally {
      await context.close();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
      await stopNow(app);
    }
  });
});
