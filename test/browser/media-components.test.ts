// The new components in Chromium: video upload, webcam recording, playback with seeking (range requests) and
// the notice for videos the browser cannot play; plots through vega-embed and plotly.js, loaded only where a
// plot is shown; gallery upload, preview and download; Model3D in three.js; colour, code and date inputs.
// Each is photographed at 1280 and 390 px, light and dark (test-output/screenshots/new-*.png).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { launchBrowser, newPage, openApp, pageErrors, screenshot, startApp } from "./helpers.js";

const MEDIA = fileURLToPath(new URL("../fixtures/media/", import.meta.url));
const VARIANTS = [
  { width: 1280, dark: false, tag: "1280-light" },
  { width: 390, dark: true, tag: "390-dark" },
  { width: 1280, dark: true, tag: "1280-dark" },
  { width: 390, dark: false, tag: "390-light" },
] as const;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser({ fakeMedia: true });
});
afterAll(async () => {
  await browser?.close();
});

/** Runs `flow` on a fresh page of the app in every size and theme, screenshots each, and checks the page threw nothing. */
async function everyVariant(app: { url: string }, name: string, flow: (page: Page, first: boolean) => Promise<void>, variants: readonly (typeof VARIANTS)[number][] = VARIANTS): Promise<void> {
  for (const [i, v] of variants.entries()) {
    const { context, page } = await newPage(browser, { width: v.width, height: 900, dark: v.dark });
    try {
      await context.grantPermissions(["camera", "microphone"]);
      await openApp(page, app.url);
      await flow(page, i === 0);
      await screenshot(page, `new-${name}-${v.tag}`);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }
}

const submit = (page: Page) => page.getByRole("button", { name: "Submit" }).click();
/** The chunks the page loaded, by the start of their file names. */
function chunksLoaded(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    const m = /\/assets\/([A-Za-z0-9.-]+?)-[A-Za-z0-9_-]{8}\.js$/.exec(r.url());
    if (m) seen.push(m[1]);
  });
  return seen;
}

