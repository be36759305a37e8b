// The app of the flood benchmark, in its own process: a 10 ms async function at concurrency 8, launched
// behind a "proxy" (trustProxy), so each flooding client can stand for many addresses.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Interface } from "../../dist/index.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let calls = 0;
const iface = new Interface({
  fn: async (s: string) => {
    await sleep(10);
    calls++;
    return s;
  },
  inputs: "text",
  outputs: "text",
  concurrencyLimit: 8,
});
const app = await iface.launch({ port: 0, quiet: true, trustProxy: true });

// Resident memory, sampled every 50 ms: the peak is what the flood cost. The event loop's delay tells a
// server that is busy from a machine that is.
let peak = process.memoryUsage().rss;
setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50).unref();
const loop = monitorEventLoopDelay({ resolution: 10 });
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
loop.enable();
process.on("message", (m) => {
  if (m === "stats") process.send?.({ rss: process.memoryUsage().rss, peak, calls, loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6, cpuMs: cpuMs() });
  if (m === "reset-peak") {
    peak = process.memoryUsage().rss;
    loop.reset();
  }
});
if (process.env.FLOOD_TRACE) {
  // Diagnosis: name any turn of the event loop that held it for more than a second.
  // The CPU time the process used meanwhile tells its own work from a machine too busy to run it.
  let last = performance.now();
  let cpu = process.cpuUsage();
  setInterval(() => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    if (now - last > 1100) {
      console.error(`flood-app: event loop held ${(now - last - 100).toFixed(0)} ms, ${((used.user + used.system) / 1000).toFixed(0)} ms of CPU; ${calls} calls so far; rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
    }
    last = now;
    cpu = process.cpuUsage();
  }, 100).unref();
}
process.send?.({ port: app.port, rss: process.memoryUsage().rss });
