// Compile-time checks: the new components' shortcuts and options type the function's parameters and results.
import { describe, expectTypeOf, it } from "vitest";
import * as tr from "../src/index.js";
import type { FnArgs, FnResult } from "../src/interface/types.js";

describe("the new components type the function", () => {
  it("maps their Gradio shortcuts", () => {
    // Left empty, a video, model, colour, date or gallery reaches the function as null; code is "".
    expectTypeOf<FnArgs<["video", "playable_video", "model3d", "colorpicker", "code", "datetime"]>>().toEqualTypeOf<
      [string | null, string | null, string | null, string | null, string, number | null]
    >();
    expectTypeOf<FnArgs<["gallery"]>>().toEqualTypeOf<[[string, string | null][] | null]>();
    expectTypeOf<FnArgs<["lineplot"]>>().toEqualTypeOf<[tr.PlotRow[]]>();
    expectTypeOf<FnArgs<["plot"]>>().toEqualTypeOf<[tr.PlotData]>();
  });

  it("follows `type` options", () => {
    expectTypeOf<FnArgs<[tr.DateTime<"datetime">]>>().toEqualTypeOf<[Date | null]>();
    expectTypeOf<FnArgs<[tr.DateTime<"string", true>]>>().toEqualTypeOf<[string]>();
    const pixels = new tr.Gallery({ type: "pixels", required: true });
    expectTypeOf<FnArgs<[typeof pixels]>>().toEqualTypeOf<[[tr.Pixels | string, string | null][]]>();
  });

  it("accepts what each output takes and refuses the rest", () => {
    expectTypeOf<{ mark: "bar" }>().toMatchTypeOf<FnResult<"plot">>();
    expectTypeOf<{ data: [] }>().toMatchTypeOf<FnResult<"plot">>();
    expectTypeOf<Uint8Array>().toMatchTypeOf<FnResult<"video">>();
    expectTypeOf<{ headers: string[]; data: number[][] }>().toMatchTypeOf<FnResult<"barplot">>();
    expectTypeOf<[string, string][]>().toMatchTypeOf<FnResult<"gallery">>();
    expectTypeOf<Date>().toMatchTypeOf<FnResult<"datetime">>();
    expectTypeOf<number>().not.toMatchTypeOf<FnResult<"colorpicker">>();
    new tr.Interface({ fn: (clip) => clip?.toUpperCase() ?? null, inputs: "video", outputs: "video" });
    // @ts-expect-error a Date is not a colour
    new tr.Interface({ fn: () => new Date(), inputs: [], outputs: "colorpicker" });
  });
});
