// Page benchmarks for the chatbot demo, against a static page of the same server, in one run:
// - bytes over the wire until the page is interactive, as sent (compressed), on a first and a repeat visit;
// - time from navigation to an interactive page, as a ratio to the static page.
//
// "Interactive" is decided in the page itself: a script installed before any of the page's own (an init
// script) watches the DOM for an enabled button labelled Submit, notes the time, then, as a person would
// in the next moment, types a message and clicks it. The run only counts if that click does something:
// the reply must appear (the app's through its server, the static page's from its own script). The app's
// first Submit is its skeleton's, from the server's HTML: its early controls keep what is typed and queue
// the click, which the app runs once its script has drawn it (src/server/page-skeleton.ts). So three times
// are reported: that Submit (a person can act), the app's own Submit (its script has drawn it), and the
// answer to the click made at the first moment; a static page does all three at once.
//
// Nothing of the benchmark runs in the page while it loads but that script: the page tells the benchmark
// it is done with a console message (Playwright's waitForFunction would inject and compile its own script
// of several hundred KB in the page's main thread, which landed in the middle of the app's loading and
// after the static page was already done). The static page is sent with the same document headers as the
// app's page: Cross-Origin-Opener-Policy in particular makes Chromium put the page in a new browsing
// context group (a new renderer process when the tab comes from about:blank), a cost of the header, not of
// the page; a third page, static without those headers, shows what it costs. A fourth, the floor, is the
// app's own document (skeleton, embedded config, stylesheet) with a few lines of script in place of the
// app's: no page drawn by script can be ready sooner with that document, so the app's distance from the
// floor is what its own script costs, and the floor's from the static page what the document costs. The server runs in its own
// process, as in a deployment (servers/page-app.ts); the app's milestones (its performance marks) show
// where its load spends its time.
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startPageServer } from "./page-server.js";

/**
 * Installed before the page's own scripts; records `__tr.interactive` (an enabled Submit: the app's
 * skeleton draws one from the server's HTML, see below), `__tr.own` (a Submit drawn by the page's own
 * script, not the skeleton's) and `__tr.answered` (ms since navigation start).
 */
const PROBE = `(() => {
  const t = (window.__tr = {});
  const submit = (own) => [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Submit" && !b.disabled && b.offsetParent !== null && !(own && b.closest(".tr-skeleton")));
  const observer = new MutationObserver(() => {
    if (t.interactive === undefined) {
      const button = submit(false);
      if (!button) return;
      t.interactive = performance.now();
      setTimeout(() => {
        // The page may have swapped its skeleton for its own controls meanwhile: a person clicks what is there.
        const field = document.querySelector("main textarea, main input");
        field.value = "How are you?";
        field.dispatchEvent(new Event("input", { bubbles: true }));
        (button.isConnected ? button : submit(false)).click();
        t.clicked = performance.now();
      }, 0);
    }
    if (t.own === undefined && submit(true)) t.own = performance.now();
    if (t.clicked !== undefined && t.answered === undefined && /\\bGood\\b/.test(document.querySelector("main").textContent)) {
      t.answered = performance.now();
      observer.disconnect();
      console.debug("tradio-bench:answered");
    }
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
})();`;

interface Visit {
  /** From the navigation's start (the request) to an enabled Submit, in the page's clock. */
  interactive: number;
  /** To a Submit drawn by the page's script (the app's own controls; the static page's only one). */
  own: number;
  /** To the reply of the click made then. */
  answered: number;
  /** To the first paint with content (the app's skeleton, or the static page). */
  painted: number;
  /** Milestones of the load in the page's clock (the app's marks, see frontend/src/main.ts; NaN on the static page). */
  phases: Record<string, number>;
  /** From the benchmark's goto() call to an enabled Submit: what the first version of this benchmark timed. */
  wall: number;
  /** Bytes received for the page's own requests (not the call's), as sent, headers included; and decoded body bytes. */
  sent: number;
  decoded: number;
  requests: string[];
}

/** A slow connection (Chromium's emulation): 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up. */
const SLOW = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };

async function visit(context: BrowserContext, page: Page, url: string, slow = false): Promise<Visit> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  if (slow) await cdp.send("Network.emulateNetworkConditions", SLOW);
  const urls = new Map<string, string>();
  const decodedBy = new Map<string, number>();
  const sentBy = new Map<string, number>();
  cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
  cdp.on("Network.dataReceived", (e) => decodedBy.set(e.requestId, (decodedBy.get(e.requestId) ?? 0) + e.dataLength));
  cdp.on("Network.loadingFinished", (e) => sentBy.set(e.requestId, e.encodedDataLength));
  const started = Date.now();
  const answered = page.waitForEvent("console", { predicate: (m) => m.text() === "tradio-bench:answered", timeout: 30_000 });
  await page.goto(url, { waitUntil: "commit" });
  await answered.catch(async (e: Error) => {
    // Say where the page stood, so that a lost click is told from a slow one.
    const state = await page.evaluate(() => ({ probe: (window as any).__tr, skeleton: !!document.querySelector(".tr-skeleton"), text: document.body.textContent?.trim().slice(0, 200) }));
    throw new Error(`${url}: no answer in 30 s (${JSON.stringify(state)})`, { cause: e });
  });
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    // (No named functions in here: tsx would wrap them in a helper the page does not have.)
    const marks: Record<string, number> = Object.fromEntries(performance.getEntriesByType("mark").map((m) => [m.name, m.startTime]));
    return {
      ...(window as any).__tr,
      origin: performance.timeOrigin,
      painted: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
      phases: {
        "HTML received": nav?.responseEnd ?? NaN,
        "HTML parsed": nav?.domInteractive ?? NaN,
        "script ran": marks["tradio:script"] ?? NaN,
        "stylesheet loaded": marks["tradio:styles"] ?? NaN,
        "views loaded": marks["tradio:views"] ?? NaN,
        "app drawn": marks["tradio:drawn"] ?? NaN,
      },
    };
  });
  await cdp.detach();
  // The page's own requests: the call's (queue join and its event stream) are what the click did.
  const own = [...urls].filter(([, u]) => !u.includes("/queue/"));
  return {
    interactive: t.interactive,
    own: t.own ?? t.interactive,
    answered: t.answered,
    painted: t.painted,
    phases: t.phases,
    wall: t.origin + t.interactive - started,
    sent: own.reduce((n, [id]) => n + (sentBy.get(id) ?? 0), 0),
    decoded: own.reduce((n, [id]) => n + (decodedBy.get(id) ?? 0), 0),
    requests: own.map(([, u]) => new URL(u).pathname),
  };
}

