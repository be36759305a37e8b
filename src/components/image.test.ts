import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { deflateSync } from "node:zlib";
import { DEFAULT_MAX_PIXELS, IMAGE_DECODE_CONCURRENCY, Image, imageDecodes, type Pixels } from "./image.js";
import type { FileData } from "../core/files.js";
import { DiskFileStore } from "../runtime/file-store.js";
import { ValidationError } from "../core/errors.js";
import { type ComponentContext } from "../core/context.js";

const ROOT = "http://127.0.0.1:7860";
let tmp: string;
let outside: string;
let files: DiskFileStore;
let ctx: ComponentContext;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "tradio-image-"));
  outside = await mkdtemp(path.join(tmpdir(), "tradio-image-outside-"));
  files = new DiskFileStore({ dir: path.join(tmp, "store") });
  ctx = { files, root: ROOT };
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

/** A width × height gradient: R grows along x, G along y, B constant, alpha (if any) varies. */
function gradient(width = 4, height = 3, channels = 3): Pixels {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      if (channels <= 2) {
        data[i] = x * 50 + y * 20;
        if (channels === 2) data[i + 1] = 255 - x * 10;
      } else {
        data[i] = x * 60;
        data[i + 1] = y * 100;
        data[i + 2] = 200;
        if (channels === 4) data[i + 3] = 100 + x * 40;
      }
    }
  }
  return { width, height, channels, data };
}

async function encode(px: Pixels, format: "png" | "jpeg" | "tiff" = "png"): Promise<Buffer> {
  let img = sharp(Buffer.from(px.data), { raw: { width: px.width, height: px.height, channels: px.channels as 1 | 2 | 3 | 4 } });
  if (px.channels <= 2) img = img.toColourspace("b-w");
  return format === "tiff" ? img.tiff({ compression: "lzw" }).toBuffer() : img.toFormat(format).toBuffer();
}

async function upload(bytes: Uint8Array, name = "upload.png"): Promise<FileData> {
  const p = await files.save(bytes, name);
  return { path: p, orig_name: name, meta: { _type: "gradio.FileData" } };
}

/** Decodes a file or bytes to raw pixels, keeping grey images grey. */
async function pixelsOf(input: string | Buffer, grey = false): Promise<Pixels> {
  let img = sharp(input);
  if (grey) img = img.toColourspace("b-w");
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
}

/** Column range [x0, x1) of a Pixels value. */
function columns(px: Pixels, x0: number, x1: number): Uint8Array {
  const out: number[] = [];
  for (let y = 0; y < px.height; y++) {
    for (let x = x0; x < x1; x++) {
      for (let c = 0; c < px.channels; c++) out.push(px.data[(y * px.width + x) * px.channels + c]!);
    }
  }
  return Uint8Array.from(out);
}

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A valid black-and-white PNG of any size, built by hand: 1 bit per pixel, so tiny when compressed. */
function bilevelPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = 1 + Math.ceil(width / 8);
  const raw = Buffer.alloc(row * height); // filter 0, all black
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

function inStore(p: string): boolean {
  const rel = path.relative(files.dir, p);
  return !rel.startsWith("..") && !path.isAbsolute(rel);
}

