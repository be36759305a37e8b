// Compile-time checks of load(), Parallel and Series as the guide writes them (run by `vitest --typecheck`).
import { describe, expectTypeOf, it } from "vitest";
import * as tr from "../../src/index.js";

describe("the guide's one-liners type-check", () => {
  it("load() and Interface.load() give callable, launchable Interfaces", async () => {
    const io = await tr.Interface.load("models/EleutherAI/gpt-neo-2.7B");
    expectTypeOf(io("It was the best of times")).toEqualTypeOf<Promise<any>>();
    expectTypeOf(io).toHaveProperty("launch");
    expectTypeOf(io).toMatchTypeOf<tr.Interface<any, any>>();
    const gpt = await tr.load("huggingface/EleutherAI/gpt-j-6B", { inputs: new tr.Textbox({ lines: 5, label: "Input Text" }) });
    expectTypeOf(gpt).toEqualTypeOf<tr.LoadedInterface>();
    await tr.load("spaces/eugenesiow/remove-bg", { inputs: "webcam", title: "Remove your webcam background!" });
    // @ts-expect-error the function of a loaded interface is the model
    await tr.load("huggingface/gpt2", { fn: (s: string) => s });
    // @ts-expect-error auth is a [username, password] pair
    await tr.load("http://127.0.0.1:7860", { auth: "admin" });
  });

  it("Parallel and Series take interfaces and an optional options object, nest, and are callable", async () => {
    const g1 = await tr.load("huggingface/gpt2");
    const g2 = await tr.load("huggingface/t5-small");
    const p = new tr.Parallel(g1, g2, new tr.Series(g1, g2), { title: "All" });
    expectTypeOf(p).toMatchTypeOf<tr.Interface<any, any>>();
    expectTypeOf(p("x")).toEqualTypeOf<Promise<any>>();
    expectTypeOf(new tr.Series(g1, g2).launch).toBeFunction();
    // @ts-expect-error inputs come from the interfaces
    new tr.Series(g1, g2, { inputs: "text" });
  });
});