async function freshVisit(browser: Browser, url: string, slow = false): Promise<Visit> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(PROBE);
    return await visit(context, page, url, slow);
  } finally {
    await context.close();
  }
}

/** A second visit in the same browser context: the hashed assets come from its cache. */
async function repeatVisit(browser: Browser, url: string): Promise<Visit> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(PROBE);
    await visit(context, page, url);
    await page.goto("about:blank");
    return await visit(context, page, url);
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const server = await startPageServer();
const base = server.base;
const appUrl = `${base}/chatbot/`;
const staticUrl = `${base}/static.html`;
const bareUrl = `${base}/bare.html`;
const floorUrl = `${base}/floor/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  // Bytes, first and repeat visit.
  const first = await freshVisit(browser, appUrl);
  const again = await repeatVisit(browser, appUrl);
  console.log(
    `page weight, chatbot demo, until interactive (target <= 150 KB): first visit ${kb(first.sent)} over the wire (${kb(first.decoded)} decoded) in ${first.requests.length} requests ` +
      `[${first.requests.join(", ")}]; repeat visit ${kb(again.sent)} in ${again.requests.length} [${again.requests.join(", ")}]`,
  );

  // Time, alternating the app and the static pages, each in a fresh context (a first visit), then repeat visits.
  for (let i = 0; i < 3; i++) await freshVisit(browser, i % 2 ? staticUrl : appUrl); // warm caches and JIT
  const rounds = Number(process.env.PAGE_ROUNDS ?? 11);
  for (const [name, run] of [
    ["first visit", (b: Browser, u: string) => freshVisit(b, u)],
    ["repeat visit", repeatVisit],
    ["first visit on a slow connection (150 ms RTT, 1.6 Mbit/s)", (b: Browser, u: string) => freshVisit(b, u, true)],
  ] as const) {
    const app: Visit[] = [];
    const plain: Visit[] = [];
    const bare: Visit[] = [];
    const floor: Visit[] = [];
    for (let i = 0; i < rounds; i++) {
      app.push(await run(browser, appUrl));
      plain.push(await run(browser, staticUrl));
      bare.push(await run(browser, bareUrl));
      floor.push(await run(browser, floorUrl));
    }
    const ratioOf = (vs: Visit[], pick: (v: Visit) => number) => median(vs.map((a, i) => pick(a) / pick(plain[i]))).toFixed(2);
    const ratio = (pick: (v: Visit) => number) => ratioOf(app, pick);
    const ms = (vs: Visit[], pick: (v: Visit) => number) => `${median(vs.map(pick)).toFixed(0)} ms`;
    console.log(
      `time to interactive, ${name}: navigation to an enabled Submit whose click is answered (the app's: its skeleton's early controls): chatbot ${ms(app, (v) => v.wall)}, static ${ms(plain, (v) => v.wall)}, ` +
        `ratio ${ratio((v) => v.wall)} (target <= 1.5; from the goto() call, median of ${rounds} alternating pairs); ` +
        `in the page's clock from navigation start: chatbot ${ms(app, (v) => v.interactive)}, static ${ms(plain, (v) => v.interactive)}, ratio ${ratio((v) => v.interactive)}; ` +
        `first paint with content: chatbot ${ms(app, (v) => v.painted)}, static ${ms(plain, (v) => v.painted)}; ` +
        `the static page without the app's document headers (no Cross-Origin-Opener-Policy): ${ms(bare, (v) => v.wall)} from the goto() call, ${ms(bare, (v) => v.interactive)} in the page's clock`,
    );
    console.log(
      `  the app's own Submit (drawn by its script), ${name}: chatbot ${ms(app, (v) => v.own)}, ratio ${ratio((v) => v.own)} to the static page's; ` +
        `the click made at the first moment answered: chatbot ${ms(app, (v) => v.answered)}, static ${ms(plain, (v) => v.answered)}, ratio ${ratio((v) => v.answered)}`,
    );
    console.log(
      `  the floor, ${name}: the app's document with a few lines of script in place of the app's: ${ms(floor, (v) => v.wall)} from the goto() call, ratio ${ratioOf(floor, (v) => v.wall)} to the static page; ` +
        `its own Submit at ${ms(floor, (v) => v.own)}, ratio ${ratioOf(floor, (v) => v.own)}; HTML parsed at ${ms(floor, (v) => v.phases["HTML parsed"])}; ` +
        `the app's own Submit takes ${median(app.map((a, i) => a.own / floor[i].own)).toFixed(2)} times the floor's`,
    );
    // Where the app's load spends its time: the median of each milestone, in the page's clock.
    console.log(`  the app's milestones, ${name}: ${Object.keys(app[0].phases).map((k) => `${k} ${ms(app, (v) => v.phases[k])}`).join(", ")}, interactive ${ms(app, (v) => v.interactive)}`);
  }
} finally {
  await browser.close();
  server.close();
}
