import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "./helpers.js";

const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGTERM");
});

/** Runs the CLI from source and resolves with each URL it prints. */
function runCli(args: string[]) {
  const child = spawn(process.execPath, [tsx, path.join(root, "src", "cli.ts"), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  const urls: string[] = [];
  const waiters: ((url: string) => void)[] = [];
  let taken = 0;
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    for (const m of d.toString().matchAll(/Running on local URL:\s+(\S+)/g)) {
      urls.push(m[1]);
      const waiter = waiters.shift();
      if (waiter) {
        taken++;
        waiter(m[1]);
      }
    }
  });
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return {
    child,
    exited,
    output: () => out + err,
    /** The next URL printed that no earlier call has returned. */
    nextUrl: () =>
      new Promise<string>((resolve) => {
        if (taken < urls.length) resolve(urls[taken++]);
        else waiters.push(resolve);
      }),
  };
}

describe("tradio CLI", () => {
  it("launches a file's default-exported interface on the given port", async () => {
    const run = runCli([path.join(root, "demo", "hello", "app.ts"), "--port", "0"]);
    const url = await run.nextUrl();
    const client = await connect(url.replace(/\/$/, ""));
    expect((await client.predict("/predict", ["CLI", 1])).data).toEqual(["Hello, CLI!"]);
  });

  it("with --mcp also serves the app as an MCP server and prints its URL", async () => {
    const run = runCli([path.join(root, "demo", "hello", "app.ts"), "--port", "0", "--mcp"]);
    const url = await run.nextUrl();
    await expect.poll(() => run.output()).toMatch(/MCP server \(tools for agents\): \S+gradio_api\/mcp\//);
    const mcp = /MCP server \(tools for agents\): (\S+)/.exec(run.output())![1];
    expect(mcp).toBe(`${url}gradio_api/mcp/`);
    const init = await fetch(mcp, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "curl", version: "1" } } }),
    });
    expect(init.status).toBe(200);
    expect(init.headers.get("mcp-session-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("explains bad arguments and exits with 2", async () => {
    const missing = runCli(["does-not-exist.ts"]);
    expect(await missing.exited).toBe(2);
    expect(missing.output()).toMatch(/no such file/);
    const badPort = runCli([path.join(root, "demo", "hello", "app.ts"), "--port", "http"]);
    expect(await badPort.exited).toBe(2);
    expect(badPort.output()).toMatch(/--port must be a number/);
  });

  it("restarts with --reload when the file changes", async () => {
    const dir = path.join(root, "test-output", "reload-app");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "app.ts");
    const write = (word: string) =>
      writeFileSync(
        file,
        `import * as tr from "../../src/index.js";\nexport default new tr.Interface({ fn: () => ${JSON.stringify(word)}, inputs: [], outputs: "text" });\n`,
      );
    write("first");
    const run = runCli([file, "--reload", "--port", "0"]);
    const url1 = await run.nextUrl();
    expect((await (await connect(url1.replace(/\/$/, ""))).predict("/predict", [])).data).toEqual(["first"]);
    const next = run.nextUrl();
    write("second");
    const url2 = await next;
    expect((await (await connect(url2.replace(/\/$/, ""))).predict("/predict", [])).data).toEqual(["second"]);
  });
});
