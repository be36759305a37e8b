// Compile-time checks of the function's signature against its components (run by `vitest --typecheck`).
import { describe, expectTypeOf, it } from "vitest";
import * as tr from "../src/index.js";
import type { FnArgs, FnResult } from "../src/interface/types.js";

describe("the function's parameters follow the input components", () => {
  it("maps Gradio shortcuts to value types", () => {
    expectTypeOf<FnArgs<["text", "number", "checkbox", "slider"]>>().toEqualTypeOf<[string, number, boolean, number]>();
    expectTypeOf<FnArgs<"image">>().toEqualTypeOf<[tr.Pixels]>();
    expectTypeOf<FnArgs<["chatbot"]>>().toEqualTypeOf<[[string | null, string | null][]]>();
  });

  it("maps component options to precise types", () => {
    expectTypeOf<FnArgs<[tr.Image<"filepath">]>>().toEqualTypeOf<[string]>();
    expectTypeOf<FnArgs<[tr.Image<"buffer">]>>().toEqualTypeOf<[Buffer]>();
    const multi = new tr.Dropdown({ choices: ["a", "b"], multiselect: true });
    expectTypeOf<FnArgs<[typeof multi]>>().toEqualTypeOf<[string[]]>();
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
        expectTypeOf(n).toEqualTypeOf<number>();
        return text.repeat(n);
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
    const iface = new tr.Interface({ fn: (s: string, n: number) => s.length + n, inputs: ["text", "number"], outputs: "number" });
    expectTypeOf(await iface("a", 1)).toEqualTypeOf<number>();
    // @ts-expect-error wrong argument type
    void iface(1, 1);
    const two = new tr.Interface({ fn: (s: string) => [s, s.length] as [string, number], inputs: "text", outputs: ["text", "number"] });
    expectTypeOf(await two.predict("x")).toEqualTypeOf<[string, number]>();
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
    const iface = new tr.Interface({ fn: (a: string, n: number) => a + n, inputs: "text", outputs: "text", additionalInputs: "number" });
    expectTypeOf(iface).toBeCallableWith("a", 1);
    // @ts-expect-error the additional input is a number
    void iface("a", "b");
  });
});
