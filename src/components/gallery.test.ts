import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Gallery } from "./gallery.js";
import { DiskFileStore } from "../runtime/file-store.js";
import type { ComponentContext } from "../core/context.js";

const MEDIA = fileURLToPath(new URL("../../test/fixtures/media/", import.meta.url));
const META = { _type: "gradio.FileData" } as const;
let tmp: string;
let files: DiskFileStore;
let ctx: ComponentContext;
let png: Buffer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "tradio-gallery-"));
  files = new DiskFileStore({ dir: path.join(tmp, "store") });
  ctx = { files, root: "http://h" };
  png = await sharp({ create: { width: 4, height: 3, channels: 3, background: "#f97316" } }).png().toBuffer();
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("Gallery", () => {
  it("has Gradio's props and GalleryData schema", () => {
    const g = new Gallery({ columns: [2, 3], objectFit: "contain" });
    expect(g.props()).toMatchObject({ columns: [2, 3], object_fit: "contain", allow_preview: true, type: "filepath", format: "webp", show_download_button: true });
    const info = g.apiInfo() as any;
    expect(info).toMatchObject({ type: "array", title: "GalleryData" });
    expect(info.items.anyOf.map((s: any) => s.title)).toEqual(["GalleryImage", "GalleryVideo"]);
    expect(() => new Gallery({ columns: 0 })).toThrowCode("TR_ERR_OPTION_INVALID", /columns/);
    expect(() => new Gallery({ type: "cv2" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /type/);
  });

  it("gives the function [path, caption] pairs for images and videos, whatever shape the client sent", async () => {
    const img = await files.save(png, "a.png");
    const vid = await files.save(await readFile(path.join(MEDIA, "clip.webm")), "blob");
    const items = await new Gallery().preprocess(
      [{ image: { path: img, meta: META }, caption: "orange" }, img, { video: { path: vid, meta: META }, caption: null }, [{ path: vid, meta: META }, "clip"]],
      ctx,
    );
    expect(items).toEqual([
      [img, "orange"],
      [img, null],
      [vid, null],
      [vid, "clip"],
    ]);
  });

  it("decodes images to Pixels with type: \"pixels\"", async () => {
    const img = await files.save(png, "a.png");
    const [[px, caption]] = await new Gallery({ type: "pixels", required: true }).preprocess([{ image: { path: img, meta: META }, caption: "c" }], ctx);
    expect(px).toMatchObject({ width: 4, height: 3, channels: 3 });
    expect(caption).toBe("c");
  });

  it("refuses empty galleries, non-images and bad captions with the item's number", async () => {
    const g = new Gallery();
    expect(await g.preprocess([], ctx)).toBeNull();
    expect(await g.preprocess(null, ctx)).toBeNull();
    await expect(new Gallery({ required: true }).preprocess([], ctx)).rejects.toThrowCode("TR_ERR_REQUIRED", /upload images or videos/);
    await expect(g.preprocess("x", ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    const text = await files.save(Buffer.from("hello"), "t.png");
    await expect(g.preprocess([text], ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /item 1/);
    await expect(g.preprocess([[text, 3]], ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /caption/);
    await expect(g.preprocess([{ path: "../../etc/passwd", meta: META }], ctx)).rejects.toThrowCode("TR_ERR_FILE_PATH");
  });

  it("returns images (Pixels, bytes, paths, URLs) and videos with captions as Gradio's wire items", async () => {
    const out = await new Gallery().postprocess(
      [
        { width: 2, height: 2, channels: 3, data: new Uint8Array(12).fill(200) },
        [png, "bytes"],
        [path.join(MEDIA, "clip.mp4"), "a clip"],
        "https://example.org/cat.png",
        ["https://example.org/v.webm", null],
      ],
      ctx,
    );
    expect(out).toHaveLength(5);
    expect(out![0]).toMatchObject({ image: { mime_type: "image/webp" }, caption: null });
    expect(out![1]).toMatchObject({ image: { mime_type: "image/png" }, caption: "bytes" });
    expect(out![2]).toMatchObject({ video: { mime_type: "video/mp4", orig_name: "clip.mp4" }, caption: "a clip" });
    expect(out![3]).toMatchObject({ image: { url: "https://example.org/cat.png" } });
    expect(out![4]).toMatchObject({ video: { url: "https://example.org/v.webm" } });
  });

  it("refuses returned values that are not media, naming the item", async () => {
    const g = new Gallery();
    await expect(g.postprocess("nope" as never, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    await expect(g.postprocess([png, 5] as never, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /item 2/);
    await expect(g.postprocess([[png, "a", "b"]] as never, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /pair/);
    await expect(g.postprocess([path.join(tmp, "missing.png")], ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /item 1/);
  });
});
