// Compile-time checks of the function's signature against its components (run by `vitest --typecheck`).
import { describe, expectTypeOf, it } from "vitest";
import * as tr from "../src/index.js";
import type { FnArgs, FnResult } from "../src/interface/types.js";

describe("the function's parameters follow the input components", () => {
  it("maps Gradio shortcuts to value types", () => {
    expectTypeOf<FnArgs<["text", "number", "checkbox", "slider"]>>().toEqualTypeOf<[string, number | null, boolean, number]>();
    expectTypeOf<FnArgs<"image">>().toEqualTypeOf<[tr.Pixels | null]>();
    expectTypeOf<FnArgs<["chatbot"]>>().toEqualTypeOf<[[string | null, string | null][]]>();
  });

  it("maps component options to precise types", () => {
    expectTypeOf<FnArgs<[tr.Image<"filepath">]>>().toEqualTypeOf<[string | null]>();
    expectTypeOf<FnArgs<[tr.Image<"buffer">]>>().toEqualTypeOf<[Buffer | null]>();
    const multi = new tr.Dropdown({ choices: ["a", "b"], multiselect: true });
    expectTypeOf<FnArgs<[typeof multi]>>().toEqualTypeOf<[string[]]>();
    expectTypeOf<FnArgs<"dataframe">>().toEqualTypeOf<[(string | number | boolean | null)[][]]>();
    expectTypeOf<FnArgs<"numpy">>().toEqualTypeOf<[number[][]]>();
    const numpy = new tr.Dataframe({ type: "numpy", columnCount: [2, "fixed"] });
    expectTypeOf<FnArgs<[typeof numpy]>>().toEqualTypeOf<[number[][]]>();
    const table = new tr.Dataframe({ type: "object", columnLimits: [1, null] });
    expectTypeOf<FnArgs<[typeof table]>>().toEqualTypeOf<[{ headers: string[]; data: (string | number | boolean | null)[][] }]>();
    // @ts-expect-error a numpy table's cells are numbers, not strings
    new tr.Interface({ fn: (rows: string[][]) => rows.length, inputs: "numpy", outputs: "number" });
    new tr.Interface({ fn: (rows: number[][]) => rows.flat().reduce((a, b) => a + b, 0), inputs: new tr.Dataframe({ type: "numpy" }), outputs: "number" });
  });

  it("accepts the guide's chatbot with a default state value", () => {
    function chat(message: string, history: [string, string][] = []) {
      history.push([message, "ok"]);
      return [history, history];
    }
    new tr.Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"] });
  });

  it("gives unannotated parameters their types from the inputs", () => {
    new tr.Interface({
      fn: (text, n) => {
        expectTypeOf(text).toEqualTypeOf<string>();
        expectTypeOf(n).toEqualTypeOf<number | null>();
        return text.repeat(n ?? 1);
      },
      inputs: ["text", "number"],
      outputs: "text",
    });
  });

  it("rejects a function whose parameters do not fit", () => {
    // @ts-expect-error a number parameter for a text input
    new tr.Interface({ fn: (n: number) => n, inputs: "text", outputs: "number" });
    // @ts-expect-error a boolean parameter for an image input
    new tr.Interface({ fn: (_a: string, _b: boolean) => "x", inputs: ["text", "image"], outputs: "text" });
    // @ts-expect-error more required parameters than inputs
    new tr.Interface({ fn: (a: string, b: string, c: string) => a + b + c, inputs: ["text", "text"], outputs: "text" });
  });

  it("rejects a return value that does not fit the outputs", () => {
    // @ts-expect-error a number where the output is a checkbox
    new tr.Interface({ fn: (s: string) => s.length, inputs: "text", outputs: "checkbox" });
    // @ts-expect-error a string where the output is a number
    new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "number" });
  });

  it("types the return of several outputs as a tuple or an array", () => {
    expectTypeOf<[string, number]>().toMatchTypeOf<FnResult<["text", "number"]>>();
    expectTypeOf<(string | number)[]>().toMatchTypeOf<FnResult<["text", "number"]>>();
    expectTypeOf<FnResult<"label">>().toEqualTypeOf<Record<string, number> | string | number | tr.LabelData>();
  });

  it("checks batch functions list in, lists out", () => {
    new tr.Interface({
      fn: (texts: string[]) => [texts.map((t) => t.length)],
      inputs: "text",
      outputs: "number",
      batch: true,
      maxBatchSize: 8,
    });
    // @ts-expect-error a batch function takes lists
    new tr.Interface({ fn: (text: string) => [[text.length]], inputs: "text", outputs: "number", batch: true });
  });

  it("passes a call context as the last argument", () => {
    new tr.Interface({
      fn: (text: string, ctx: tr.CallContext) => {
        expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(ctx.request.username).toEqualTypeOf<string | null>();
        return text;
      },
      inputs: "text",
      outputs: "text",
    });
  });

  it("makes an interface callable with the wire values", async () => {
    const iface = new tr.Interface({ fn: (s: string, n: number | null) => s.length + (n ?? 0), inputs: ["text", "number"], outputs: "number" });
    expectTypeOf(await iface("a", 1)).toEqualTypeOf<number>();
    // @ts-expect-error wrong argument type
    void iface(1, 1);
    const two = new tr.Interface({ fn: (s: string) => [s, s.length] as [string, number], inputs: "text", outputs: ["text", "number"] });
    expectTypeOf(await two.predict("x")).toEqualTypeOf<[string, number]>();
  });
});

