import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import path from "node:path";
import { expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");

it("holds a thousand connections made at once while the server is busy (listen backlog 2048, not Node's 511)", { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [tsx, path.join(root, "src", "cli.ts"), path.join(root, "test", "fixtures", "busy-app.ts"), "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const sockets: Socket[] = [];
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /Running on local URL:\s+(\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`the app exited (${code}): ${out}`)));
    });
    const { port } = new URL(url);
    // The function holds the server's event loop for 3 s: nothing is accepted meanwhile, so what
    // connects is what the kernel queues for the server.
    const busy = fetch(`${url}gradio_api/run/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: [3000] }) });
    await new Promise((r) => setTimeout(r, 300));
    let connected = 0;
    for (let i = 0; i < 1000; i++) {
      const s = connect({ port: Number(port), host: "127.0.0.1" });
      s.on("connect", () => connected++).on("error", () => {});
      sockets.push(s);
    }
    await new Promise((r) => setTimeout(r, 1500));
    // With a backlog of 511, about 512 connect and the others' SYNs are dropped until retried a second later.
    expect(connected).toBe(1000);
    expect((await (await busy).json()).data).toEqual([3000]);
  } finally {
    for (const s of sockets) s.destroy();
    child.kill("SIGTERM");
  }
});
