import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { File, matchesFileTypes, type FileOutItem } from "./file.js";
import type { FileData } from "../core/files.js";
import { DiskFileStore } from "../runtime/file-store.js";
import { ValidationError } from "../core/errors.js";
import { type ComponentContext } from "../core/context.js";

const ROOT = "https://example.test/app";
const META = { _type: "gradio.FileData" } as const;
let tmp: string;
let outside: string;
let files: DiskFileStore;
let ctx: ComponentContext;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "tradio-file-"));
  outside = await mkdtemp(path.join(tmpdir(), "tradio-file-outside-"));
  files = new DiskFileStore({ dir: path.join(tmp, "store") });
  ctx = { files, root: ROOT };
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function upload(text: string, name: string): Promise<FileData> {
  const p = await files.save(Buffer.from(text), name);
  return { path: p, orig_name: name, meta: META };
}

function inStore(p: string): boolean {
  const rel = path.relative(files.dir, p);
  return !rel.startsWith("..") && !path.isAbsolute(rel);
}

function expectFileData(fd: unknown): asserts fd is FileData {
  const f = fd as FileData;
  expect(f.meta).toEqual(META);
  expect(inStore(f.path)).toBe(true);
  expect(f.url).toBe(`${ROOT}/gradio_api/file=${encodeURI(f.path)}`);
}

