// What a caller (or an author whose function returned a bad value) reads when a value is refused: every
// component's message names the component and its label, says what it expected and what it got, lists the
// valid choices (cut short when there are many), and says JSON for tr.JSON. Codes are asserted as well.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../index.js";
import { DiskFileStore } from "../runtime/file-store.js";
import type { ComponentContext } from "../core/context.js";
import type { Component } from "./component.js";
import { connect, post, start } from "../../test/helpers.js";

let tmp: string;
let files: DiskFileStore;
let ctx: ComponentContext;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "tradio-messages-"));
  files = new DiskFileStore({ dir: path.join(tmp, "store") });
  ctx = { files, root: "https://example.test" };
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const upload = async (text: string, name: string) => ({ path: await files.save(Buffer.from(text), name), orig_name: name, meta: { _type: "gradio.FileData" } });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * One bad value per component and direction: `expected` and `got` are what the message must say, after
 * `Class "label": `. A value given as a function is made when the case runs (an upload).
 */
type Case = [component: Component<any, any>, direction: "in" | "out", value: unknown, expected: RegExp, got: RegExp, code?: string];
const cases = (): Case[] => [
  [new tr.Textbox({ label: "Words" }), "in", 42, /expected a string/, /got number 42/],
  [new tr.Textbox({ label: "Words", maxLength: 5 }), "in", "too long here", /maxLength of 5/, /13 characters long/],
  [new tr.Textbox({ label: "Words" }), "out", { a: 1 }, /expected a string/, /returned an object/],
  [new tr.Number({ label: "Age", minimum: 0 }), "in", "7", /expected a number/, /got the string "7"/],
  [new tr.Number({ label: "Age", minimum: 0 }), "in", -3, /minimum 0/, /-3 is less/],
  [new tr.Number({ label: "Age", value: null, required: true }), "in", null, /required; enter a number/, /required/, "TR_ERR_REQUIRED"],
  [new tr.Slider({ label: "Volume", minimum: 0, maximum: 10 }), "in", 42, /range 0 to 10/, /42 is outside/],
  [new tr.Slider({ label: "Volume", minimum: 0, maximum: 10 }), "out", "loud", /between 0 and 10/, /returned the string "loud"/],
  [new tr.Checkbox({ label: "Agree" }), "in", "yes", /expected true or false/, /got the string "yes"/],
  [new tr.CheckboxGroup({ label: "Toppings", choices: ["ham", "egg"] }), "in", ["ham", "tofu"], /not one of the choices: "ham", "egg"/, /the string "tofu"/],
  [new tr.CheckboxGroup({ label: "Toppings", choices: ["ham", "egg"] }), "in", "ham", /expected an array of choices/, /got the string "ham"/],
  [new tr.Radio({ label: "Size", choices: ["S", "M"] }), "in", "XL", /not one of the choices: "S", "M"/, /the string "XL"/],
  [new tr.Radio({ label: "Size", choices: [["Small", 1], ["Large", 3]] }), "in", "Small", /not one of the choices: 1, 3/, /the string "Small"/],
  [new tr.Radio({ label: "Size", choices: ["S", "M"] }), "out", 7, /expected one of the choices: "S", "M"/, /returned number 7/],
  [new tr.Dropdown({ label: "City", choices: ["Oslo", "Rome"] }), "in", { city: "Oslo" }, /not one of the choices: "Oslo", "Rome"/, /an object/],
  [new tr.Dropdown({ label: "City", choices: ["Oslo", "Rome"], multiselect: true, maxChoices: 1 }), "in", ["Oslo", "Rome"], /at most 1 choice/, /got 2/],
  [new tr.Image({ label: "Photo" }), "in", 5, /expected a FileData object/, /got number 5/],
  [new tr.Image({ label: "Photo" }), "in", () => upload("not an image", "x.png"), /expected PNG, JPEG/, /uploaded image is not an image/],
  [new tr.Image({ label: "Photo" }), "out", true, /expected Pixels/, /returned boolean true/],
  [new tr.Audio({ label: "Voice" }), "in", { meta: { _type: "gradio.FileData" } }, /FileData\.path must be a non-empty string/, /got undefined/],
  [new tr.Audio({ label: "Voice" }), "in", () => upload("no sound here", "x.mp3"), /expected WAV, MP3/, /got an unknown format/],
  [new tr.Audio({ label: "Voice" }), "out", { sampleRate: 0.5, data: new Float32Array(2) }, /expected a positive integer/, /sampleRate is number 0\.5/],
  [new tr.Audio({ label: "Voice" }), "out", { path: "x.wav" }, /expected AudioData/, /returned an object/],
  [new tr.File({ label: "Doc" }), "in", [1], /expected a FileData object/, /got an array/],
  [new tr.File({ label: "Doc", fileTypes: [".csv"] }), "in", () => upload("a,b", "notes.txt"), /allowed: \.csv/, /"notes\.txt"/],
  [new tr.File({ label: "Doc" }), "out", 3, /expected a file path, bytes/, /returned number 3/],
  [new tr.Video({ label: "Clip" }), "in", () => upload("not a video", "clip.mp4"), /expected MP4, WebM/, /"clip\.mp4" is not a video/],
  [new tr.Video({ label: "Clip" }), "out", 3, /expected a video file path/, /returned number 3/],
  [new tr.Model3D({ label: "Mesh" }), "in", () => upload("solid", "mesh.txt"), /\.obj, \.glb, \.gltf, \.stl/, /"mesh\.txt" is not a 3D model/],
  [new tr.Model3D({ label: "Mesh" }), "out", new Uint8Array([1, 2]), /binary glTF/, /returned bytes/],
  [new tr.Gallery({ label: "Shots" }), "in", "a.png", /expected a list of \{ image, caption \}/, /got the string "a\.png"/],
  [new tr.Gallery({ label: "Shots" }), "in", [7], /item 1: expected a FileData object/, /got number 7/],
  [new tr.Gallery({ label: "Shots" }), "out", 7, /expected a list of images or videos/, /returned number 7/],
  [new tr.Label({ label: "Class" }), "in", "cat", /expected a LabelData object/, /got the string "cat"/],
  [new tr.Label({ label: "Class" }), "out", [1], /expected a map of class → confidence/, /got an array/],
  [new tr.Chatbot({ label: "Chat" }), "in", { hi: 1 }, /expected a list of \[user, bot\] message pairs/, /got an object/],
  [new tr.Chatbot({ label: "Chat" }), "in", [["hi", { x: 1 }]], /bot message must be a string or null/, /got an object/],
  [new tr.JSON({ label: "Data" }), "out", new Map(), /JSON cannot carry/, /returned a Map/],
  [new tr.JSON({ label: "Data" }), "out", { f: () => 1 }, /JSON cannot carry/, /a function at f/],
  [new tr.HTML({ label: "Page" }), "in", 1, /expected a string of HTML/, /got number 1/],
  [new tr.Markdown({ label: "Notes" }), "out", [], /expected a string of Markdown/, /returned an array/],
  [new tr.HighlightedText({ label: "Spans" }), "in", [{ token: "a", class_or_confidence: {} }], /must be a string, a finite number or null/, /got an object/],
  [new tr.Dataframe({ label: "Table" }), "in", [[1]], /expected a DataframeData object \{headers, data\}/, /got an array/],
  [new tr.Dataframe({ label: "Table", datatype: ["number"] }), "in", { headers: ["n"], data: [["x"]] }, /row 0, column "n": expected a number/, /got the string "x"/],
  [new tr.Plot({ label: "Chart" }), "in", { type: "vega", plot: "{}" }, /one of altair, plotly/, /got the string "vega"/],
  [new tr.Plot({ label: "Chart" }), "out", 3, /expected a Vega-Lite spec, a Plotly figure/, /returned number 3/],
  [new tr.LinePlot({ label: "Trend", x: "t", y: "v" }), "in", { plot: "{oops" }, /Vega-Lite spec as JSON text/, /got the string "\{oops"/],
  [new tr.LinePlot({ label: "Trend", x: "t", y: "v" }), "out", [1, 2], /expected an object \(\{ column: value \}\)/, /returned row 1 as number 1/],
  [new tr.ColorPicker({ label: "Tint" }), "in", "#12345", /expected a hex colour/, /got the string "#12345"/],
  [new tr.Code({ label: "Source", maxLength: 5 }), "in", "abcdefgh", /maxLength of 5/, /8 characters long/],
  [new tr.Code({ label: "Source" }), "out", 3, /expected a string/, /returned number 3/],
  [new tr.DateTime({ label: "When" }), "in", "2024-13-45", /expected "YYYY-MM-DD HH:MM:SS"/, /the string "2024-13-45" is not a date/],
  [new tr.DateTime({ label: "When" }), "out", {}, /expected a Date, seconds since the epoch/, /returned an object/],
];