describe("Image options", () => {
  it("has Gradio's defaults and snake_case props", () => {
    const img = new Image({ label: "Photo" });
    expect(img.type).toBe("image");
    expect(img.className).toBe("Image");
    const props = img.props();
    expect(props).toMatchObject({
      label: "Photo",
      image_mode: "RGB",
      sources: ["upload", "webcam", "clipboard"],
      type: "pixels",
      format: "png",
      streaming: false,
      show_download_button: true,
      height: null,
      width: null,
    });
  });

  it("keeps the sources it is given (the webcam shortcut)", () => {
    expect(new Image({ sources: ["webcam"] }).props().sources).toEqual(["webcam"]);
  });

  it("rejects unknown options and wrong types, naming the option", () => {
    expect(() => new Image({ shap: [2, 2] } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"shap"/);
    expect(() => new Image({ type: "cv2" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"type"/);
    expect(() => new Image({ imageMode: "CMYK" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"imageMode"/);
    expect(() => new Image({ sources: ["microphone"] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"sources"/);
    expect(() => new Image({ sources: [] })).toThrowCode("TR_ERR_OPTION_INVALID", /"sources"/);
    expect(() => new Image({ format: "gif" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"format"/);
    expect(() => new Image({ shape: [0, 3] })).toThrowCode("TR_ERR_OPTION_INVALID", /"shape"/);
    expect(() => new Image({ shape: [2.5, 3] })).toThrowCode("TR_ERR_OPTION_INVALID", /"shape"/);
    expect(() => new Image({ shape: [3] as never })).toThrowCode("TR_ERR_OPTION_INVALID", /"shape"/);
    expect(() => new Image({ shape: [3, 3], label: 5 } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"label"/);
    expect(() => new Image({ showDownloadButton: "yes" } as never)).toThrow(TypeError);
    expect(() => new Image({ maxPixels: 0 })).toThrowCode("TR_ERR_OPTION_INVALID", /"maxPixels"/);
    expect(() => new Image({ maxPixels: 1.5 })).toThrowCode("TR_ERR_OPTION_INVALID", /"maxPixels"/);
    expect(() => new Image({ shape: [300, 300], maxPixels: 50_000 })).toThrowCode("TR_ERR_OPTION_INVALID", /shape.*maxPixels/);
  });

  it("describes its wire format like Gradio", () => {
    const img = new Image();
    const info = img.apiInfo() as { title: string; type: string; required: string[]; properties: Record<string, unknown> };
    expect(info.type).toBe("object");
    expect(info.title).toBe("ImageData");
    expect(info.required).toEqual(["path"]);
    expect(Object.keys(info.properties)).toEqual(["path", "url", "size", "orig_name", "mime_type", "is_stream", "meta"]);
    expect(img.exampleInput()).toEqual({
      path: "https://raw.githubusercontent.com/gradio-app/gradio/main/test/test_files/bus.png",
      meta: { _type: "gradio.FileData" },
    });
    expect(img.pythonType()).toBe("filepath");
  });

  it("types the function's argument by `type`", () => {
    expectTypeOf(new Image().__in).toEqualTypeOf<Pixels | null>();
    expectTypeOf(new Image({ type: "pixels" }).__in).toEqualTypeOf<Pixels | null>();
    expectTypeOf(new Image({ type: "pil" }).__in).toEqualTypeOf<Pixels | null>();
    expectTypeOf(new Image({ type: "numpy", required: true }).__in).toEqualTypeOf<Pixels>();
    expectTypeOf(new Image({ type: "buffer" }).__in).toEqualTypeOf<Buffer | null>();
    expectTypeOf(new Image({ type: "filepath", required: true }).__in).toEqualTypeOf<string>();
    expectTypeOf(new Image({ type: "filepath" }).__out).toEqualTypeOf<Pixels | Uint8Array | string | null>();
  });
});

describe("Image.preprocess", () => {
  it("decodes an upload to Pixels by default", async () => {
    const src = gradient();
    const px = (await new Image({ required: true }).preprocess(await upload(await encode(src)), ctx)) as Pixels;
    expect(px.data).toBeInstanceOf(Uint8Array);
    expect({ ...px, data: Array.from(px.data) }).toEqual({ ...src, data: Array.from(src.data) });
  });

  it("converts RGBA to RGB by dropping alpha, and grey to RGB by repeating the value", async () => {
    const rgba = gradient(4, 3, 4);
    const px = await new Image({ required: true }).preprocess(await upload(await encode(rgba)), ctx);
    expect(px.channels).toBe(3);
    const noAlpha = rgba.data.filter((_, i) => i % 4 !== 3);
    expect(Array.from(px.data)).toEqual(Array.from(noAlpha));

    const grey = gradient(4, 3, 1);
    const rgb = await new Image({ required: true }).preprocess(await upload(await encode(grey), "grey.png"), ctx);
    expect(rgb.channels).toBe(3);
    expect(Array.from(rgb.data)).toEqual(Array.from(grey.data).flatMap((v) => [v, v, v]));
  });

  it('imageMode "L" gives one channel', async () => {
    const grey = gradient(4, 3, 1);
    const img = new Image({ imageMode: "L", required: true });
    const fromGrey = await img.preprocess(await upload(await encode(grey), "g.png"), ctx);
    expect(fromGrey).toMatchObject({ width: 4, height: 3, channels: 1 });
    expect(Array.from(fromGrey.data)).toEqual(Array.from(grey.data));

    // Colour → luminance: pure white stays 255, pure black stays 0, and the result is one byte per pixel.
    const bw: Pixels = { width: 2, height: 1, channels: 3, data: Uint8Array.from([255, 255, 255, 0, 0, 0]) };
    const fromColour = await img.preprocess(await upload(await encode(bw), "bw.png"), ctx);
    expect(fromColour.channels).toBe(1);
    expect(Array.from(fromColour.data)).toEqual([255, 0]);
  });

  it('imageMode "RGBA" adds an opaque alpha channel', async () => {
    const src = gradient();
    const px = await new Image({ required: true, imageMode: "RGBA" }).preprocess(await upload(await encode(src)), ctx);
    expect(px.channels).toBe(4);
    expect(px.data.length).toBe(4 * 3 * 4);
    for (let i = 0; i < 12; i++) {
      expect(Array.from(px.data.subarray(i * 4, i * 4 + 4))).toEqual([...Array.from(src.data.subarray(i * 3, i * 3 + 3)), 255]);
    }
    const rgba = gradient(4, 3, 4);
    const kept = await new Image({ required: true, imageMode: "RGBA" }).preprocess(await upload(await encode(rgba)), ctx);
    expect(Array.from(kept.data)).toEqual(Array.from(rgba.data));
  });

  it("centre-crops to `shape` when only cropping is needed", async () => {
    const src = gradient(4, 3);
    const px = await new Image({ required: true, shape: [2, 3] }).preprocess(await upload(await encode(src)), ctx);
    expect([px.width, px.height, px.channels]).toEqual([2, 3, 3]);
    expect(Array.from(px.data)).toEqual(Array.from(columns(src, 1, 3)));
  });

  it("resizes to cover `shape`, then crops", async () => {
    const src = gradient(4, 3);
    const wide = await new Image({ required: true, shape: [8, 2] }).preprocess(await upload(await encode(src)), ctx);
    expect([wide.width, wide.height]).toEqual([8, 2]);
    expect(wide.data.length).toBe(8 * 2 * 3);
    const small = await new Image({ required: true, shape: [2, 2] }).preprocess(await upload(await encode(src)), ctx);
    expect([small.width, small.height]).toEqual([2, 2]);
    // Scaled by 2/3 to 3×2, the centre two columns: red grows left to right, blue is untouched.
    expect(small.data[0]!).toBeLessThan(small.data[3]!);
    expect(small.data[2]).toBe(200);
  });

  it("applies the EXIF orientation", async () => {
    const jpeg = await sharp(await encode(gradient(4, 3))).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const px = await new Image({ required: true }).preprocess(await upload(jpeg, "rotated.jpg"), ctx);
    expect([px.width, px.height]).toEqual([3, 4]);
  });

  it('type "buffer" passes the upload unchanged when nothing needs converting', async () => {
    const jpeg = await encode(gradient(), "jpeg");
    const out = await new Image({ required: true, type: "buffer" }).preprocess(await upload(jpeg, "photo.jpg"), ctx);
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(out.equals(jpeg)).toBe(true);
  });

  it('type "buffer" re-encodes as PNG after shape and mode processing', async () => {
    const jpeg = await encode(gradient(), "jpeg");
    const out = await new Image({ required: true, type: "buffer", shape: [2, 2], imageMode: "L" }).preprocess(await upload(jpeg, "p.jpg"), ctx);
    const meta = await sharp(out).metadata();
    expect(meta).toMatchObject({ format: "png", width: 2, height: 2, channels: 1 });
  });

  it('type "filepath" gives the stored upload, or a new stored PNG after processing', async () => {
    const png = await encode(gradient());
    const fd = await upload(png);
    const same = await new Image({ required: true, type: "filepath" }).preprocess(fd, ctx);
    expect(same).toBe(fd.path);

    const converted = await new Image({ required: true, type: "filepath", imageMode: "L", shape: [3, 3] }).preprocess(fd, ctx);
    expect(converted).not.toBe(fd.path);
    expect(inStore(converted)).toBe(true);
    expect(path.extname(converted)).toBe(".png");
    const px = await pixelsOf(converted, true);
    expect([px.width, px.height, px.channels]).toEqual([3, 3, 1]);
    // The original is untouched.
    expect((await readFile(fd.path)).equals(png)).toBe(true);
  });

  it("accepts a bare path string, as older clients send", async () => {
    const fd = await upload(await encode(gradient()));
    const px = await new Image({ required: true }).preprocess(fd.path, ctx);
    expect([px.width, px.height]).toEqual([4, 3]);
  });

  it("rejects bytes that are not an image", async () => {
    const fd = await upload(Buffer.from("definitely not a png"), "fake.png");
    await expect(new Image({ required: true }).preprocess(fd, ctx)).rejects.toThrow(ValidationError);
    await expect(new Image({ required: true, label: "Photo" }).preprocess(fd, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /^Image "Photo":/);
  });

  it("rejects a truncated image", async () => {
    const png = await encode(gradient(40, 30));
    const fd = await upload(png.subarray(0, 60), "cut.png");
    await expect(new Image({ required: true }).preprocess(fd, ctx)).rejects.toThrow(ValidationError);
  });

  it("rejects SVG uploads", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>');
    await expect(new Image({ required: true }).preprocess(await upload(svg, "x.svg"), ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /"svg"/);
  });

  it("refuses decompression bombs before decoding", async () => {
    // A 1×1 PNG whose header claims 20000 × 20000 pixels.
    const png = Buffer.from(await encode(gradient(1, 1)));
    expect(png.toString("ascii", 12, 16)).toBe("IHDR");
    png.writeUInt32BE(20_000, 16);
    png.writeUInt32BE(20_000, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
    expect(20_000 * 20_000).toBeGreaterThan(DEFAULT_MAX_PIXELS);
    await expect(new Image({ required: true }).preprocess(await upload(png, "bomb.png"), ctx)).rejects.toThrowCode("TR_ERR_FILE_TOO_LARGE", /20000 × 20000 pixels \(400 megapixels\).*at most 50 megapixels/);
  });

  it("refuses a real 10000 × 9999 PNG (a few kB, 100 megapixels decoded) from its header, saying the size and the limit", async () => {
    const png = bilevelPng(10_000, 9_999);
    expect(png.length).toBeLessThan(500_000);
    const fd = await upload(png, "bomb.png");
    const before = imageDecodes.peak;
    const started = performance.now();
    await expect(new Image({ required: true }).preprocess(fd, ctx)).rejects.toThrowCode(
      "TR_ERR_FILE_TOO_LARGE",
      /10000 × 9999 pixels \(100 megapixels\).*at most 50 megapixels.*maxPixels/,
    );
    // Decoding it takes seconds and hundreds of megabytes; the header takes milliseconds.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(imageDecodes.peak).toBe(before);
    // The default lets a 50-megapixel phone photo (8160 × 6120) through.
    expect(8160 * 6120).toBeLessThanOrEqual(DEFAULT_MAX_PIXELS);
  });

  it("takes its pixel limit from maxPixels, for uploads and returned images", async () => {
    const fd = await upload(await encode(gradient(100, 60)), "photo.png");
    await expect(new Image({ required: true, maxPixels: 5000 }).preprocess(fd, ctx)).rejects.toThrowCode("TR_ERR_FILE_TOO_LARGE", /100 × 60 pixels \(6000 pixels\).*at most 5000 pixels/);
    expect((await new Image({ required: true, maxPixels: 6000 }).preprocess(fd, ctx)).width).toBe(100);
    await expect(new Image({ maxPixels: 5000 }).postprocess(gradient(100, 60), ctx)).rejects.toThrowCode("TR_ERR_FILE_TOO_LARGE", /100 × 60/);
    await expect(new Image({ maxPixels: 5000 }).postprocess(await encode(gradient(100, 60)), ctx)).rejects.toThrowCode("TR_ERR_FILE_TOO_LARGE");
  });

  it("decodes at most IMAGE_DECODE_CONCURRENCY images at once in the process, the others waiting their turn", async () => {
    const fds = await Promise.all(Array.from({ length: 6 }, async (_, i) => upload(await encode(gradient(1200 + i, 1000)), `p${i}.png`)));
    imageDecodes.peak = 0;
    const decoded = await Promise.all(fds.map((fd) => new Image({ required: true }).preprocess(fd, ctx)));
    expect(decoded.map((px) => px.width)).toEqual([1200, 1201, 1202, 1203, 1204, 1205]);
    expect(IMAGE_DECODE_CONCURRENCY).toBe(2);
    expect(imageDecodes.peak).toBe(IMAGE_DECODE_CONCURRENCY);
    expect(imageDecodes.running).toBe(0);
  });

  it("rejects paths outside the upload folder", async () => {
    const file = path.join(outside, "secret.png");
    await writeFile(file, await encode(gradient()));
    const fd = { path: file, meta: { _type: "gradio.FileData" } };
    await expect(new Image({ required: true }).preprocess(fd, ctx)).rejects.toThrowCode("TR_ERR_FILE_PATH", /upload folder/);
    const sneaky = { path: path.join(files.dir, "..", "..", path.basename(outside), "secret.png"), meta: fd.meta };
    await expect(new Image({ required: true }).preprocess(sneaky, ctx)).rejects.toThrow(ValidationError);
    await expect(new Image({ required: true }).preprocess({ path: "/etc/passwd", meta: fd.meta }, ctx)).rejects.toThrow(ValidationError);
  });

  it("rejects missing images, malformed FileData and URLs", async () => {
    // Empty is null, as in Gradio; refused (naming the input) when it is required.
    expect(await new Image().preprocess(null, ctx)).toBeNull();
    expect(await new Image().preprocess(undefined, ctx)).toBeNull();
    await expect(new Image({ required: true, label: "Photo" }).preprocess(null, ctx)).rejects.toThrowCode("TR_ERR_REQUIRED", /^Image "Photo": this input is required; upload an image$/);
    await expect(new Image({ required: true }).preprocess({ meta: { _type: "gradio.FileData" } }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /FileData\.path/);
    await expect(new Image({ required: true }).preprocess(42, ctx)).rejects.toThrow(ValidationError);
    // A URL is fetched only when it resolves outside loopback and private ranges (see src/app/fetch-url.ts).
    await expect(new Image({ required: true }).preprocess({ path: "http://127.0.0.1:9/bus.png", meta: { _type: "gradio.FileData" } }, ctx)).rejects.toThrowCode("TR_ERR_FETCH_REFUSED", /not allowed/);
    await expect(new Image({ required: true }).preprocess({ path: path.join(files.dir, "nope.png") }, ctx)).rejects.toThrowCode("TR_ERR_FILE_PATH", /upload it first/);
  });
});

describe("Image.postprocess", () => {
  function expectFileData(fd: FileData | null): asserts fd is FileData {
    expect(fd).not.toBeNull();
    expect(fd!.meta).toEqual({ _type: "gradio.FileData" });
    expect(inStore(fd!.path)).toBe(true);
    expect(fd!.url).toBe(`${ROOT}/gradio_api/file=${encodeURI(fd!.path)}`);
  }

  it("passes null through", async () => {
    expect(await new Image().postprocess(null, ctx)).toBeNull();
  });

  it("encodes RGB, RGBA and grey Pixels as PNG, losslessly", async () => {
    for (const channels of [1, 2, 3, 4]) {
      const src = gradient(4, 3, channels);
      const fd = await new Image().postprocess(src, ctx);
      expectFileData(fd);
      expect(fd.mime_type).toBe("image/png");
      expect(fd.size).toBe((await readFile(fd.path)).length);
      const meta = await sharp(fd.path).metadata();
      expect(meta).toMatchObject({ format: "png", width: 4, height: 3, channels });
      if (channels === 2) {
        // sharp reads grey + alpha back as RGBA.
        const back = await pixelsOf(fd.path);
        const expected = Array.from(src.data).flatMap((v, i) => (i % 2 === 0 ? [v, v, v] : [v]));
        expect(Array.from(back.data)).toEqual(expected);
      } else {
        const back = await pixelsOf(fd.path, channels === 1);
        expect(back.channels).toBe(channels);
        expect(Array.from(back.data)).toEqual(Array.from(src.data));
      }
    }
  });

  it("returns the same output whatever the input `type`", async () => {
    const src = gradient();
    const fd = await new Image({ type: "filepath" }).postprocess(src, ctx);
    expectFileData(fd);
    expect(Array.from((await pixelsOf(fd.path)).data)).toEqual(Array.from(src.data));
  });

  it("uses `format` for Pixels", async () => {
    const fd = await new Image({ format: "jpeg" }).postprocess(gradient(), ctx);
    expectFileData(fd);
    expect((await sharp(fd.path).metadata()).format).toBe("jpeg");
    expect(fd.mime_type).toBe("image/jpeg");
    const webp = await new Image({ format: "webp" }).postprocess(gradient(), ctx);
    expectFileData(webp);
    expect((await sharp(webp.path).metadata()).format).toBe("webp");
  });

  it("stores encoded bytes a browser shows as they are", async () => {
    const png = await encode(gradient());
    const fd = await new Image().postprocess(png, ctx);
    expectFileData(fd);
    expect((await readFile(fd.path)).equals(png)).toBe(true);

    const jpeg = await encode(gradient(), "jpeg");
    const plain = new Uint8Array(jpeg); // not a Buffer
    const fj = await new Image().postprocess(plain, ctx);
    expectFileData(fj);
    expect(fj.mime_type).toBe("image/jpeg");
    expect((await readFile(fj.path)).equals(jpeg)).toBe(true);
  });

  it("converts bytes a browser cannot show (TIFF) to `format`", async () => {
    const src = gradient();
    const fd = await new Image().postprocess(await encode(src, "tiff"), ctx);
    expectFileData(fd);
    expect((await sharp(fd.path).metadata()).format).toBe("png");
    expect(Array.from((await pixelsOf(fd.path)).data)).toEqual(Array.from(src.data));
  });

  it("copies a returned file path into the store", async () => {
    const png = await encode(gradient());
    const file = path.join(outside, "result.png");
    await writeFile(file, png);
    const fd = await new Image().postprocess(file, ctx);
    expectFileData(fd);
    expect(fd.orig_name).toBe("result.png");
    expect((await readFile(fd.path)).equals(png)).toBe(true);
  });

  it("passes a returned URL through for the page to load", async () => {
    const url = "https://example.com/images/cat.png";
    expect(await new Image().postprocess(url, ctx)).toMatchObject({ path: url, url, orig_name: "cat.png", meta: { _type: "gradio.FileData" } });
  });

  it("rejects invalid Pixels", async () => {
    const img = new Image();
    const bad: unknown[] = [
      { width: 4, height: 3, channels: 3, data: new Uint8Array(35) },
      { width: 4, height: 3, channels: 5, data: new Uint8Array(60) },
      { width: 4, height: 3, channels: 0, data: new Uint8Array(0) },
      { width: 0, height: 3, channels: 3, data: new Uint8Array(0) },
      { width: 4.5, height: 3, channels: 3, data: new Uint8Array(36) },
      { width: 4, height: 3, channels: 3, data: Array.from({ length: 36 }, () => 0) },
      { width: 4, height: 3, channels: 3, data: new Float32Array(36) },
    ];
    for (const value of bad) await expect(img.postprocess(value as Pixels, ctx)).rejects.toThrow(ValidationError);
    await expect(img.postprocess({ ...gradient(), data: new Uint8Array(35) }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
  });

  it("rejects other return values, missing files and files that are not images", async () => {
    const img = new Image();
    await expect(img.postprocess(42 as never, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    await expect(img.postprocess([1, 2] as never, ctx)).rejects.toThrow(ValidationError);
    await expect(img.postprocess(path.join(outside, "missing.png"), ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /"missing\.png"/);
    const text = path.join(outside, "notes.txt");
    await writeFile(text, "hello");
    await expect(img.postprocess(text, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /"notes\.txt"/);
    await expect(img.postprocess(Buffer.from("nope"), ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
  });
});

describe("Image examples", () => {
  it("copies an example file into the store and gives its FileData", async () => {
    const png = await encode(gradient());
    const file = path.join(outside, "example.png");
    await writeFile(file, png);
    const img = new Image({ required: true });
    const fd = (await img.exampleValue(file, ctx)) as FileData;
    expect(inStore(fd.path)).toBe(true);
    expect(fd.orig_name).toBe("example.png");
    expect((await readFile(fd.path)).equals(png)).toBe(true);
    // The stored example is a valid input again.
    const px = await img.preprocess({ path: fd.path, meta: { _type: "gradio.FileData" } }, ctx);
    expect(Array.from(px.data)).toEqual(Array.from(gradient().data));
  });

  it("accepts Pixels examples and uses `value` as the initial value", async () => {
    const fd = (await new Image().exampleValue(gradient(), ctx)) as FileData;
    expect(Array.from((await pixelsOf(fd.path)).data)).toEqual(Array.from(gradient().data));
    const withValue = new Image({ value: gradient(2, 2) });
    const init = (await withValue.initialValue(ctx)) as FileData;
    expect((await sharp(init.path).metadata()).width).toBe(2);
    expect(await new Image().initialValue(ctx)).toBeNull();
  });
});