describe("File options", () => {
  it("has Gradio's defaults and snake_case props", () => {
    const f = new File();
    expect(f.type).toBe("file");
    expect(f.className).toBe("File");
    expect(f.props()).toMatchObject({ file_count: "single", file_types: null, type: "filepath", height: null, value: null });
    const m = new File({ fileCount: "multiple", fileTypes: [".pdf", "image"], type: "buffer", height: 200 });
    expect(m.props()).toMatchObject({ file_count: "multiple", file_types: [".pdf", "image"], type: "buffer", height: 200 });
  });

  it("rejects unknown options and wrong types, naming the option", () => {
    expect(() => new File({ filetypes: [".pdf"] } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"filetypes"/);
    expect(() => new File({ type: "binary" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"type"/);
    expect(() => new File({ fileCount: "directory" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"fileCount"/);
    expect(() => new File({ fileTypes: "pdf" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"fileTypes"/);
    expect(() => new File({ fileTypes: ["pdf files"] })).toThrowCode("TR_ERR_OPTION_INVALID", /"fileTypes"/);
    expect(() => new File({ fileTypes: [] })).toThrowCode("TR_ERR_OPTION_INVALID", /"fileTypes"/);
    expect(() => new File({ fileTypes: [".pdf", "application/pdf", "image/*", "text", "file", ".tar.gz"] })).not.toThrow();
  });

  it("describes its wire format like Gradio", () => {
    const single = new File();
    expect(single.apiInfo()).toMatchObject({ type: "object", title: "FileData", required: ["path"] });
    expect(single.exampleInput()).toEqual({
      path: "https://github.com/gradio-app/gradio/raw/main/test/test_files/sample_file.pdf",
      meta: META,
    });
    expect(single.pythonType()).toBe("filepath");
    const multiple = new File({ fileCount: "multiple" });
    expect(multiple.apiInfo()).toMatchObject({ type: "array", items: { type: "object", title: "FileData" } });
    expect(multiple.exampleInput()).toEqual([single.exampleInput()]);
    expect(multiple.pythonType()).toBe("list[filepath]");
  });

  it("types the function's argument and result by `type` and `fileCount`", () => {
    expectTypeOf(new File().__in).toEqualTypeOf<string | null>();
    expectTypeOf(new File({ required: true }).__in).toEqualTypeOf<string>();
    expectTypeOf(new File({ type: "buffer" }).__in).toEqualTypeOf<Buffer | null>();
    expectTypeOf(new File({ fileCount: "multiple" }).__in).toEqualTypeOf<string[] | null>();
    expectTypeOf(new File({ type: "buffer", fileCount: "multiple", required: true }).__in).toEqualTypeOf<Buffer[]>();
    expectTypeOf(new File().__out).toEqualTypeOf<FileOutItem | null>();
    expectTypeOf(new File({ fileCount: "multiple" }).__out).toEqualTypeOf<FileOutItem | FileOutItem[] | null>();
  });
});

describe("matchesFileTypes", () => {
  it("matches extensions, groups and MIME types, ignoring case", () => {
    expect(matchesFileTypes("report.PDF", [".pdf"])).toBe(true);
    expect(matchesFileTypes("report.pdf", [".txt"])).toBe(false);
    expect(matchesFileTypes("archive.tar.gz", [".tar.gz"])).toBe(true);
    expect(matchesFileTypes(".pdf", [".pdf"])).toBe(false);
    expect(matchesFileTypes("photo.jpg", ["image"])).toBe(true);
    expect(matchesFileTypes("photo.heic", ["image"])).toBe(true);
    expect(matchesFileTypes("song.mp3", ["image"])).toBe(false);
    expect(matchesFileTypes("song.mp3", ["audio"])).toBe(true);
    expect(matchesFileTypes("clip.mov", ["video"])).toBe(true);
    expect(matchesFileTypes("data.csv", ["text"])).toBe(true);
    expect(matchesFileTypes("run.exe", ["text", "image"])).toBe(false);
    expect(matchesFileTypes("run.exe", ["file"])).toBe(true);
    expect(matchesFileTypes("doc.pdf", ["application/pdf"])).toBe(true);
    expect(matchesFileTypes("pic.png", ["image/*"])).toBe(true);
    expect(matchesFileTypes("pic.png", ["audio/*"])).toBe(false);
  });
});

describe("File.preprocess", () => {
  it("gives the stored path by default", async () => {
    const fd = await upload("hello", "notes.txt");
    const p = await new File({ required: true }).preprocess(fd, ctx);
    expect(p).toBe(fd.path);
    expect(await readFile(p, "utf8")).toBe("hello");
  });

  it('gives the bytes with type "buffer"', async () => {
    const fd = await upload("some bytes", "data.bin");
    const b = await new File({ required: true, type: "buffer" }).preprocess(fd, ctx);
    expect(Buffer.isBuffer(b)).toBe(true);
    expect(b.toString()).toBe("some bytes");
  });

  it('gives arrays with fileCount "multiple"', async () => {
    const a = await upload("A", "a.txt");
    const b = await upload("B", "b.txt");
    expect(await new File({ required: true, fileCount: "multiple" }).preprocess([a, b], ctx)).toEqual([a.path, b.path]);
    const bufs = await new File({ required: true, fileCount: "multiple", type: "buffer" }).preprocess([a, b], ctx);
    expect(bufs.map((x) => x.toString())).toEqual(["A", "B"]);
    // A single FileData is taken as a list of one.
    expect(await new File({ required: true, fileCount: "multiple" }).preprocess(a, ctx)).toEqual([a.path]);
  });

  it("enforces fileTypes on every file", async () => {
    const pdf = await upload("%PDF-1.4", "paper.pdf");
    const png = await upload("png-ish", "pic.png");
    const exe = await upload("MZ", "tool.exe");
    const docs = new File({ fileTypes: [".pdf", "image"], label: "Docs" });
    expect(await docs.preprocess(pdf, ctx)).toBe(pdf.path);
    expect(await docs.preprocess(png, ctx)).toBe(png.path);
    await expect(docs.preprocess(exe, ctx)).rejects.toThrow(ValidationError);
    await expect(docs.preprocess(exe, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /^File "Docs": .*"tool\.exe".*allowed: \.pdf, image/);
    const many = new File({ fileTypes: [".pdf"], fileCount: "multiple" });
    await expect(many.preprocess([pdf, exe], ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /"tool\.exe"/);
  });

  it("checks the stored file's name, not the orig_name a client claims", async () => {
    const exe = await upload("MZ", "tool.exe");
    await expect(new File({ required: true, fileTypes: [".pdf"] }).preprocess({ ...exe, orig_name: "paper.pdf" }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
  });

  it("rejects paths outside the upload folder, symlinks out of it, and URLs", async () => {
    const secret = path.join(outside, "secret.txt");
    await writeFile(secret, "top secret");
    await expect(new File({ required: true }).preprocess({ path: secret, meta: META }, ctx)).rejects.toThrowCode("TR_ERR_FILE_PATH", /upload folder/);
    await expect(new File({ required: true }).preprocess({ path: `${files.dir}/../../${path.basename(outside)}/secret.txt`, meta: META }, ctx)).rejects.toThrow(
      ValidationError,
    );
    const linkDir = path.join(files.dir, "links");
    await mkdir(linkDir, { recursive: true });
    await symlink(secret, path.join(linkDir, "innocent.txt"));
    await expect(new File({ required: true }).preprocess({ path: path.join(linkDir, "innocent.txt"), meta: META }, ctx)).rejects.toThrowCode("TR_ERR_FILE_PATH", /upload folder/);
    await expect(new File({ required: true }).preprocess({ path: "http://127.0.0.1:9/a.pdf", meta: META }, ctx)).rejects.toThrowCode("TR_ERR_FETCH_REFUSED", /not allowed/);
    await expect(new File({ required: true }).preprocess({ path: "file:///etc/passwd", meta: META }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /only http\(s\) URLs/);
    await expect(new File({ required: true, fileCount: "multiple" }).preprocess([{ path: secret, meta: META }], ctx)).rejects.toThrow(ValidationError);
  });

  it("rejects missing values and malformed FileData", async () => {
    expect(await new File().preprocess(null, ctx)).toBeNull();
    expect(await new File({ fileCount: "multiple" }).preprocess([], ctx)).toBeNull();
    await expect(new File({ required: true }).preprocess(null, ctx)).rejects.toThrowCode("TR_ERR_REQUIRED", /upload a file/);
    await expect(new File({ required: true, fileCount: "multiple" }).preprocess(null, ctx)).rejects.toThrowCode("TR_ERR_REQUIRED", /upload one or more files/);
    await expect(new File({ required: true, fileCount: "multiple" }).preprocess([], ctx)).rejects.toThrowCode("TR_ERR_REQUIRED");
    await expect(new File({ required: true }).preprocess({ meta: META }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /FileData\.path/);
    await expect(new File({ required: true }).preprocess(7, ctx)).rejects.toThrow(ValidationError);
    await expect(new File({ required: true }).preprocess({ path: path.join(files.dir, "ghost.txt"), meta: META }, ctx)).rejects.toThrowCode("TR_ERR_FILE_PATH", /upload it first/);
  });
});

describe("File.postprocess", () => {
  it("passes null through", async () => {
    expect(await new File().postprocess(null, ctx)).toBeNull();
  });

  it("copies a returned path into the store, keeping its name", async () => {
    const src = path.join(outside, "report.pdf");
    await writeFile(src, "%PDF-1.7 report");
    const fd = await new File().postprocess(src, ctx);
    expectFileData(fd);
    expect(fd.orig_name).toBe("report.pdf");
    expect(fd.mime_type).toBe("application/pdf");
    expect(fd.size).toBe(15);
    expect(await readFile(fd.path, "utf8")).toBe("%PDF-1.7 report");
  });

  it('stores returned bytes as "file"', async () => {
    const fd = await new File().postprocess(Buffer.from([1, 2, 3]), ctx);
    expectFileData(fd);
    expect(fd.orig_name).toBe("file");
    expect(Array.from(await readFile(fd.path))).toEqual([1, 2, 3]);
    const plain = await new File().postprocess(new Uint8Array([9, 8]), ctx);
    expectFileData(plain);
    expect(Array.from(await readFile(plain.path))).toEqual([9, 8]);
  });

  it("stores { name, data } under a safe version of its name", async () => {
    const fd = await new File().postprocess({ name: "result.csv", data: Buffer.from("a,b\n1,2\n") }, ctx);
    expectFileData(fd);
    expect(fd.orig_name).toBe("result.csv");
    expect(fd.mime_type).toBe("text/csv");
    expect(path.basename(fd.path)).toBe("result.csv");
    expect(await readFile(fd.path, "utf8")).toBe("a,b\n1,2\n");

    const sneaky = await new File().postprocess({ name: "../../etc/evil.sh", data: Buffer.from("x") }, ctx);
    expectFileData(sneaky);
    expect(path.basename(sneaky.path)).toBe("evil.sh");
  });

  it('returns a list with fileCount "multiple"', async () => {
    const src = path.join(outside, "one.txt");
    await writeFile(src, "one");
    const out = await new File({ fileCount: "multiple" }).postprocess([src, Buffer.from("two"), { name: "three.txt", data: Buffer.from("3") }], ctx);
    expect(Array.isArray(out)).toBe(true);
    const list = out as FileData[];
    expect(list.map((f) => f.orig_name)).toEqual(["one.txt", "file", "three.txt"]);
    for (const f of list) expectFileData(f);
    expect(await Promise.all(list.map((f) => readFile(f.path, "utf8")))).toEqual(["one", "two", "3"]);
    // A single file is still accepted.
    expectFileData(await new File({ fileCount: "multiple" }).postprocess(src, ctx));
  });

  it("passes returned URLs through", async () => {
    const url = "https://example.com/files/data%20set.zip";
    expect(await new File().postprocess(url, ctx)).toMatchObject({ path: url, url, orig_name: "data set.zip", meta: META });
  });

  it("rejects bad return values", async () => {
    await expect(new File().postprocess(["a"] as never, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /fileCount: "multiple"/);
    await expect(new File().postprocess(path.join(outside, "missing.txt"), ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /"missing\.txt"/);
    await expect(new File().postprocess(outside, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    await expect(new File().postprocess(12 as never, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    await expect(new File().postprocess({ name: "", data: Buffer.from("x") }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    await expect(new File().postprocess({ name: "x.txt", data: "text" } as never, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    await expect(new File({ fileCount: "multiple" }).postprocess([Buffer.from("ok"), 5] as never, ctx)).rejects.toThrow(ValidationError);
  });
});

describe("File examples", () => {
  it("copies example files into the store; a list for multiple", async () => {
    const src = path.join(outside, "example.txt");
    await writeFile(src, "example");
    const fd = (await new File().exampleValue(src, ctx)) as FileData;
    expectFileData(fd);
    expect(await readFile(fd.path, "utf8")).toBe("example");
    const list = (await new File({ fileCount: "multiple" }).exampleValue(src, ctx)) as FileData[];
    expect(list).toHaveLength(1);
    expect(list[0]!.orig_name).toBe("example.txt");
    // The stored example is a valid input again.
    expect(await new File({ required: true, type: "buffer" }).preprocess(fd, ctx)).toEqual(Buffer.from("example"));
  });
});
