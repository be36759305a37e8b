// Regression tests for the file findings of the [hardening] issue (uploads, URL inputs, the temp folder):
// each fails on a server without its fix.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { DiskFileStore } from "../src/runtime/file-store.js";
import { post, rawGet, start } from "./helpers.js";

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

/** Serves `/<n>.bin` as n MiB generated on the fly (never held), `/cut` as a body that stops halfway. */
function bytesServer(): Server {
  const mib = Buffer.alloc(1 << 20, 7);
  return createServer((req, res) => {
    if (req.url === "/cut") {
      res.writeHead(200, { "content-length": 2 << 20 });
      res.write(mib);
      setTimeout(() => res.destroy(), 50);
      return;
    }
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

async function upload(base: string, name: string, data: string | Buffer, cookie?: string): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append("files", new Blob([typeof data === "string" ? data : new Uint8Array(data)]), name);
  const res = await fetch(`${base}/gradio_api/upload`, { method: "POST", body: form, headers: cookie ? { cookie } : {} });
  return { status: res.status, body: await res.json() };
}

const run = (base: string, data: unknown[], cookie?: string, api = "predict") => post(base, `/gradio_api/run/${api}`, { data }, cookie ? { cookie } : {});
const getFile = (base: string, file: string, cookie?: string) => fetch(`${base}/gradio_api/file=${file}`, { headers: cookie ? { cookie } : {} });

/** The store folder of an app, from a path it stored: `<base>/app-…/<area>/<sha256>/<name>`. */
const appFolder = (stored: string) => path.dirname(path.dirname(path.dirname(stored)));

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

  it("keeps nothing of a URL input cut at maxFileSize or cut short by its server, and frees its reservation", async () => {
    const base = path.join(work, "cut-store");
    const files = new DiskFileStore({ dir: base, fetchPolicy: { allow: ["127.0.0.1"], maxBytes: 3 << 20 }, maxStoreSize: 8 << 20 }).forCaller(null);
    await expect(files.fetchUrl(`http://127.0.0.1:${port}/5.bin`)).rejects.toThrowCode("TR_ERR_FILE_TOO_LARGE");
    await expect(files.fetchUrl(`http://127.0.0.1:${port}/cut`)).rejects.toThrowCode("TR_ERR_FETCH_FAILED");
    const [app] = await readdir(base);
    expect(await readdir(path.join(base, app))).toEqual([]); // no .incoming- file, no content folder
    // Nothing stayed reserved: two files of 3 MiB still fit in the 8 MiB store.
    const stored = await files.fetchUrl(`http://127.0.0.1:${port}/3.bin`);
    expect((await stat(stored)).size).toBe(3 << 20);
    expect(path.basename(stored)).toBe("3.bin");
  });
});

