import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Video } from "./video.js";
import { components } from "./registry.js";
import { DiskFileStore } from "../runtime/file-store.js";
import type { ComponentContext } from "../core/context.js";

const MEDIA = fileURLToPath(new URL("../../test/fixtures/media/", import.meta.url));
const ROOT = "https://example.test/app";
let tmp: string;
let files: DiskFileStore;
let ctx: ComponentContext;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "tradio-video-"));
  files = new DiskFileStore({ dir: path.join(tmp, "store") });
  ctx = { files, root: ROOT };
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const upload = async (name: string, as = name) => ({ path: await files.save(await readFile(path.join(MEDIA, name)), as), meta: { _type: "gradio.FileData" } });

describe("Video", () => {
  it("has Gradio's props, a FileData schema and the shortcuts", () => {
    const v = new Video();
    expect(v.type).toBe("video");
    expect(v.props()).toMatchObject({ sources: ["upload", "webcam"], format: null, autoplay: false, loop: false, show_download_button: true, include_audio: true, value: null });
    expect(new Video({ sources: ["webcam"] }).props().include_audio).toBe(false);
    expect(v.apiInfo()).toMatchObject({ type: "object", title: "FileData", required: ["path"] });
    expect(v.pythonType()).toBe("filepath");
    expect(components.get("video")()).toBeInstanceOf(Video);
    expect((components.get("playablevideo")() as Video).format).toBe("mp4");
  });

  it("refuses bad options with codes", () => {
    expect(() => new Video({ sources: ["microphone"] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /sources/);
    expect(() => new Video({ format: "avi" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /format/);
    expect(() => new Video({ fps: 3 } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN");
  });

  it("gives the function the stored path of an MP4 or WebM upload, also from Gradio 4's { video } shape", async () => {
    const v = new Video();
    const mp4 = await upload("clip.mp4");
    expect(await v.preprocess(mp4, ctx)).toBe(mp4.path);
    const webm = await upload("clip.webm", "blob");
    expect(await v.preprocess({ video: webm, subtitles: null }, ctx)).toBe(webm.path);
  });

  it("refuses what is not a video, whatever its name", async () => {
    const v = new Video();
    const fake = { path: await files.save(Buffer.from("not a video at all"), "fake.mp4"), meta: { _type: "gradio.FileData" } };
    await expect(v.preprocess(fake, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /not a video/);
    expect(await v.preprocess(null, ctx)).toBeNull();
    await expect(new Video({ required: true }).preprocess(null, ctx)).rejects.toThrowCode("TR_ERR_REQUIRED", /upload or record a video/);
    await expect(v.preprocess({ path: "/etc/passwd", meta: { _type: "gradio.FileData" } }, ctx)).rejects.toThrowCode("TR_ERR_FILE_PATH");
  });

  it("returns paths, bytes, { name, data } and URLs as FileData with the video's MIME type", async () => {
    const v = new Video();
    const fromPath = await v.postprocess(path.join(MEDIA, "clip.webm"), ctx);
    expect(fromPath).toMatchObject({ orig_name: "clip.webm", mime_type: "video/webm" });
    expect(fromPath!.url).toMatch(/^https:\/\/example\.test\/app\/gradio_api\/file=/);
    const fromBytes = await v.postprocess(await readFile(path.join(MEDIA, "clip.mp4")), ctx);
    expect(fromBytes).toMatchObject({ mime_type: "video/mp4" });
    expect(fromBytes!.path.endsWith(".mp4")).toBe(true);
    const named = await v.postprocess({ name: "out.bin", data: await readFile(path.join(MEDIA, "clip.webm")) }, ctx);
    expect(named!.path.endsWith("out.webm")).toBe(true);
    expect(await v.postprocess("https://example.org/v/world.mp4", ctx)).toMatchObject({ url: "https://example.org/v/world.mp4", mime_type: "video/mp4" });
    expect(await v.postprocess(null, ctx)).toBeNull();
  });

  it("refuses a returned file that is missing or not a video", async () => {
    const v = new Video();
    const text = path.join(tmp, "notes.mp4");
    await writeFile(text, "hello");
    await expect(v.postprocess(text, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /not a video/);
    await expect(v.postprocess(path.join(tmp, "missing.mp4"), ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /does not exist/);
    await expect(v.postprocess(Buffer.from("nope"), ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    await expect(v.postprocess(42 as never, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
  });

  it("keeps AVI as it is (tradio does not transcode): the page says when the browser cannot play it", async () => {
    const copy = path.join(tmp, "old.avi");
    await copyFile(path.join(MEDIA, "clip.avi"), copy);
    expect(await new Video().postprocess(copy, ctx)).toMatchObject({ orig_name: "old.avi", mime_type: expect.stringMatching(/avi/) });
  });
});
