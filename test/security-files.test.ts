// The file route, uploads and client-supplied paths: nothing is read or served that tradio did not write
// or the author did not allow, and uploads cannot bring the server down or run script in the page's origin.
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { raw, rawGet, start } from "./helpers.js";
import { DiskFileStore, defaultStoreDir } from "../src/runtime/file-store.js";

const META = { _type: "gradio.FileData" };

/** A request whose path and body go out byte for byte. */

async function upload(base: string, name: string, data: string | Buffer): Promise<string> {
  const form = new FormData();
  form.append("files", new Blob([typeof data === "string" ? data : new Uint8Array(data)]), name);
  const res = await fetch(`${base}/gradio_api/upload`, { method: "POST", body: form });
  expect(res.status).toBe(200);
  return ((await res.json()) as string[])[0];
}

function multipart(boundary: string, parts: string[]): string {
  return parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("") + `--${boundary}--\r\n`;
}

const fileApp = (flaggingDir: string) => new tr.Interface({ fn: (f: string | null) => path.basename(f!), inputs: "file", outputs: "text", flaggingDir });

describe("the file route", () => {
  let app: Awaited<ReturnType<typeof start>>;
  let iface: ReturnType<typeof fileApp>;
  let work: string;
  let allowed: string;
  let outside: string;
  let uploaded: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "tradio-sec-"));
    allowed = path.join(work, "allowed");
    outside = path.join(work, "outside.txt");
    await mkdir(path.join(allowed, ".hidden"), { recursive: true });
    await writeFile(path.join(allowed, "ok.txt"), "allowed file");
    await writeFile(path.join(allowed, ".env"), "SECRET=1");
    await writeFile(path.join(allowed, ".hidden", "x.txt"), "hidden folder");
    await writeFile(outside, "outside secret");
    await symlink(outside, path.join(allowed, "link-out.txt"));
    await symlink(work, path.join(allowed, "dir-out"));
    iface = fileApp(path.join(work, "flagged"));
    app = await start(iface, { allowedPaths: [allowed] });
    uploaded = await upload(app.base, "hello.txt", "uploaded bytes");
    // A symlink planted inside the store itself must not lead out either.
    await mkdir(path.join(defaultStoreDir(), "planted"), { recursive: true });
    await symlink(outside, path.join(defaultStoreDir(), "planted", "innocent.txt")).catch(() => undefined);
  });
  afterAll(async () => {
    await app.close();
    await rm(work, { recursive: true, force: true });
  });

  it("serves uploads and allowed files", async () => {
    expect((await rawGet(app.base, `/gradio_api/file=${uploaded}`)).body).toBe("uploaded bytes");
    expect((await rawGet(app.base, `/gradio_api/file=${path.join(allowed, "ok.txt")}`)).body).toBe("allowed file");
  });

  it("answers one identical 403 for traversal, encodings, backslashes, absolute paths, symlinks out, dotfiles and the working directory", async () => {
    const store = defaultStoreDir();
    const attempts = [
      "../../../../etc/passwd",
      "..%2f..%2f..%2fetc%2fpasswd",
      "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "%252e%252e%252f%252e%252e%252fetc%252fpasswd", // double encoding is not decoded twice
      "..%5c..%5c..%5cetc%5cpasswd",
      "..\\..\\etc\\passwd",
      "/etc/passwd",
      "//etc/passwd",
      `${store}/../../../etc/passwd`,
      `${uploaded}/../../../../etc/passwd`,
      `${path.dirname(uploaded)}/..%2f..%2f..%2fetc%2fpasswd`,
      `${allowed}/../outside.txt`,
      `${allowed}/link-out.txt`,
      `${allowed}/dir-out/outside.txt`,
      `${store}/planted/innocent.txt`,
      `${allowed}/.env`,
      `${allowed}/.hidden/x.txt`,
      `${allowed}`,
      "package.json",
      `${process.cwd()}/package.json`,
      `${process.cwd()}/.git/config`,
      "/nonexistent/file.txt",
      `${store}/no-such-file.txt`,
      `${uploaded}%00.png`,
    ];
    const answers = new Set<string>();
    for (const p of attempts) {
      const r = await rawGet(app.base, `/gradio_api/file=${p}`);
      expect([p, r.status]).toEqual([p, 403]);
      answers.add(r.body);
    }
    // Existing-but-forbidden and missing files look the same.
    expect([...answers]).toEqual([JSON.stringify({ error: "File not allowed", detail: "File not allowed", code: "TR_ERR_FILE_NOT_ALLOWED" })]);
  });

  it("refuses to allow the working directory or any folder holding it", () => {
    const dir = path.join(tmpdir(), "tradio-sec-allow");
    const allowing = (p: string) => () => new DiskFileStore({ dir, allowedPaths: [p] });
    expect(allowing(process.cwd())).toThrowCode("TR_ERR_OPTION_INVALID", /allowedPaths/);
    expect(allowing(path.dirname(process.cwd()))).toThrowCode("TR_ERR_OPTION_INVALID");
    expect(allowing("/")).toThrowCode("TR_ERR_OPTION_INVALID");
    expect(allowing(path.join(process.cwd(), "demo"))).not.toThrow();
  });

  it("sends uploaded HTML, SVG and unknown types as attachments with nosniff, never inline", async () => {
    const cases: [string, string][] = [
      ["page.html", "<script>alert(document.cookie)</script>"],
      ["page.htm", "<script>alert(1)</script>"],
      ["image.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
      ["data.xyz", "<script>alert(1)</script>"],
      ["noext", "<html><script>alert(1)</script>"],
    ];
    for (const [name, body] of cases) {
      const stored = await upload(app.base, name, body);
      const r = await raw(app.base, { path: `/gradio_api/file=${encodeURI(stored)}` });
      expect([name, r.status]).toEqual([name, 200]);
      expect(r.headers["content-type"], name).toBe("application/octet-stream");
      expect(r.headers["content-disposition"], name).toMatch(/^attachment; filename=/);
      expect(r.headers["x-content-type-options"], name).toBe("nosniff");
      expect(r.headers["content-security-policy"], name).toMatch(/default-src 'none'; sandbox/);
    }
    const png = await upload(app.base, "pixel.png", Buffer.from("89504e470d0a1a0a", "hex"));
    const shown = await raw(app.base, { path: `/gradio_api/file=${encodeURI(png)}` });
    expect(shown.headers["content-type"]).toBe("image/png");
    expect(shown.headers["content-disposition"]).toBeUndefined();
    expect(shown.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("serves names with non-ASCII, '#', '?' and '%' characters through the URL it gives out", async () => {
    const app2 = await start(new tr.Interface({ fn: (f: string) => f, inputs: "text", outputs: "file", allowFlagging: "never" }));
    try {
      for (const name of ["résumé 日本.html", "a#b%41.txt"]) {
        const stored = await upload(app2.base, name, `content of ${name}`);
        const fd = await new DiskFileStore().fileData(stored, app2.base);
        const r = await fetch(fd.url!);
        expect([name, r.status]).toEqual([name, 200]);
        expect(await r.text()).toBe(`content of ${name}`);
        if (name.endsWith(".html")) expect(r.headers.get("content-disposition")).toMatch(/filename\*=UTF-8''r%C3%A9sum%C3%A9/);
      }
    } finally {
      await app2.close();
    }
  });

  it("accepts client file paths only inside the upload folder (run, queue and flagging alike)", async () => {
    const run = (p: unknown, api = "predict") =>
      fetch(`${app.base}/gradio_api/run/${api}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: p }) });
    const ok = await run([{ path: uploaded, meta: META }]);
    expect(ok.status).toBe(200);
    expect((await ok.json()).data).toEqual(["hello.txt"]);
    expect((await run([{ path: uploaded, meta: META }, "x", ""], "flag")).status).toBe(200);
    const store = defaultStoreDir();
    for (const p of ["/etc/passwd", outside, `${uploaded}/../../../../etc/passwd`, `${store}/planted/innocent.txt`, `${allowed}/ok.txt`, "package.json", "..\\..\\etc\\passwd"]) {
      const r = await run([{ path: p, meta: META }]);
      expect([p, r.status]).toEqual([p, 422]);
      const body = await r.json();
      expect(body.code).toBe("TR_ERR_FILE_PATH");
      expect(body.error).toMatch(/upload folder|upload it first/);
      // Flagging copies client files into the flag log: the same rule applies.
      const flag = await run([{ path: p, meta: META }, "x", ""], "flag");
      expect([p, flag.status]).toEqual([p, 422]);
      expect((await flag.json()).code).toBe("TR_ERR_FILE_PATH");
    }
  });
});

describe("uploads", () => {
  let app: Awaited<ReturnType<typeof start>>;
  let store: string;
  beforeAll(async () => {
    const iface = new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", allowFlagging: "never" });
    app = await start(iface, { maxFileSize: 1000 });
    // The app's own store folder: <base>/app-…/<area>/<sha256>/<name>.
    store = path.dirname(path.dirname(path.dirname(await upload(app.base, "probe.txt", "probe"))));
    expect(path.dirname(store)).toBe(await realpath(defaultStoreDir()));
  });
  afterAll(() => app.close());

  const incoming = async () => (await readdir(store)).filter((n) => n.startsWith(".incoming-"));

  it("refuses files larger than maxFileSize with 413 and keeps nothing of them", async () => {
    const form = new FormData();
    form.append("files", new Blob([Buffer.alloc(5000, "z")]), "big.bin");
    const res = await fetch(`${app.base}/gradio_api/upload`, { method: "POST", body: form });
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe("TR_ERR_FILE_TOO_LARGE");
    const truncated = Buffer.alloc(1000, "z");
    const { createHash } = await import("node:crypto");
    const hash = createHash("sha256").update(truncated).digest("hex");
    await expect(readFile(path.join(store, "anon", hash, "big.bin"))).rejects.toThrow(/ENOENT/);
    expect(await incoming()).toEqual([]);
    // A file at the limit passes.
    const fits = new FormData();
    fits.append("files", new Blob([Buffer.alloc(1000, "y")]), "fits.bin");
    expect((await fetch(`${app.base}/gradio_api/upload`, { method: "POST", body: fits })).status).toBe(200);
  });

  it("bounds multipart bombs: too many parts, fields or files, huge headers, and broken bodies get 4xx fast", async () => {
    const b = "XbombX";
    const headers = { "content-type": `multipart/form-data; boundary=${b}` };
    const file = (i: number) => `Content-Disposition: form-data; name="files"; filename="f${i}.txt"\r\nContent-Type: text/plain\r\n\r\nx`;
    const field = (i: number) => `Content-Disposition: form-data; name="f${i}"\r\n\r\nv`;
    const started = performance.now();
    const cases: [string, string, number[]][] = [
      ["10 000 empty parts", multipart(b, Array.from({ length: 10_000 }, (_, i) => field(i))), [413]],
      ["500 files", multipart(b, Array.from({ length: 500 }, (_, i) => file(i))), [413]],
      ["a 100 kB field", multipart(b, [`Content-Disposition: form-data; name="f"\r\n\r\n${"a".repeat(100_000)}`, file(1)]), [200, 413]],
      ["10 000 part headers", multipart(b, [Array.from({ length: 10_000 }, (_, i) => `X-H${i}: v`).join("\r\n") + "\r\n" + file(1)]), [400, 413]],
      ["an unterminated body", `--${b}\r\n${file(1)}`, [400]],
      ["garbage", "\u0000\u0001garbage without boundaries", [400]],
      ["no boundary", "x", [400, 406, 415]],
    ];
    for (const [name, body, statuses] of cases) {
      const res = await raw(app.base, {
        method: "POST",
        path: "/gradio_api/upload",
        headers: name === "no boundary" ? { "content-type": "multipart/form-data" } : headers,
        body,
      });
      expect(statuses, `${name}: ${res.status} ${res.body}`).toContain(res.status);
    }
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await incoming()).toEqual([]);
    expect((await fetch(`${app.base}/config`)).status).toBe(200);
  });
});