describe("the temp folder (finding 7)", () => {
  const original = process.env.TRADIO_TEMP_DIR;
  afterEach(() => {
    if (original === undefined) delete process.env.TRADIO_TEMP_DIR;
    else process.env.TRADIO_TEMP_DIR = original;
  });

  it("is created with mode 0700, with one folder per store inside", async () => {
    const base = path.join(work, "fresh", "tradio");
    const store = new DiskFileStore({ dir: base });
    const folder = await store.folder();
    expect((await stat(base)).mode & 0o777).toBe(0o700);
    expect(path.dirname(folder)).toBe(base);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    await store.close();
    expect(existsSync(folder)).toBe(false);
  });

  it("is refused when others may write to it, when it belongs to another user, or when it is a link, naming the folder and what to do", async () => {
    const open = path.join(work, "world-writable");
    await mkdir(open);
    await chmod(open, 0o777);
    await expect(new DiskFileStore({ dir: open }).folder()).rejects.toThrowCode("TR_ERR_STORE_UNSAFE", /world-writable.*other users may write.*TRADIO_TEMP_DIR/);

    const theirs = path.join(work, "theirs");
    await mkdir(theirs, { mode: 0o700 });
    if (process.getuid?.() === 0) await chown(theirs, 65534, 65534);
    const other = process.getuid?.() === 0 ? theirs : "/";
    await expect(new DiskFileStore({ dir: other }).folder()).rejects.toThrowCode("TR_ERR_STORE_UNSAFE", /belongs to another user.*TRADIO_TEMP_DIR/);

    const mine = path.join(work, "mine");
    await mkdir(mine, { mode: 0o700 });
    const link = path.join(work, "link-to-mine");
    await symlink(mine, link);
    await expect(new DiskFileStore({ dir: link }).folder()).rejects.toThrowCode("TR_ERR_STORE_UNSAFE", /symbolic link/);
  });

  it("stops a launch, not a request, when the default folder is unsafe", async () => {
    const open = path.join(work, "world-writable-launch");
    await mkdir(open);
    await chmod(open, 0o777);
    process.env.TRADIO_TEMP_DIR = open;
    const iface = new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", allowFlagging: "never" });
    await expect(start(iface)).rejects.toThrowCode("TR_ERR_STORE_UNSAFE", new RegExp(open));
  });

  it("never writes through a link planted where a file or its folder goes, and stores the same bytes twice", async () => {
    const store = new DiskFileStore({ dir: path.join(work, "links"), fetchPolicy: { allow: ["127.0.0.1"] } });
    const victim = path.join(work, "victim.txt");
    await writeFile(victim, "precious");
    const bytes = Buffer.from("attacker's bytes");

    // A link at the file's own name: save(), saveStream() and URL inputs replace the link, never follow it.
    const first = await store.save(bytes, "x.txt");
    expect(await store.save(bytes, "x.txt")).toBe(first); // the same bytes twice: the same file
    for (const write of [() => store.save(bytes, "x.txt"), () => store.saveStream((async function* () { yield bytes; })(), "x.txt")]) {
      await rm(first);
      await symlink(victim, first);
      expect(await write()).toBe(first);
      expect(await readFile(victim, "utf8")).toBe("precious");
      expect((await lstat(first)).isFile()).toBe(true);
      expect(await readFile(first, "utf8")).toBe("attacker's bytes");
    }

    // A link at the content folder's name, leading to another folder.
    const elsewhere = path.join(work, "elsewhere");
    await mkdir(elsewhere);
    await rm(path.dirname(first), { recursive: true });
    await symlink(elsewhere, path.dirname(first));
    expect(await store.save(bytes, "x.txt")).toBe(first);
    expect(await readdir(elsewhere)).toEqual([]);
    expect((await lstat(path.dirname(first))).isDirectory()).toBe(true);

    // A URL input (the finding): fetched to the path where a link waits.
    const server = createServer((_req, res) => res.end(bytes));
    const port = await listen(server);
    try {
      const caller = store.forCaller(null);
      const fetched = await caller.fetchUrl(`http://127.0.0.1:${port}/x.txt`);
      await rm(fetched);
      await symlink(victim, fetched);
      expect(await caller.fetchUrl(`http://127.0.0.1:${port}/x.txt`)).toBe(fetched);
      expect(await readFile(victim, "utf8")).toBe("precious");
    } finally {
      server.close();
    }
  });
});