describe("browser: new components", () => {
  it("Video: upload, playback that seeks with range requests, a clear notice for files the browser cannot play", async () => {
    const iface = new tr.Interface({
      fn: (clip: string | null, kind: string | null) => [clip, kind === "avi" ? path.join(MEDIA, "clip.avi") : kind === "mpeg4" ? path.join(MEDIA, "clip-mpeg4.mp4") : path.join(MEDIA, "clip.webm")],
      inputs: [new tr.Video({ label: "Clip" }), new tr.Radio({ choices: ["webm", "avi", "mpeg4"], value: "webm", label: "Second" })],
      outputs: [new tr.Video({ label: "Same clip" }), new tr.Video({ label: "Second clip" })],
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    try {
      await everyVariant(app, "video", async (page, first) => {
        const ranges: number[] = [];
        page.on("response", (r) => {
          if (r.url().includes("/gradio_api/file=") && r.request().headers().range) ranges.push(r.status());
        });
        await page.setInputFiles(".comp-video.input input[type=file]", path.join(MEDIA, "clip.mp4"));
        await page.locator(".comp-video.input video").waitFor();
        await submit(page);
        const out = page.locator(".comp-video.output video").first();
        await out.waitFor({ timeout: 20_000 });
        await expect.poll(() => out.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
        expect(await out.evaluate((v: HTMLVideoElement) => Math.round(v.duration))).toBe(3);
        if (!first) return;
        // Seeking: the player asks for byte ranges and the file route answers 206.
        await out.evaluate((v: HTMLVideoElement) => new Promise<void>((resolve) => {
          v.addEventListener("seeked", () => resolve(), { once: true });
          v.currentTime = 2.5;
        }));
        expect(ranges.length).toBeGreaterThan(0);
        expect(ranges.every((s) => s === 206)).toBe(true);
        // An AVI: canPlayType says no, and the page says so instead of showing a broken player.
        await page.getByText("avi", { exact: true }).click();
        await submit(page);
        const notice = page.locator(".comp-video.output").nth(1).getByRole("alert");
        await expect.poll(() => notice.innerText(), { timeout: 15_000 }).toMatch(/cannot play AVI video/);
        await expect.poll(() => notice.locator("a[download]").count()).toBe(1);
        await screenshot(page, "new-video-unplayable");
        // An MP4 whose codec (MPEG-4 Part 2) Chromium does not decode: the player's error is reported.
        await page.getByText("mpeg4", { exact: true }).click();
        await submit(page);
        await expect.poll(() => notice.innerText(), { timeout: 15_000 }).toMatch(/cannot play .*clip-mpeg4\.mp4.*codec/);
      });
    } finally {
      await app.close();
    }
  }, 240_000);

  it("Video: records from the webcam with MediaRecorder and sends the recording", async () => {
    const iface = new tr.Interface({
      fn: async (clip: string | null) => [clip, (await readFile(clip!)).length],
      inputs: new tr.Video({ label: "Webcam", sources: ["webcam"] }),
      outputs: [new tr.Video({ label: "Recording" }), new tr.Number({ label: "Bytes" })],
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser);
    try {
      await context.grantPermissions(["camera"]);
      await openApp(page, app.url);
      const record = page.getByRole("button", { name: "Record" });
      await expect.poll(() => record.isEnabled(), { timeout: 10_000 }).toBe(true);
      // From the keyboard: the focus goes from Record to Stop, then to the recorded video's player.
      await record.focus();
      await page.keyboard.press("Enter");
      await page.getByRole("button", { name: "Stop recording" }).waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Stop recording");
      await page.waitForTimeout(1500);
      await page.keyboard.press("Enter");
      await page.locator(".comp-video.input video.player").waitFor({ timeout: 10_000 });
      await expect.poll(() => page.evaluate(() => document.activeElement !== document.body && !!document.activeElement?.closest(".comp-video.input"))).toBe(true);
      await submit(page);
      await page.locator(".comp-video.output video").waitFor({ timeout: 15_000 });
      await expect.poll(() => page.getByLabel("Bytes").inputValue(), { timeout: 15_000 }).toMatch(/^[1-9]\d+$/);
      // A MediaRecorder WebM has no duration in its header: the player finds it, so it shows it and can seek.
      const played = page.locator(".comp-video.output video");
      // Infinity until the player has found the end, so wait for a finite duration rather than any large one.
      const duration = () => played.evaluate((v: HTMLVideoElement) => (Number.isFinite(v.duration) ? v.duration : 0));
      await expect.poll(duration, { timeout: 15_000 }).toBeGreaterThan(0.5);
      await screenshot(page, "new-video-webcam");
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  }, 240_000);

  it("Plot, LinePlot, ScatterPlot and BarPlot draw interactively; their libraries load only on pages with plots", async () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ x: i, y: Math.sin(i / 3), kind: i % 2 ? "odd" : "even" }));
    const png = await sharp({ create: { width: 120, height: 60, channels: 3, background: "#22c55e" } }).png().toBuffer();
    const iface = new tr.Interface({
      fn: (title: string) => [
        rows,
        rows,
        { headers: ["kind", "n"], data: [["even", 10], ["odd", 10]] },
        // A composite spec whose views take the container's width: wider than the container by its axes.
        {
          $schema: "https://vega.github.io/schema/vega-lite/v6.json",
          title,
          data: { values: rows },
          vconcat: [
            { mark: "area", encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } }, width: "container", height: 120 },
            { mark: "line", encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } }, width: "container", height: 40 },
          ],
        },
        { data: [{ type: "bar", x: ["a", "b", "c"], y: [3, 1, 2] }], layout: { title: { text: title }, height: 300 } },
        png,
      ],
      inputs: new tr.Textbox({ label: "Title", value: "Waves" }),
      outputs: [
        new tr.LinePlot({ x: "x", y: "y", color: "kind", title: "Line", label: "Line" }),
        new tr.ScatterPlot({ x: "x", y: "y", color: "kind", label: "Scatter" }),
        new tr.BarPlot({ x: "kind", y: "n", label: "Bars" }),
        new tr.Plot({ label: "Vega-Lite" }),
        new tr.Plot({ label: "Plotly" }),
        new tr.Plot({ label: "Image" }),
      ],
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const plain = await startApp(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text" }));
    try {
      // A page without plots, videos, models or code loads none of their libraries.
      const { context, page } = await newPage(browser);
      try {
        const chunks = chunksLoaded(page);
        await openApp(page, plain.url);
        await page.waitForTimeout(500);
        expect(chunks.filter((c) => /vega|plotly|three|code-editor/.test(c))).toEqual([]);
      } finally {
        await context.close();
      }
      await everyVariant(app, "plots", async (page, first) => {
        const chunks = chunksLoaded(page);
        await page.waitForTimeout(300);
        expect(chunks.filter((c) => /vega|plotly/.test(c))).toEqual([]);
        await submit(page);
        await expect.poll(() => page.locator(".comp-lineplot .vega-embed svg, .comp-lineplot .vega-embed canvas").count(), { timeout: 20_000 }).toBeGreaterThan(0);
        await expect.poll(() => page.locator(".comp-plot .vega-embed").count(), { timeout: 20_000 }).toBe(1);
        await expect.poll(() => page.locator(".comp-plot .js-plotly-plot .main-svg").count(), { timeout: 60_000 }).toBeGreaterThan(0);
        await page.locator(".comp-plot img.plot-image").waitFor();
        await expect.poll(() => page.locator(".plot-loading").count(), { timeout: 30_000 }).toBe(0);
        expect(chunks).toContain("vega");
        expect(chunks.some((c) => c.startsWith("plotly-cartesian"))).toBe(true);
        expect(chunks.some((c) => c.startsWith("plotly.min"))).toBe(false); // 2-D figures need only the cartesian build
        // Nothing of a chart shows past its block or under vega-embed's actions button (a composite chart
        // scrolls inside its block); plotly's toolbar is left out on a phone, where it would cover the title.
        const spill = await page.locator(".comp-plot .vega-embed").evaluate((el) => {
          const wrapper = el.querySelector(".chart-wrapper")!.getBoundingClientRect();
          const summary = el.querySelector("summary")!.getBoundingClientRect();
          return { past: wrapper.right - el.getBoundingClientRect().right, underButton: wrapper.right - summary.left };
        });
        expect(spill.past).toBeLessThanOrEqual(0);
        expect(spill.underButton).toBeLessThanOrEqual(0);
        const phone = page.viewportSize()!.width < 640;
        expect(await page.locator(".comp-plot .js-plotly-plot .modebar-group").count()).toBe(phone ? 0 : 3);
        if (!first) return;
        // Tooltips on hover (vega-tooltip) and Plotly's own hover labels.
        const line = page.locator(".comp-lineplot .vega-embed");
        expect(await line.locator("svg, canvas").first().boundingBox()).not.toBeNull();
        await page.locator(".comp-plot .js-plotly-plot").scrollIntoViewIfNeeded();
        const bar = await page.locator(".comp-plot .js-plotly-plot .point path").first().boundingBox();
        expect(bar).not.toBeNull();
        await page.mouse.move(bar!.x + 2, bar!.y + 2);
        await page.mouse.move(bar!.x + bar!.width / 2, bar!.y + bar!.height / 2, { steps: 5 });
        await expect.poll(() => page.locator(".comp-plot .hoverlayer .hovertext").count(), { timeout: 5_000 }).toBeGreaterThan(0);
      });
    } finally {
      await app.close();
      await plain.close();
    }
  }, 240_000);

  it("Gallery: uploads several images, returns them captioned, previews one large with keys, offers downloads", async () => {
    const red = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#ef4444" } }).png().toBuffer();
    const blue = await sharp({ create: { width: 30, height: 40, channels: 3, background: "#3b82f6" } }).png().toBuffer();
    const iface = new tr.Interface({
      fn: async (items: [string, string | null][] | null) => [
        ...(await Promise.all((items ?? []).map(async ([p], i): Promise<[Uint8Array, string]> => [await sharp(p).negate().png().toBuffer(), `negative ${i + 1}`]))),
        [path.join(MEDIA, "clip.webm"), "a clip"] as [string, string],
      ],
      inputs: new tr.Gallery({ label: "Pictures", columns: 3 }),
      outputs: new tr.Gallery({ label: "Negatives", columns: [1, 2, 3] }),
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    try {
      await everyVariant(app, "gallery", async (page, first) => {
        await page.setInputFiles(".comp-gallery.input input[type=file]", [
          { name: "red.png", mimeType: "image/png", buffer: red },
          { name: "blue.png", mimeType: "image/png", buffer: blue },
        ]);
        await expect.poll(() => page.locator(".comp-gallery.input .thumb img").count()).toBe(2);
        await submit(page);
        const thumbs = page.locator(".comp-gallery.output .thumb");
        await expect.poll(() => thumbs.count(), { timeout: 15_000 }).toBe(3);
        expect(await page.locator(".comp-gallery.output .caption").allInnerTexts()).toEqual(["negative 1", "negative 2", "a clip"]);
        if (!first) return;
        await thumbs.first().click();
        const preview = page.locator(".comp-gallery.output .preview");
        await preview.waitFor();
        expect(await preview.locator(".preview-caption").innerText()).toBe("negative 1");
        expect(await preview.locator("a[download]").count()).toBe(1);
        await page.keyboard.press("ArrowRight");
        await expect.poll(() => preview.locator(".preview-caption").innerText()).toBe("negative 2");
        await page.keyboard.press("ArrowRight");
        await preview.locator("video").waitFor();
        await screenshot(page, "new-gallery-preview");
        await page.keyboard.press("Escape");
        await expect.poll(() => preview.count()).toBe(0);
        // The focus goes back to the thumbnail of the item that was shown (the third), not to <body>.
        await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Open item 3: a clip");
        // Removing an uploaded item.
        await page.getByRole("button", { name: "Remove item 1" }).click();
        await expect.poll(() => page.locator(".comp-gallery.input .thumb").count()).toBe(1);
      });
    } finally {
      await app.close();
    }
  }, 240_000);

  it("Gallery examples show as thumbnails, and their table keeps words whole at phone width", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tradio-gallery-examples-"));
    const files = await Promise.all(
      ["#ef4444", "#3b82f6", "#22c55e", "#eab308", "#a855f7"].map(async (background, i) => {
        const file = path.join(dir, `sample-${i + 1}.png`);
        await sharp({ create: { width: 32, height: 24, channels: 3, background } }).png().toFile(file);
        return file;
      }),
    );
    const iface = new tr.Interface({
      fn: (items: [string, string | null][] | null, effect: string | null) => `${items?.length ?? 0} ${effect}`,
      inputs: [new tr.Gallery({ label: "Pictures" }), new tr.Radio({ label: "Effect", choices: ["grayscale", "mirror"] })],
      outputs: "text",
      examples: [[files, "grayscale"]],
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    const { context, page } = await newPage(browser, { width: 390, height: 844 });
    try {
      await openApp(page, app.url);
      const row = page.locator(".dataset tbody tr").first();
      // Four thumbnails and a count of the rest; the file names stay for screen readers.
      await expect.poll(() => row.locator("img.sample-image").evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length), { timeout: 10_000 }).toBe(4);
      expect(await row.locator(".sample-more").innerText()).toBe("+1");
      expect(await row.locator(".sr-only").allInnerTexts()).toContain("5 items: sample-1.png, sample-2.png, sample-3.png, sample-4.png, sample-5.png");
      // "grayscale" on one line: its column is at least as wide as the word.
      const effect = row.locator(".sample-text", { hasText: "grayscale" });
      const lineHeight = await effect.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
      expect((await effect.boundingBox())!.height).toBeLessThan(lineHeight * 1.5);
      await screenshot(page, "gallery-examples-phone");
      await row.click();
      await expect.poll(() => page.locator(".comp-gallery.input .thumb img").count(), { timeout: 10_000 }).toBe(5);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("Model3D: shows OBJ, STL and glTF in three.js (solid, wireframe, point cloud), and takes an upload", async () => {
    const obj = "v -1 -1 0\nv 1 -1 0\nv 1 1 0\nv -1 1 0\nv 0 0 1.5\nf 1 2 5\nf 2 3 5\nf 3 4 5\nf 4 1 5\nf 1 3 2\nf 1 4 3\n";
    const stl = "solid p\nfacet normal 0 0 0\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid p\n";
    const gltf = {
      asset: { version: "2.0" },
      scenes: [{ nodes: [0] }],
      nodes: [{ mesh: 0 }],
      meshes: [{ primitives: [{ attributes: { POSITION: 0 } }] }],
      buffers: [{ byteLength: 36, uri: `data:application/octet-stream;base64,${Buffer.from(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]).buffer).toString("base64")}` }],
      bufferViews: [{ buffer: 0, byteLength: 36 }],
      accessors: [{ bufferView: 0, componentType: 5126, count: 3, type: "VEC3", min: [0, 0, 0], max: [1, 1, 0] }],
    };
    const iface = new tr.Interface({
      fn: (model: string | null) => [model, { name: "pyramid.obj", data: Buffer.from(obj) }, { name: "tri.stl", data: Buffer.from(stl) }, { name: "tri.gltf", data: Buffer.from(JSON.stringify(gltf)) }],
      inputs: new tr.Model3D({ label: "Your model" }),
      outputs: [
        new tr.Model3D({ label: "Echo" }),
        new tr.Model3D({ label: "Solid", clearColor: [0.95, 0.95, 0.9, 1], cameraPosition: [30, 60, null] }),
        new tr.Model3D({ label: "Wireframe", displayMode: "wireframe" }),
        new tr.Model3D({ label: "Points", displayMode: "point_cloud" }),
      ],
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    try {
      await everyVariant(
        app,
        "model3d",
        async (page, first) => {
          const chunks = chunksLoaded(page);
          await page.setInputFiles(".comp-model3d.input input[type=file]", { name: "pyramid.obj", mimeType: "model/obj", buffer: Buffer.from(obj) });
          await page.locator(".comp-model3d.input canvas").waitFor({ timeout: 20_000 });
          expect(chunks.some((c) => c.startsWith("three-viewer"))).toBe(true);
          await submit(page);
          await expect.poll(() => page.locator(".comp-model3d.output canvas").count(), { timeout: 20_000 }).toBe(4);
          await expect.poll(() => page.locator(".comp-model3d .model-status").count(), { timeout: 20_000 }).toBe(0);
          if (!first) return;
          // The solid model's canvas is not blank: some pixel differs from the clear colour.
          const drawn = await page.locator(".comp-model3d.output canvas").nth(1).evaluate((c: HTMLCanvasElement) => {
            const copy = document.createElement("canvas");
            copy.width = c.width;
            copy.height = c.height;
            const ctx = copy.getContext("2d")!;
            ctx.drawImage(c, 0, 0);
            const px = ctx.getImageData(0, 0, c.width, c.height).data;
            let differing = 0;
            for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i] - 242) + Math.abs(px[i + 1] - 242) + Math.abs(px[i + 2] - 230) > 30) differing++;
            return { differing, corner: [px[0], px[1], px[2]] };
          });
          expect(drawn.differing).toBeGreaterThan(100);
          // The background is clearColor as given (0.95, 0.95, 0.9 of 255), not taken as linear and brightened.
          for (const [got, want] of drawn.corner.map((v, i) => [v, [242, 242, 230][i]!])) expect(Math.abs(got! - want!)).toBeLessThanOrEqual(2);
          await page.getByRole("button", { name: "Reset view" }).first().click();
        },
        [VARIANTS[0], VARIANTS[1]],
      );
    } finally {
      await app.close();
    }
  }, 240_000);

  it("ColorPicker, Code and DateTime: edited on the page, sent as Gradio's strings, shown as results", async () => {
    const iface = new tr.Interface({
      fn: (color: string | null, code: string, when: string | null) => [color!.replace("#", "#0"), `# ${when}\n${code}\nprint("done")`, when, color],
      inputs: [
        new tr.ColorPicker({ label: "Colour", value: "#22c55e" }),
        new tr.Code({ label: "Script", language: "python", value: "x = 1" }),
        new tr.DateTime({ label: "When", type: "string", timezone: "UTC", value: "2024-05-01 09:00:00" }),
      ],
      outputs: [new tr.Textbox({ label: "Colour out" }), new tr.Code({ label: "Result", language: "python" }), new tr.DateTime({ label: "When out", timezone: "UTC" }), new tr.ColorPicker({ label: "Colour shown" })],
      allowFlagging: "never",
    });
    const app = await startApp(iface);
    try {
      await everyVariant(app, "pickers", async (page, first) => {
        await page.locator(".comp-code.input .cm-content").waitFor({ timeout: 15_000 });
        // A colour picker with no colour shows a struck-through swatch, not the black <input type=color> holds.
        const shown = page.locator(".comp-colorpicker.output input[type=color]");
        const centre = async () => {
          const { data, info } = await sharp(await shown.screenshot()).raw().toBuffer({ resolveWithObject: true });
          const at = (Math.floor(info.height * 0.3) * info.width + Math.floor(info.width * 0.3)) * info.channels;
          return [data[at]!, data[at + 1]!, data[at + 2]!];
        };
        if (first) {
          expect(Math.max(...(await centre()))).toBeGreaterThan(200);
          const hex = page.getByLabel("Colour (hex)");
          await hex.fill("#F97316");
          await page.locator(".comp-code.input .cm-content").click();
          await page.keyboard.press("End");
          await page.keyboard.type("\ny = x + 1");
          await page.getByLabel("When", { exact: true }).fill("2024-06-02 10:30:00");
        }
        await submit(page);
        const result = page.locator(".comp-code.output .cm-content");
        await expect.poll(() => result.innerText(), { timeout: 15_000 }).toMatch(/print\("done"\)/);
        if (first) {
          expect(await page.getByLabel("Colour out").inputValue()).toBe("#0f97316");
          expect(await centre()).toEqual([0xf9, 0x73, 0x16]);
          expect(await result.innerText()).toContain("y = x + 1");
          expect(await page.getByLabel("When out").inputValue()).toBe("2024-06-02 10:30:00");
          // Highlighting: Python keywords and strings carry token classes; the output is read-only.
          expect(await page.locator(".comp-code.output .tok-string").count()).toBeGreaterThan(0);
          expect(await result.getAttribute("contenteditable")).toBe("false");
          // A bad hex is flagged on the page and not sent.
          await page.getByLabel("Colour (hex)").fill("#12");
          expect(await page.getByLabel("Colour (hex)").getAttribute("aria-invalid")).toBe("true");
        }
      });
    } finally {
      await app.close();
    }
  }, 240_000);
});