describe("inputs that may be left empty", () => {
  it("give T | null, so a function that ignores null does not compile", () => {
    // @ts-expect-error an empty Image reaches the function as null
    new tr.Interface({ fn: (img: tr.Pixels) => img.width, inputs: "image", outputs: "number" });
    // @ts-expect-error an empty Audio is null
    new tr.Interface({ fn: (a: tr.DecodedAudio) => a.sampleRate, inputs: "audio", outputs: "number" });
    // @ts-expect-error an empty Video is null
    new tr.Interface({ fn: (v: string) => v, inputs: "video", outputs: "text" });
    // @ts-expect-error an empty File is null
    new tr.Interface({ fn: (f: string) => f, inputs: "file", outputs: "text" });
    // @ts-expect-error a Radio with nothing selected is null
    new tr.Interface({ fn: (c: string) => c, inputs: new tr.Radio({ choices: ["a", "b"] }), outputs: "text" });
    // @ts-expect-error a single-select Dropdown with nothing selected is null
    new tr.Interface({ fn: (c: string) => c, inputs: new tr.Dropdown({ choices: ["a", "b"] }), outputs: "text" });
    // @ts-expect-error an empty Number is null
    new tr.Interface({ fn: (n: number) => n, inputs: "number", outputs: "number" });
    // @ts-expect-error an empty Model3D is null
    new tr.Interface({ fn: (m: string) => m, inputs: "model3d", outputs: "text" });
    // @ts-expect-error an empty Gallery is null
    new tr.Interface({ fn: (g: [string, string | null][]) => g.length, inputs: "gallery", outputs: "number" });
    // @ts-expect-error an empty ColorPicker is null
    new tr.Interface({ fn: (c: string) => c, inputs: "colorpicker", outputs: "text" });
    // @ts-expect-error an empty DateTime is null
    new tr.Interface({ fn: (d: number) => d, inputs: "datetime", outputs: "number" });
    new tr.Interface({
      fn: (img, n) => {
        expectTypeOf(img).toEqualTypeOf<tr.Pixels | null>();
        expectTypeOf(n).toEqualTypeOf<number | null>();
        return img === null ? "empty" : `${img.width}x${img.height}`;
      },
      inputs: ["image", "number"],
      outputs: "text",
    });
  });

  it("give plain T with required: true", () => {
    new tr.Interface({ fn: (img: tr.Pixels) => img.width, inputs: new tr.Image({ required: true }), outputs: "number" });
    new tr.Interface({ fn: (img: string) => img, inputs: new tr.Image({ type: "filepath", required: true }), outputs: "text" });
    new tr.Interface({ fn: (a: tr.DecodedAudio) => a.sampleRate, inputs: new tr.Audio({ required: true }), outputs: "number" });
    new tr.Interface({ fn: (v: string) => v, inputs: new tr.Video({ required: true }), outputs: "text" });
    new tr.Interface({ fn: (f: string[]) => f.length, inputs: new tr.File({ fileCount: "multiple", required: true }), outputs: "number" });
    new tr.Interface({ fn: (c: string) => c, inputs: new tr.Radio({ choices: ["a", "b"], required: true }), outputs: "text" });
    new tr.Interface({ fn: (i: number) => i, inputs: new tr.Dropdown({ choices: ["a", "b"], type: "index", required: true }), outputs: "number" });
    new tr.Interface({ fn: (n: number) => n * 2, inputs: new tr.Number({ required: true }), outputs: "number" });
    new tr.Interface({ fn: (m: string) => m, inputs: new tr.Model3D({ required: true }), outputs: "text" });
    new tr.Interface({ fn: (c: string) => c, inputs: new tr.ColorPicker({ required: true }), outputs: "text" });
    new tr.Interface({ fn: (d: Date) => d, inputs: new tr.DateTime({ type: "datetime", required: true }), outputs: "datetime" });
    new tr.Interface({ fn: (g: [string, string | null][]) => g.length, inputs: new tr.Gallery({ required: true }), outputs: "number" });
    // A multiselect Dropdown and a CheckboxGroup left empty give [], never null.
    const many = new tr.Dropdown({ choices: ["a", "b"], multiselect: true });
    expectTypeOf<FnArgs<[typeof many]>>().toEqualTypeOf<[string[]]>();
    new tr.Interface({ fn: (tags: string[]) => tags.length, inputs: "checkboxgroup", outputs: "number" });
    // @ts-expect-error required: false keeps null
    new tr.Interface({ fn: (n: number) => n, inputs: new tr.Number({ required: false }), outputs: "number" });
  });

  it("types number choices and [label, value] pairs by their values", () => {
    const sizes = new tr.Radio({ choices: [["Small", 1], ["Large", 3]], required: true });
    expectTypeOf<FnArgs<[typeof sizes]>>().toEqualTypeOf<[number]>();
    const levels = new tr.CheckboxGroup({ choices: [1, 2, 3] });
    expectTypeOf<FnArgs<[typeof levels]>>().toEqualTypeOf<[number[]]>();
    const counts = new tr.Dropdown({ choices: [["One", 1], ["Two", 2]] });
    expectTypeOf<FnArgs<[typeof counts]>>().toEqualTypeOf<[number | null]>();
    // @ts-expect-error the function gets a number, not the label
    new tr.Interface({ fn: (s: string) => s, inputs: sizes, outputs: "text" });
  });

  it("accepts Gradio's Image types pil and numpy as pixels, and tr.Text as Textbox", () => {
    expectTypeOf<FnArgs<[tr.Image<"pil", true>, tr.Image<"numpy">]>>().toEqualTypeOf<[tr.Pixels, tr.Pixels | null]>();
    expectTypeOf(new tr.Text({ lines: 2 })).toEqualTypeOf<tr.Textbox>();
  });
});

describe("additionalInputs", () => {
  it("types the extra parameters after the main ones", () => {
    new tr.Interface({
      fn: (text, times, shout) => {
        expectTypeOf(text).toEqualTypeOf<string>();
        expectTypeOf(times).toEqualTypeOf<number>();
        expectTypeOf(shout).toEqualTypeOf<boolean>();
        return text;
      },
      inputs: "text",
      outputs: "text",
      additionalInputs: ["slider", "checkbox"],
    });
    // @ts-expect-error the second additional input is a checkbox, not a string
    new tr.Interface({ fn: (text: string, times: number, shout: string) => text + times + shout, inputs: "text", outputs: "text", additionalInputs: ["slider", "checkbox"] });
    const iface = new tr.Interface({ fn: (a: string, n: number | null) => a + (n ?? 0), inputs: "text", outputs: "text", additionalInputs: "number" });
    expectTypeOf(iface).toBeCallableWith("a", 1);
    // @ts-expect-error the additional input is a number
    void iface("a", "b");
  });
});
