// Where the chatbot demo's page spends its time until it is interactive: a Chromium performance trace
// (main-thread work by kind, the longest tasks, the network waterfall) and JavaScript coverage (how much
// of each script ran before the first click). `npx tsx bench/page-trace.ts [--slow]` after `npm run build`.
import { chromium } from "playwright-core";
import { startPageServer } from "./page-server.js";

const slow = process.argv.includes("--slow");
// The page benchmark's server, in its own process.
const server = await startPageServer();
const base = server.base;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });

// Ready: the app's own Submit, drawn by its script (the skeleton's early Submit comes long before).
const READY = () => Array.from(document.querySelectorAll("button")).some((b) => b.textContent!.trim() === "Submit" && !b.disabled && b.offsetParent !== null && !b.closest(".tr-skeleton"));
// The traced visit is watched from inside the page, which says when it is ready with a console message:
// Playwright's waitForFunction would compile its own script in the page's main thread, inside the trace.
const WATCH = `new MutationObserver((ms, o) => {
  if ([...document.querySelectorAll("button")].some((b) => b.textContent.trim() === "Submit" && !b.disabled && b.offsetParent !== null && !b.closest(".tr-skeleton"))) {
    o.disconnect();
    window.__ready = performance.now();
    console.debug("tradio-trace:ready");
  }
}).observe(document, { subtree: true, childList: true, attributes: true });`;

try {
  // Warm the server and the browser once.
  {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${base}/chatbot/`);
    await page.waitForFunction(READY);
    await ctx.close();
  }
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.addInitScript(WATCH);
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  if (slow) await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 });
  await cdp.send("Profiler.enable");
  await cdp.send("Debugger.enable");
  await cdp.send("Profiler.startPreciseCoverage", { callCount: false, detailed: true });
  // The trace stays in the browser until the end (streamed after).
  const done = new Promise<string>((r) => cdp.once("Tracing.tracingComplete", (e: any) => r(e.stream)));
  await cdp.send("Profiler.setSamplingInterval", { interval: 1000 });
  await cdp.send("Profiler.start");
  await cdp.send("Tracing.start", {
    categories: "devtools.timeline,disabled-by-default-devtools.timeline,v8,v8.execute,blink,loading,toplevel,netlog,blink.user_timing",
    transferMode: "ReturnAsStream",
  } as any);
  const ready = page.waitForEvent("console", { predicate: (m) => m.text() === "tradio-trace:ready" });
  await page.goto(`${base}/chatbot/`, { waitUntil: "commit" });
  await ready;
  const marks = await page.evaluate(() => ({ ready: (window as any).__ready as number, fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime, origin: performance.timeOrigin }));
  const { result } = await cdp.send("Profiler.takePreciseCoverage");
  const { profile } = await cdp.send("Profiler.stop");
  await cdp.send("Tracing.end");
  const handle = await done;
  let text = "";
  for (;;) {
    const chunk: any = await cdp.send("IO.read", { handle, size: 1 << 20 } as any);
    text += chunk.base64Encoded ? Buffer.from(chunk.data, "base64").toString() : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send("IO.close", { handle } as any);
  const events: any[] = JSON.parse(text).traceEvents ?? JSON.parse(text);

  // CPU profile: self time by function (script file, function name), the heaviest first.
  const self = new Map<string, number>();
  const dt = new Map<number, number>();
  profile.samples!.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0) / 1000));
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/.*\//, "")}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (dt.get(n.id) ?? 0));
  }
  const byFile = new Map<string, number>();
  for (const [k, ms] of self) {
    const file = k.split(" ")[1]?.replace(/:.*/, "") || k;
    byFile.set(file || k, (byFile.get(file || k) ?? 0) + ms);
  }
  console.log("CPU profile, self ms by script:", [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([f, ms]) => `${f || "(native)"} ${ms.toFixed(0)}`).join(", "));
  console.log("CPU profile, heaviest functions (self ms):");
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${ms.toFixed(1).padStart(6)}  ${k}`);

  // Coverage: bytes of functions that ran, per script.
  const scripts = await Promise.all(
    result
      .filter((s) => s.url.includes("/assets/"))
      .map(async (s) => {
        const { scriptSource } = await cdp.send("Debugger.getScriptSource", { scriptId: s.scriptId }).catch(() => ({ scriptSource: "" }));
        const size = scriptSource.length;
        // Ranges are nested; the used bytes are those whose innermost range has a non-zero count.
        const used = new Uint8Array(size);
        for (const f of s.functions) for (const r of f.ranges) used.fill(r.count > 0 ? 1 : 0, r.startOffset, r.endOffset);
        return { url: s.url.replace(/.*\/assets\//, ""), size, used: used.reduce((n, x) => n + x, 0) };
      }),
  );
  console.log(`interactive at ${marks.ready.toFixed(0)} ms, first contentful paint ${marks.fcp?.toFixed(0)} ms${slow ? " (slow connection)" : ""}`);
  for (const s of scripts) console.log(`coverage ${s.url}: ${(s.size / 1024).toFixed(0)} KB, ${((100 * s.used) / (s.size || 1)).toFixed(0)}% ran`);

  // The renderer's main thread: time by event kind, up to the interactive mark.
  const nav = events.find((e) => e.name === "navigationStart" || e.name === "NavigationStartToFirstContentfulPaint");
  // The renderer that parsed the app's page (a navigation may swap processes).
  const main = events.find((e) => e.name === "ParseHTML" && String(e.args?.beginData?.url ?? "").includes("/chatbot/"));
  const t0 = Math.min(...events.filter((e) => e.pid === main?.pid && e.name === "ResourceSendRequest").map((e) => e.ts)) || nav?.ts;
  const onMain = events.filter((e) => e.pid === main?.pid && e.tid === main?.tid && e.ph === "X" && e.dur);
  const byName = new Map<string, number>();
  for (const e of onMain) byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
  console.log("main thread, total ms by event (nested events counted in each):");
  for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 22)) console.log(`  ${name.padEnd(34)} ${ms.toFixed(1)}`);
  console.log("main-thread tasks over 8 ms (start from the first request, duration):");
  for (const e of onMain.filter((e) => e.name === "RunTask" && e.dur > 8000)) {
    const inner = onMain
      .filter((x) => x !== e && x.ts >= e.ts && x.ts + x.dur <= e.ts + e.dur && x.dur > 3000 && x.name !== "RunTask")
      .map((x) => `${x.name}${x.args?.data?.url ? `(${String(x.args.data.url).replace(/.*\//, "")})` : ""} ${(x.dur / 1000).toFixed(0)}`)
      .slice(0, 6);
    console.log(`  +${((e.ts - t0) / 1000).toFixed(0)} ms  ${(e.dur / 1000).toFixed(0)} ms  ${inner.join(", ")}`);
  }
  console.log("network (start, end from the first request):");
  const sends = events.filter((e) => e.name === "ResourceSendRequest" && e.pid === main?.pid);
  for (const s of sends) {
    const id = s.args.data.requestId;
    const fin = events.find((e) => e.name === "ResourceFinish" && e.args?.data?.requestId === id);
    console.log(`  ${String(s.args.data.url).replace(base, "").padEnd(48)} +${((s.ts - t0) / 1000).toFixed(0)} → +${fin ? ((fin.ts - t0) / 1000).toFixed(0) : "?"} ms`);
  }
  await ctx.close();
} finally {
  await browser.close();
  server.close();
}
