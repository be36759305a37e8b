import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Model3D } from "./model3d.js";
import { DiskFileStore } from "../runtime/file-store.js";
import type { ComponentContext } from "../core/context.js";

const OBJ = "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n";
const GLB = Buffer.concat([Buffer.from("glTF"), Buffer.from([2, 0, 0, 0, 12, 0, 0, 0])]);
let tmp: string;
let ctx: ComponentContext;
let files: DiskFileStore;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "tradio-model3d-"));
  files = new DiskFileStore({ dir: path.join(tmp, "store") });
  ctx = { files, root: "http://h" };
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("Model3D", () => {
  it("has Gradio's props and options, checked", () => {
    const m = new Model3D({ clearColor: [1, 1, 1, 1], cameraPosition: [45, null, 3], displayMode: "wireframe", height: 300 });
    expect(m.props()).toMatchObject({ clear_color: [1, 1, 1, 1], camera_position: [45, null, 3], display_mode: "wireframe", zoom_speed: 1, pan_speed: 1, height: 300 });
    expect(new Model3D().props()).toMatchObject({ clear_color: [0, 0, 0, 0], camera_position: [null, null, null], display_mode: "solid" });
    expect(m.apiInfo()).toMatchObject({ title: "FileData" });
    expect(() => new Model3D({ clearColor: [255, 0, 0, 1] })).toThrowCode("TR_ERR_OPTION_INVALID", /clearColor/);
    expect(() => new Model3D({ displayMode: "points" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /displayMode/);
    expect(() => new Model3D({ cameraPosition: [0, 0, -1] })).toThrowCode("TR_ERR_OPTION_INVALID", /cameraPosition/);
  });

  it("passes uploads on as paths and refuses formats the viewer cannot read", async () => {
    const m = new Model3D();
    const obj = await files.save(Buffer.from(OBJ), "tri.obj");
    expect(await m.preprocess({ path: obj, meta: { _type: "gradio.FileData" } }, ctx)).toBe(obj);
    const blob = await files.save(Buffer.from(OBJ), "blob");
    expect(await m.preprocess({ path: blob, orig_name: "tri.obj", meta: { _type: "gradio.FileData" } }, ctx)).toBe(blob);
    const txt = await files.save(Buffer.from(OBJ), "tri.txt");
    await expect(m.preprocess({ path: txt, meta: { _type: "gradio.FileData" } }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /not a 3D model/);
    expect(await m.preprocess(null, ctx)).toBeNull();
    await expect(new Model3D({ required: true }).preprocess(null, ctx)).rejects.toThrowCode("TR_ERR_REQUIRED", /upload a 3D model \(\.obj, \.glb, \.gltf, \.stl\)/);
  });

  it("returns paths, { name, data }, glb bytes and URLs", async () => {
    const m = new Model3D();
    const file = path.join(tmp, "tri.obj");
    await writeFile(file, OBJ);
    expect(await m.postprocess(file, ctx)).toMatchObject({ orig_name: "tri.obj" });
    expect((await m.postprocess({ name: "shape.stl", data: Buffer.from("solid x\nendsolid x\n") }, ctx))!.path.endsWith("shape.stl")).toBe(true);
    expect((await m.postprocess(GLB, ctx))!.path.endsWith(".glb")).toBe(true);
    expect(await m.postprocess("https://example.org/m/Box.gltf", ctx)).toMatchObject({ url: "https://example.org/m/Box.gltf" });
    expect(await m.postprocess(null, ctx)).toBeNull();
  });

  it("refuses returned values it cannot show", async () => {
    const m = new Model3D();
    await expect(m.postprocess(Buffer.from("no magic"), ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /glTF/);
    await expect(m.postprocess({ name: "x.fbx", data: Buffer.from("x") }, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    const fake = path.join(tmp, "fake.glb");
    await writeFile(fake, "not binary gltf");
    await expect(m.postprocess(fake, ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /glTF/);
    await expect(m.postprocess("https://example.org/m/file.zip", ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    await expect(m.postprocess(path.join(tmp, "missing.obj"), ctx)).rejects.toThrowCode("TR_ERR_INVALID_VALUE", /does not exist/);
  });
});
