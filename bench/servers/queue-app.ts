// Apps for the queue benchmarks, launched in their own process; prints its port to the parent.
import { Interface } from "../../dist/index.js";
import { tokens } from "./tokens.js";

const mode = process.argv[2];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let iface;
if (mode === "stream") {
  iface = new Interface({ fn: tokens, inputs: "text", outputs: "text", concurrencyLimit: null });
} else if (mode === "drain") {
  iface = new Interface({ fn: async (s: string) => (await sleep(20), s), inputs: "text", outputs: "text", concurrencyLimit: 4 });
} else if (mode === "idle") {
  // Jobs that wait until the parent says so, so every client holds an open stream.
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  process.on("message", (m) => m === "release" && release());
  iface = new Interface({ fn: async (s: string) => (await released, s), inputs: "text", outputs: "text", concurrencyLimit: null });
} else throw new Error(`unknown mode ${mode}`);

const app = await iface.launch({ port: 0, quiet: true });
process.on("message", (m) => {
  if (m === "rss") process.send?.({ rss: process.memoryUsage().rss });
});
process.send?.({ port: app.port, rss: process.memoryUsage().rss });
