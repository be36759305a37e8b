// The new components through @gradio/client, as another program would call them: uploads with
// handle_file, Gradio's wire values back, /info schemas, and the file route's range requests.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { handle_file } from "@gradio/client";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { connect, start } from "./helpers.js";

const MEDIA = fileURLToPath(new URL("./fixtures/media/", import.meta.url));
const blob = async (name: string, type: string) => new Blob([new Uint8Array(await readFile(path.join(MEDIA, name)))], { type });

describe("new components over @gradio/client", () => {
  it("Video: an upload reaches the function as a path, a returned clip comes back as FileData served with range requests", async () => {
    const iface = new tr.Interface({
      fn: async (clip: string | null) => [clip, path.extname(clip!)],
      inputs: "video",
      outputs: ["playable_video", "text"],
    });
    const app = await start(iface);
    try {
      const client = await connect(app.base);
      const { data } = (await client.predict("/predict", [handle_file(await blob("clip.mp4", "video/mp4"))])) as { data: any[] };
      expect(data[0]).toMatchObject({ mime_type: "video/mp4", meta: { _type: "gradio.FileData" } });
      const url: string = data[0].url;
      const whole = await fetch(url);
      expect(whole.status).toBe(200);
      expect(whole.headers.get("accept-ranges")).toBe("bytes");
      const size = (await whole.arrayBuffer()).byteLength;
      const part = await fetch(url, { headers: { range: "bytes=100-199" } });
      expect(part.status).toBe(206);
      expect(part.headers.get("content-range")).toBe(`bytes 100-199/${size}`);
      expect((await part.arrayBuffer()).byteLength).toBe(100);
      const tail = await fetch(url, { headers: { range: "bytes=-10" } });
      expect(tail.status).toBe(206);
      // Gradio 4/5 clients send { video, subtitles }.
      const old = (await client.predict("/predict", [{ video: handle_file(await blob("clip.webm", "video/webm")), subtitles: null }])) as { data: any[] };
      expect(old.data[0]).toMatchObject({ mime_type: "video/webm" });
      const info = await (await fetch(`${app.base}/gradio_api/info`)).json();
      const param = info.named_endpoints["/predict"].parameters[0];
      expect(param).toMatchObject({ component: "Video", python_type: { type: "filepath" }, type: { title: "FileData" } });
      await expect(client.predict("/predict", [handle_file(new Blob(["text"], { type: "video/mp4" }))])).rejects.toMatchObject({ message: expect.stringMatching(/not a video/) });
    } finally {
      await app.close();
    }
  });

  it("Gallery: several uploads in, captioned images and videos out", async () => {
    const png = await sharp({ create: { width: 8, height: 6, channels: 3, background: "#0ea5e9" } }).png().toBuffer();
    const iface = new tr.Interface({
      fn: async (items: [string, string | null][] | null) => [...items!.map(([p], i): [string, string] => [p, `#${i + 1}`]), [path.join(MEDIA, "clip.webm"), "video"] as [string, string]],
      inputs: new tr.Gallery({ label: "In" }),
      outputs: new tr.Gallery({ label: "Out" }),
    });
    const app = await start(iface);
    try {
      const client = await connect(app.base);
      // Bare Blobs (the client uploads them and sends their paths) and Gradio's { image, caption } items.
      const pngBlob = () => new Blob([new Uint8Array(png)], { type: "image/png" });
      const { data } = (await client.predict("/predict", [[pngBlob(), { image: handle_file(pngBlob()), caption: "second" }]])) as { data: any[] };
      expect(data[0]).toHaveLength(3);
      expect(data[0][0]).toMatchObject({ image: { meta: { _type: "gradio.FileData" } }, caption: "#1" });
      expect(data[0][2]).toMatchObject({ video: { mime_type: "video/webm" }, caption: "video" });
      const info = await (await fetch(`${app.base}/gradio_api/info`)).json();
      expect(info.named_endpoints["/predict"].parameters[0]).toMatchObject({ component: "Gallery", type: { type: "array", title: "GalleryData" } });
    } finally {
      await app.close();
    }
  });

  it("Plot and the row plots: PlotData out", async () => {
    const iface = new tr.Interface({
      fn: (x: number | null) => {
        const n = x ?? 0;
        return [
        { data: [{ type: "bar", x: ["a", "b"], y: [n, 2] }] },
        Array.from({ length: n }, (_, i) => ({ x: i, y: i * i })),
        { headers: ["k", "v"], data: [["a", 1], ["b", n]] },
        ];
      },
      inputs: "number",
      outputs: ["plot", new tr.ScatterPlot({ x: "x", y: "y" }), new tr.BarPlot({ x: "k", y: "v" })],
    });
    const app = await start(iface);
    try {
      const client = await connect(app.base);
      const { data } = (await client.predict("/predict", [3])) as { data: any[] };
      expect(data[0].type).toBe("plotly");
      expect(JSON.parse(data[0].plot).data[0].y).toEqual([3, 2]);
      expect(data[1]).toMatchObject({ type: "altair", chart: "scatter" });
      expect(JSON.parse(data[1].plot).data.values).toHaveLength(3);
      expect(data[2]).toMatchObject({ type: "altair", chart: "bar" });
      const info = await (await fetch(`${app.base}/gradio_api/info`)).json();
      expect(info.named_endpoints["/predict"].returns.map((r: any) => r.component)).toEqual(["Plot", "ScatterPlot", "BarPlot"]);
      expect(info.named_endpoints["/predict"].returns[0].type).toMatchObject({ title: "PlotData" });
    } finally {
      await app.close();
    }
  });

  it("Model3D, ColorPicker, Code and DateTime", async () => {
    const iface = new tr.Interface({
      fn: async (model: string | null, color: string | null, code: string, when: Date | null) => [model, color, code.toUpperCase(), new Date(when!.getTime() + 3600_000)],
      inputs: ["model3d", "colorpicker", new tr.Code({ language: "python" }), new tr.DateTime({ type: "datetime", timezone: "UTC" })],
      outputs: ["model3d", "colorpicker", "code", new tr.DateTime({ timezone: "UTC" })],
    });
    const app = await start(iface);
    try {
      const client = await connect(app.base);
      const obj = new File(["v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"], "tri.obj");
      const { data } = (await client.predict("/predict", [handle_file(obj), "#F80", "print(1)", "2024-05-01 10:00:00"])) as { data: any[] };
      expect(data[0]).toMatchObject({ orig_name: "tri.obj", meta: { _type: "gradio.FileData" } });
      expect(data.slice(1)).toEqual(["#ff8800", "PRINT(1)", "2024-05-01 11:00:00"]);
      await expect(client.predict("/predict", [handle_file(obj), "orange", "x", "2024-05-01"])).rejects.toMatchObject({ message: expect.stringMatching(/ColorPicker/) });
      const info = await (await fetch(`${app.base}/gradio_api/info`)).json();
      expect(info.named_endpoints["/predict"].parameters.map((p: any) => [p.component, p.type.title ?? p.type.type])).toEqual([
        ["Model3D", "FileData"],
        ["ColorPicker", "string"],
        ["Code", "string"],
        ["DateTime", "string"],
      ]);
    } finally {
      await app.close();
    }
  });

  it("/run refuses a bad value with 422 and the value's code", async () => {
    const app = await start(new tr.Interface({ fn: (d: number | null) => d, inputs: "datetime", outputs: "number" }));
    try {
      const res = await fetch(`${app.base}/gradio_api/run/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: ["not a date"] }) });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ code: "TR_ERR_INVALID_VALUE" });
    } finally {
      await app.close();
    }
  });
});