async function refusal(c: Component<any, any>, direction: "in" | "out", value: unknown): Promise<unknown> {
  const v = typeof value === "function" ? await (value as () => Promise<unknown>)() : value;
  try {
    await (direction === "in" ? c.preprocess(v, ctx) : c.postprocess(v, ctx));
  } catch (err) {
    return err;
  }
  throw new Error(`${c.className} accepted ${String(value)} (${direction})`);
}

describe("component error messages", () => {
  it("name the component and its label, what was expected and what was got", async () => {
    const all = cases();
    // Every built-in component is covered by at least one case.
    const covered = new Set(all.map(([c]) => c.className));
    for (const name of ["Textbox", "Number", "Slider", "Checkbox", "CheckboxGroup", "Radio", "Dropdown", "Image", "Audio", "File", "Video", "Model3D", "Gallery", "Label", "Chatbot", "JSON", "HTML", "Markdown", "HighlightedText", "Dataframe", "Plot", "LinePlot", "ColorPicker", "Code", "DateTime"]) {
      expect(covered.has(name), name).toBe(true);
    }
    for (const [c, direction, value, expected, got, code] of all) {
      const err = await refusal(c, direction, value);
      const head = new RegExp(`^${escape(c.className)} "${escape(c.label!)}": `);
      expect(err, `${c.className} ${direction} ${String(value)}`).toThrowCode(code ?? "TR_ERR_INVALID_VALUE", head);
      const text = (err as Error).message;
      expect(text, text).toMatch(expected);
      expect(text, text).toMatch(got);
      // Written for people: one line, of a readable length.
      expect(text).not.toMatch(/\n/);
      expect(text.length, text).toBeLessThan(400);
    }
  });

  it("list at most a dozen choices and cut long ones short", async () => {
    const many = Array.from({ length: 50 }, (_, i) => `choice${i}`);
    const err = await refusal(new tr.Radio({ label: "Pick", choices: many }), "in", "nope");
    expect(err).toThrowCode("TR_ERR_INVALID_VALUE", /^Radio "Pick": the string "nope" is not one of the choices: "choice0", .*"choice11", and 38 more \(50 in all\)$/);
    expect((err as Error).message).not.toMatch(/choice12/);

    const long = "w".repeat(500);
    const err2 = await refusal(new tr.Dropdown({ label: "Pick", choices: [long, "b"] }), "in", "c");
    expect(err2).toThrowCode("TR_ERR_INVALID_VALUE", /not one of the choices: "w{40}…", "b"$/);
    // What was sent is cut short too.
    const err3 = await refusal(new tr.CheckboxGroup({ label: "Pick", choices: ["a"] }), "in", [long]);
    expect((err3 as Error).message.length).toBeLessThan(200);
  });

  it("show only the last part of a file name, cut short, and none of the upload folder", async () => {
    const err = await refusal(new tr.Image({ label: "Photo" }), "out", `/srv/secret/place/${"n".repeat(300)}.png`);
    expect(err).toThrowCode("TR_ERR_INVALID_VALUE", /^Image "Photo": the image file "n{60}…" does not exist or is not a file$/);
    const up = await upload("not a video", "clip.mp4");
    const err2 = await refusal(new tr.Video({ label: "Clip" }), "in", up);
    expect((err2 as Error).message).not.toContain(files.dir);
    const err3 = await refusal(new tr.File({ label: "Doc" }), "in", { path: "/etc/passwd", meta: { _type: "gradio.FileData" } });
    expect(err3).toThrowCode("TR_ERR_FILE_PATH", /^File "Doc": /);
    expect((err3 as Error).message).not.toContain("/etc/passwd");
  });

  it("say JSON for tr.JSON, and keep a deep path short", async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 150; i++) deep = [deep];
    const err = await refusal(new tr.JSON({ label: "Data" }), "out", deep);
    expect(err).toThrowCode("TR_ERR_INVALID_VALUE", /^JSON "Data": the function returned arrays and objects nested more than 100 levels deep at (\[0\]){20}…, more than a JSON value may$/);
    const err2 = await refusal(new tr.JSON({ label: "Data" }), "in", deep);
    expect(err2).toThrowCode("TR_ERR_TOO_COMPLEX", /^JSON "Data": expected a JSON value nested at most 100 levels deep, got arrays and objects nested deeper$/);
  });

  it("reach an API caller as they are: a 422 with the message, and the client's error", async () => {
    const app = await start(
      new tr.Interface({ fn: (size: string | null, n: number | null) => `${size}${n}`, inputs: [new tr.Radio({ label: "Size", choices: ["S", "M"] }), new tr.Number({ label: "Count" })], outputs: "text", allowFlagging: "never" }),
    );
    try {
      const res = await post(app.base, "/gradio_api/run/predict", { data: ["XL", 1] });
      expect(res.status).toBe(422);
      expect(res.text).toContain('Radio \\"Size\\": the string \\"XL\\" is not one of the choices: \\"S\\", \\"M\\"');
      const client = await connect(app.base);
      await expect(client.predict("/predict", ["S", "three"])).rejects.toMatchObject({ message: expect.stringMatching(/Number "Count": expected a number, got the string "three"/) });
    } finally {
      await app.close();
    }
  });
});
