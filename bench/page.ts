// Page benchmarks: bytes of JS + CSS the chatbot demo loads (gzipped), and time from navigation to an
// interactive page in headless chromium, as a ratio to a static HTML page of the same server.
import { gzipSync } from "node:zlib";
import Fastify from "fastify";
import { chromium } from "playwright-core";
import { Interface, mountApp } from "../dist/index.js";

function chat(message: string, history: [string, string][] = []) {
  history.push([message, message.startsWith("How") ? "Good" : "I don't know"]);
  return [history, history];
}

const STATIC = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>static</title></head>
<body><main class="app"><label>msg <input></label><button>Submit</button></main></body></html>`;

const server = Fastify({ logger: false });
const demo = new Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"], allowFlagging: "never" });
await server.register(async (f) => void (await mountApp(f, demo, { prefix: "/chatbot" })), { prefix: "/chatbot" });
server.get("/static.html", async (_req, reply) => reply.type("text/html; charset=utf-8").send(STATIC));
const base = await server.listen({ port: 0, host: "127.0.0.1" });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  // Bytes: every JS and CSS response of a page load, gzipped as a server would send them.
  const context = await browser.newContext();
  const page = await context.newPage();
  const bodies: Promise<number>[] = [];
  page.on("response", (res) => {
    const type = res.headers()["content-type"] ?? "";
    if (/javascript|css/.test(type)) bodies.push(res.body().then((b) => gzipSync(b, { level: 9 }).length));
  });
  await page.goto(`${base}/chatbot/`);
  await page.locator("main.app:not(.loading) button", { hasText: "Submit" }).waitFor();
  const bytes = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
  await context.close();
  console.log(`page weight: ${(bytes / 1024).toFixed(1)} KB of JS + CSS gzipped for the chatbot demo (target <= 150 KB)`);

  // Time to interactive, alternating the app and the static page in fresh contexts.
  const timeTo = async (url: string) => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    const started = performance.now();
    await p.goto(url, { waitUntil: "commit" });
    await p.locator("main.app:not(.loading) button", { hasText: "Submit" }).waitFor();
    const ms = performance.now() - started;
    await ctx.close();
    return ms;
  };
  for (let i = 0; i < 3; i++) await timeTo(`${base}/chatbot/`); // warm caches and JIT
  const ratios: number[] = [];
  const app: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < 9; i++) {
    app.push(await timeTo(`${base}/chatbot/`));
    plain.push(await timeTo(`${base}/static.html`));
    ratios.push(app[i] / plain[i]);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `time to interactive: chatbot page ${median(app).toFixed(0)} ms, static page ${median(plain).toFixed(0)} ms, ratio ${median(ratios).toFixed(2)} (median of ${ratios.length} alternating loads)`,
  );
} finally {
  await browser.close();
  await server.close();
}