describe("uploads expire and the store is bounded (finding 9)", () => {
  it("deletes callers' files not used for deleteCache's age, keeps the author's, and removes everything when the app closes", async () => {
    const example = path.join(work, "example.txt");
    await writeFile(example, "an example");
    const iface = new tr.Interface({ fn: (f: string | null) => path.basename(f!), inputs: "file", outputs: "text", examples: [[example]], allowFlagging: "never" });
    const app = await start(iface, { deleteCache: [0.1, 1] });
    let folder = "";
    try {
      const config = await (await fetch(`${app.base}/config`)).json();
      const examplePath = JSON.stringify(config).match(/"path":"([^"]*example\.txt)"/)![1];
      const { body } = await upload(app.base, "old.txt", "uploaded long ago");
      const old = body[0] as string;
      folder = appFolder(old);
      const kept = (await upload(app.base, "used.txt", "used all along")).body[0] as string;
      expect((await getFile(app.base, old)).status).toBe(200);
      // Used now and then (as an input): kept; never used again: deleted once a second has passed.
      const until = Date.now() + 2500;
      while (Date.now() < until) {
        expect((await run(app.base, [{ path: kept, meta: META }])).status).toBe(200);
        await new Promise((r) => setTimeout(r, 300));
      }
      await expect.poll(() => existsSync(old), { timeout: 3000 }).toBe(false);
      expect((await getFile(app.base, old)).status).toBe(403);
      expect((await run(app.base, [{ path: old, meta: META }])).json.code).toBe("TR_ERR_FILE_PATH");
      expect(existsSync(kept)).toBe(true);
      expect((await getFile(app.base, examplePath)).status).toBe(200); // the author's example stays
    } finally {
      await app.close();
    }
    expect(existsSync(folder)).toBe(false);
  });

  it("refuses uploads past maxStoreSize with 507 and keeps nothing of them; room comes back as files expire", async () => {
    const iface = new tr.Interface({ fn: (f: string | null) => path.basename(f!), inputs: "file", outputs: "text", allowFlagging: "never" });
    const app = await start(iface, { maxStoreSize: 10_000, deleteCache: [3600, 3600] });
    try {
      const first = await upload(app.base, "a.bin", Buffer.alloc(6000, 1));
      expect(first.status).toBe(200);
      const refused = await upload(app.base, "b.bin", Buffer.alloc(6000, 2));
      expect(refused.status).toBe(507);
      expect(refused.body.code).toBe("TR_ERR_STORE_FULL");
      expect(refused.body.error).toMatch(/full/);
      const folder = appFolder(first.body[0]);
      const names = (await readdir(path.join(folder, "anon"))).concat(await readdir(folder));
      expect(names.filter((n) => n.startsWith(".incoming-"))).toEqual([]);
      expect(names).not.toContain(createHash("sha256").update(Buffer.alloc(6000, 2)).digest("hex"));
      // Thirty 9 MB uploads (the finding) are bounded the same way; small ones still fit.
      expect((await upload(app.base, "c.bin", Buffer.alloc(3000, 3))).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("refuses a URL input that does not fit, before reading it", async () => {
    const source = bytesServer();
    const port = await listen(source);
    const store = new DiskFileStore({ dir: path.join(work, "full"), fetchPolicy: { allow: ["127.0.0.1"] }, maxStoreSize: 2 << 20 });
    try {
      await expect(store.forCaller(null).fetchUrl(`http://127.0.0.1:${port}/3.bin`)).rejects.toThrowCode("TR_ERR_STORE_FULL");
      // The author's own files (examples) are not refused.
      await store.save(Buffer.alloc(3 << 20), "example.bin");
    } finally {
      source.close();
      await store.close();
    }
  });

  it("removes the folders of stores whose process was killed, once their files are older than deleteCache's age", async () => {
    const base = path.join(work, "orphans");
    await mkdir(base, { recursive: true, mode: 0o700 });
    let deadPid = 4_000_000;
    while (existsSync(`/proc/${deadPid}`)) deadPid++;
    const folder = async (name: string, ageSeconds: number) => {
      const file = path.join(base, name, "anon", "f".repeat(64), "upload.bin");
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, "left behind");
      const then = new Date(Date.now() - ageSeconds * 1000);
      for (const p of [file, path.dirname(file), path.dirname(path.dirname(file)), path.join(base, name)]) await utimes(p, then, then);
      return path.join(base, name);
    };
    const killedLongAgo = await folder(`app-${deadPid}-aaaaaaaaaaaa`, 120);
    const killedJustNow = await folder(`app-${deadPid}-bbbbbbbbbbbb`, 10);
    const running = await folder(`app-1-cccccccccccc`, 120); // pid 1 runs
    const store = new DiskFileStore({ dir: base, deleteCache: [3600, 60] });
    await store.folder();
    await expect.poll(() => existsSync(killedLongAgo)).toBe(false);
    expect(existsSync(killedJustNow)).toBe(true);
    expect(existsSync(running)).toBe(true);
    await store.close();
  });

  it("sweeps by age since last use, and recounts what the store holds", async () => {
    const store = new DiskFileStore({ dir: path.join(work, "sweep"), deleteCache: [3600, 60], maxStoreSize: 100 });
    const caller = store.forCaller("ada");
    const a = await caller.save(Buffer.alloc(60, 1), "a.bin");
    await expect(caller.save(Buffer.alloc(60, 2), "b.bin")).rejects.toThrowCode("TR_ERR_STORE_FULL");
    const shared = await store.save(Buffer.alloc(30, 3), "example.bin");
    await store.sweep(Date.now() + 30_000);
    expect(existsSync(a)).toBe(true);
    await store.sweep(Date.now() + 61_000);
    expect(existsSync(a)).toBe(false);
    expect(existsSync(shared)).toBe(true);
    await caller.save(Buffer.alloc(60, 2), "b.bin"); // room again
    await store.close();
  });
});

describe("uploads belong to their app and, with auth, their login (finding 15)", () => {
  async function login(base: string, username: string, password: string): Promise<string> {
    const res = await fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ username, password }) });
    expect(res.status).toBe(200);
    return (res.headers.get("set-cookie") ?? "").split(";")[0];
  }

  it("another app on the same machine neither serves an app's uploads nor accepts them as inputs", async () => {
    const make = () => new tr.Interface({ fn: (f: string | null) => readFileSync(f!, "utf8"), inputs: "file", outputs: "text", allowFlagging: "never" });
    const a = await start(make(), { auth: [["admin", "secret-pass"]] });
    const b = await start(make());
    try {
      const cookie = await login(a.base, "admin", "secret-pass");
      const stored = (await upload(a.base, "private.txt", "a's secret", cookie)).body[0] as string;
      expect(await (await getFile(a.base, stored, cookie)).text()).toBe("a's secret");
      expect((await getFile(b.base, stored)).status).toBe(403);
      expect((await rawGet(b.base, `/gradio_api/file=${stored}`)).status).toBe(403);
      const used = await run(b.base, [{ path: stored, meta: META }]);
      expect([used.status, used.json.code]).toEqual([422, "TR_ERR_FILE_PATH"]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("with auth, a login's uploads and outputs are neither served to nor accepted from another login; examples and calls from code still work", async () => {
    const example = path.join(work, "shared-example.txt");
    await writeFile(example, "for everyone");
    const iface = new tr.Interface({
      fn: (f: string | null) => f, // returns the input file as the output
      inputs: "file",
      outputs: "file",
      examples: [[example]],
      allowFlagging: "manual",
      flaggingDir: path.join(work, "flags"),
    });
    const app = await start(iface, { auth: [["alice", "alice-pass"], ["bob", "bob-pass"]] });
    try {
      const alice = await login(app.base, "alice", "alice-pass");
      const bob = await login(app.base, "bob", "bob-pass");
      const stored = (await upload(app.base, "alice.txt", "alice's file", alice)).body[0] as string;
      expect((await getFile(app.base, stored, alice)).status).toBe(200);
      expect((await getFile(app.base, stored, bob)).status).toBe(403);
      const stolen = await run(app.base, [{ path: stored, meta: META }], bob);
      expect([stolen.status, stolen.json.code]).toEqual([422, "TR_ERR_FILE_PATH"]);
      const flagged = await run(app.base, [{ path: stored, meta: META }, null, ""], bob, "flag");
      expect([flagged.status, flagged.json.code]).toEqual([422, "TR_ERR_FILE_PATH"]);

      // Alice's own call: her output is hers to read.
      const mine = await run(app.base, [{ path: stored, meta: META }], alice);
      expect(mine.status).toBe(200);
      const output = mine.json.data[0].path as string;
      expect(await (await getFile(app.base, output, alice)).text()).toBe("alice's file");
      expect((await getFile(app.base, output, bob)).status).toBe(403);

      // Bob uploading the very same bytes gets his own copy.
      const bobs = (await upload(app.base, "alice.txt", "alice's file", bob)).body[0] as string;
      expect(bobs).not.toBe(stored);
      expect((await getFile(app.base, bobs, bob)).status).toBe(200);

      // The author's example is everyone's: served to both, accepted from both.
      const config = await (await fetch(`${app.base}/config`, { headers: { cookie: bob } })).json();
      const examplePath = JSON.stringify(config).match(/"path":"([^"]*shared-example\.txt)"/)![1];
      for (const who of [alice, bob]) {
        expect((await getFile(app.base, examplePath, who)).status).toBe(200);
        expect((await run(app.base, [{ path: examplePath, meta: META }], who)).status).toBe(200);
      }

      // Calls from the author's code may still name any file.
      expect(((await iface(stored)) as { path: string }).path).toBeTruthy();
      expect(((await iface(example)) as { path: string }).path).toBeTruthy();
    } finally {
      await app.close();
    }
  });
});
