#!/usr/bin/env node
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { launchCount } from "./server/launch.js";

const USAGE = `Usage: tradio <app.ts|app.js> [--reload] [--port N] [--host H] [--mcp] [--redis URL] [--role R] [--processes N]

Runs a file that launches an Interface, or default-exports one (then tradio launches it).
  --reload   restart when the file or anything it imports changes
  --mcp      also serve the app as an MCP server (tools for agents) at /gradio_api/mcp/
  --port N   port to listen on (default 7860; 0 = any free port)
  --host H   address to listen on (default 127.0.0.1)
  --redis URL               share the queue with other processes through Redis (redis://host:6379)
  --role web|worker|both    with --redis: take requests only, run calls only, or both (default)
  --worker-concurrency N    with --redis: calls of one event this process runs at once
  --drain-timeout S         with --redis: on SIGTERM, seconds the running calls may take to finish before they are handed back (default 30)
  --processes N             with --redis: fork N processes on this host that share the port; a crashed one is restarted`;

/** Flags that set an environment variable launch() reads, and what their values must look like. */
const ENV_FLAGS: Record<string, { env: string; check: (v: string) => string | null }> = {
  "--redis": { env: "TRADIO_REDIS_URL", check: (v) => (/^rediss?:\/\//.test(v) ? null : "must be a redis:// or rediss:// URL") },
  "--role": { env: "TRADIO_ROLE", check: (v) => (["web", "worker", "both"].includes(v) ? null : "must be web, worker or both") },
  "--worker-concurrency": { env: "TRADIO_WORKER_CONCURRENCY", check: (v) => (/^[1-9]\d{0,5}$/.test(v) ? null : "must be a positive integer") },
  "--drain-timeout": { env: "TRADIO_DRAIN_TIMEOUT", check: (v) => (/^\d+(\.\d+)?$/.test(v) && Number(v) <= 86_400 ? null : "must be seconds from 0 to 86400") },
  "--processes": { env: "TRADIO_PROCESSES", check: (v) => (/^[1-9]\d{0,3}$/.test(v) ? null : "must be a positive integer") },
};

interface Args {
  file: string;
  reload: boolean;
  port?: string;
  host?: string;
}

function parse(argv: string[]): Args {
  let file: string | undefined;
  let reload = false;
  let port: string | undefined;
  let host: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--reload") reload = true;
    else if (a === "--mcp") process.env.TRADIO_MCP_SERVER = "true";
    else if (a.split("=")[0] in ENV_FLAGS) {
      const name = a.split("=")[0];
      const v = a.includes("=") ? a.slice(name.length + 1) : argv[++i];
      if (v === undefined) fail(`${name} needs a value`);
      const problem = ENV_FLAGS[name].check(v);
      if (problem) fail(`${name} ${problem}, got ${v}`);
      process.env[ENV_FLAGS[name].env] = v;
    } else if (a === "--port" || a === "--host") {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      if (a === "--port") port = v;
      else host = v;
    } else if (a.startsWith("--port=")) port = a.slice(7);
    else if (a.startsWith("--host=")) host = a.slice(7);
    else if (a === "-h" || a === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith("-")) fail(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else fail(`unexpected argument ${a}`);
  }
  if (!file) fail("no app file given");
  if (port !== undefined && !/^\d{1,5}$/.test(port)) fail(`--port must be a number from 0 to 65535, got ${port}`);
  const processes = process.env.TRADIO_PROCESSES;
  if (processes !== undefined && processes !== "1" && !process.env.TRADIO_REDIS_URL) {
    fail(`--processes ${processes} needs --redis URL (or TRADIO_REDIS_URL): the processes share the queue, state and logins through Redis`);
  }
  return { file: file!, reload, port, host };
}

function fail(message: string): never {
  console.error(`tradio: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function run(args: Args): Promise<void> {
  const file = path.resolve(args.file);
  if (!existsSync(file)) fail(`no such file: ${args.file}`);
  if (args.port !== undefined) process.env.TRADIO_SERVER_PORT = args.port;
  if (args.host !== undefined) process.env.TRADIO_SERVER_NAME = args.host;
  if (args.reload) return watch(file, args);
  const before = launchCount();
  const url = pathToFileURL(file).href;
  // Under `tsx watch` (--reload) the tsx loader is already active, and a plain import lets it track the
  // file's imports; otherwise tsx is registered just for this file.
  type AppModule = { default?: { launch?: (opts?: object) => Promise<unknown> }; launchOptions?: object };
  let mod: AppModule;
  try {
    mod = (process.env.TRADIO_RELOAD_CHILD ? await import(url) : await (await import("tsx/esm/api")).tsImport(url, import.meta.url)) as AppModule;
  } catch (err) {
    // A worker that cannot load the app must not take calls; nothing has connected to Redis yet.
    console.error(`tradio: cannot load ${args.file}${process.env.TRADIO_ROLE === "worker" ? " (the worker does not start)" : ""}:`, err);
    process.exit(1);
  }
  // A file that launched its own app is left alone; otherwise its default export is launched.
  if (launchCount() === before) {
    const app = mod.default;
    if (!app || typeof app.launch !== "function") {
      fail(`${args.file} neither launched an app nor default-exports one (export default new tr.Interface({...}))`);
    }
    // A file may export `launchOptions` (auth, for example) for the launch the CLI makes.
    try {
      await app.launch(mod.launchOptions);
    } catch (err) {
      // A launch that cannot happen (Redis not answering, a port taken) is a message, not a stack trace.
      const code = (err as { code?: unknown }).code;
      console.error(`tradio: ${err instanceof Error ? err.message : String(err)}${typeof code === "string" ? ` (${code})` : ""}`);
      process.exit(1);
    }
  }
}

/** tsx's watch mode reruns this CLI (without --reload) whenever the file or one of its imports changes. */
function watch(file: string, args: Args): void {
  const tsxCli = fileURLToPath(import.meta.resolve("tsx/cli"));
  const self = fileURLToPath(import.meta.url);
  const childArgs = [tsxCli, "watch", "--clear-screen=false", self, file];
  if (args.port !== undefined) childArgs.push("--port", args.port);
  if (args.host !== undefined) childArgs.push("--host", args.host);
  const child = spawn(process.execPath, childArgs, { stdio: "inherit", env: { ...process.env, TRADIO_RELOAD_CHILD: "1" } });
  const stop = () => child.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code) => process.exit(code ?? 0));
}

await run(parse(process.argv.slice(2)));
