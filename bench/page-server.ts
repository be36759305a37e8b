// Starts the page benchmarks' server (servers/page-app.ts) in its own process, for bench/page.ts and
// bench/page-trace.ts: the chatbot demo at /chatbot/, the static page at /static.html and /bare.html.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export async function startPageServer(): Promise<{ base: string; close: () => void }> {
  const child = fork(fileURLToPath(new URL("servers/page-app.ts", import.meta.url)), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const { base } = await new Promise<{ base: string }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as { base: string }));
    child.once("exit", (code) => reject(new Error(`the page benchmark's server exited with ${code}`)));
  });
  return { base, close: () => child.disconnect() };
}
