// The demos of the new components answer through @gradio/client as `npm start` serves them.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { handle_file } from "@gradio/client";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import video from "../demo/video/app.js";
import plots from "../demo/plots/app.js";
import gallery from "../demo/image_gallery/app.js";
import model3d from "../demo/model3d/app.js";
import pickers from "../demo/code_color_date/app.js";
import { connect, start } from "./helpers.js";

const MEDIA = fileURLToPath(new URL("./fixtures/media/", import.meta.url));

async function call(iface: { launch(o: object): Promise<any> }, data: unknown[]): Promise<any[]> {
  const app = await start(iface);
  try {
    return ((await (await connect(app.base)).predict("/predict", data)) as { data: any[] }).data;
  } finally {
    await app.close();
  }
}

describe("demos of the new components", () => {
  it("video plays a clip back and names its container", async () => {
    const clip = new Blob([new Uint8Array(await readFile(path.join(MEDIA, "clip.webm")))], { type: "video/webm" });
    const [out, info] = await call(video, [handle_file(clip)]);
    expect(out).toMatchObject({ mime_type: "video/webm" });
    expect(info.container).toBe("WebM / Matroska");
  });

  it("plots draws six plots, one an SVG rendered on the server", async () => {
    const out = await call(plots, [40, "cosine", 0.2]);
    expect(out.map((p) => p.type)).toEqual(["altair", "altair", "altair", "altair", "plotly", "matplotlib"]);
    expect(out[5].plot).toMatch(/^data:image\/svg\+xml;base64,/);
  });

  it("image_gallery applies an effect and captions each image", async () => {
    const sharp = (await import("sharp")).default;
    const image = await sharp({ create: { width: 20, height: 10, channels: 3, background: "#f00" } }).png().toBuffer();
    const [items] = await call(gallery, [[handle_file(new Blob([new Uint8Array(image)], { type: "image/png" }))], "mirror"]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ image: { mime_type: "image/png" }, caption: expect.stringMatching(/mirror$/) });
  });

  it("model3d returns the shape as OBJ, STL and glb", async () => {
    const out = await call(model3d, ["torus", 8]);
    expect(out.map((f) => path.extname(f.path))).toEqual([".obj", ".stl", ".glb"]);
  });

  it("code_color_date makes a stylesheet, a complement and a reminder", async () => {
    const [css, complement, reminder] = await call(pickers, ["#f97316", "2026-03-02 09:30:00", '{"radius": 4}']);
    expect(css).toContain("--radius: 4px;");
    expect(complement).toBe("#068ce9");
    expect(reminder).toBe("2026-02-23 09:30:00");
  });
});
