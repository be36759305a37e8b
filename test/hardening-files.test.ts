// Regression tests for the file findings of the [hardening] issue (uploads, URL inputs, the temp folder):
// each fails on a server without its fix.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post } from "./helpers.js";

const META = { _type: "gradio.FileData" };
const root = fileURLToPath(new URL("..", import.meta.url));
let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "tradio-hard-files-"));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Serves `/<n>.bin` as n MiB generated on the fly (never held). */
function bytesServer(): Server {
  const mib = Buffer.alloc(1 << 20, 7);
  return createServer((req, res) => {
    const size = Number(/^\/(\d+)\.bin(\?|$)/.exec(req.url ?? "")?.[1] ?? 0) << 20;
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": size });
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += mib.length;
        if (!res.write(mib)) return void res.once("drain", pump);
      }
      res.end();
    };
    pump();
  });
}

const run = (base: string, data: unknown[], cookie?: string, api = "predict") => post(base, `/gradio_api/run/${api}`, { data }, cookie ? { cookie } : {});

describe("URL inputs stream to disk (finding 3)", () => {
  const source = bytesServer();
  let port: number;
  beforeAll(async () => {
    port = await listen(source);
  });
  afterAll(() => new Promise<void>((r) => source.close(() => r())));

  it(
    "six parallel 100 MB URL inputs keep the server's resident memory far below their size",
    async () => {
      if (!existsSync("/proc/self/status")) return; // resident memory is read from Linux's /proc
      const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "test", "fixtures", "file-app.ts")], {
        cwd: root,
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, TRADIO_TEMP_DIR: path.join(work, "memory-store"), TRADIO_TEST_OPTIONS: JSON.stringify({ fetchAllowList: ["127.0.0.1"] }) },
      });
      try {
        const appPort = await new Promise<number>((resolve, reject) => {
          child.stdout!.on("data", (d) => {
            const m = /PORT (\d+)/.exec(String(d));
            if (m) resolve(Number(m[1]));
          });
          child.once("exit", (code) => reject(new Error(`the app exited (${code})`)));
        });
        const peak = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) * 1024;
        const answers = await Promise.all(
          Array.from({ length: 6 }, (_, i) => run(`http://127.0.0.1:${appPort}`, [{ path: `http://127.0.0.1:${port}/100.bin?${i}`, meta: META }])),
        );
        expect(answers.map((a) => [a.status, a.json.data])).toEqual(Array.from({ length: 6 }, () => [200, [String(100 << 20)]]));
        // Read into memory, the six bodies alone were 600 MB (1.4 GB peak measured); streamed, the
        // whole process peaks around 150 MB.
        expect(peak()).toBeLessThan(320 * 2 ** 20);
      } finally {
        child.kill();
      }
    },
    30_000,
  );

});
