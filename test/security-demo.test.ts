// demo/auth: the guide's `launch({ auth: ["admin", "pass1234"] })`, through the API and run directly.
import { spawn } from "node:child_process";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { handle_file } from "@gradio/client";
import demo, { launchOptions } from "../demo/auth/app.js";
import { connect, start } from "./helpers.js";

const root = path.resolve(import.meta.dirname, "..");

async function png(rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
}

describe("demo/auth", () => {
  it("keeps everything behind the login, and classifies once logged in", async () => {
    const app = await start(demo, launchOptions);
    try {
      expect((await fetch(`${app.base}/config`)).status).toBe(401);
      await expect(connect(app.base, { auth: ["admin", "wrong"] })).rejects.toThrow(/Invalid credentials/);
      const client = await connect(app.base, { auth: ["admin", "pass1234"] });
      const red = await client.predict("/predict", [handle_file(await png([230, 30, 30]))]);
      expect((red.data as { label: string }[])[0].label).toBe("red");
      const blue = await client.predict("/predict", [handle_file(await png([30, 70, 230]))]);
      expect((blue.data as { label: string }[])[0].label).toBe("blue");
    } finally {
      await app.close();
    }
  });

  it("launches itself with the login when run directly (npx tsx demo/auth/app.ts)", async () => {
    const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
    const child = spawn(process.execPath, [tsx, path.join(root, "demo", "auth", "app.ts")], {
      cwd: root,
      env: { ...process.env, TRADIO_SERVER_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /Running on local URL:\s+(\S+)/.exec(out);
          if (m) resolve(m[1].replace(/\/$/, ""));
        });
        child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
        child.on("exit", (code) => reject(new Error(`demo exited with ${code}: ${out}`)));
      });
      expect((await fetch(`${url}/config`)).status).toBe(401);
      const login = await fetch(`${url}/login`, { method: "POST", body: new URLSearchParams({ username: "admin", password: "pass1234" }) });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
      expect((await fetch(`${url}/config`, { headers: { cookie } })).status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
