import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mixLocal from "../../demo/mix_local/app.js";
import { connect, start } from "../helpers.js";
import { standIn } from "./fixtures.js";

describe("demo/mix_local", () => {
  it("runs a Parallel whose last member is a Series, offline", async () => {
    expect(mixLocal.outputComponents.map((c) => c.label)).toEqual(["Shout: Shouted", "Count words: Words", "Shout → Reverse: Reversed"]);
    const app = await start(mixLocal);
    try {
      const client = await connect(app.base);
      expect((await client.predict("/predict", ["Hello tradio"])).data).toEqual(["HELLO TRADIO!", 2, "!OIDART OLLEH"]);
    } finally {
      await app.close();
    }
  });
});

// The guide's network demos, run against the stand-in Hub (same request and response shapes) under the
// model names the guide uses.
describe("demo/parallel and demo/series", () => {
  let hub: Awaited<ReturnType<typeof standIn>>;
  beforeAll(async () => {
    hub = await standIn();
    for (const m of ["gpt2", "EleutherAI/gpt-neo-2.7B", "EleutherAI/gpt-j-6B"]) hub.models.set(m, { pipeline_tag: "text-generation" });
    hub.models.set("t5-small", { pipeline_tag: "translation" });
  });
  afterAll(() => hub.stop());

  it("parallel: three generators side by side", async () => {
    const demo = (await import("../../demo/parallel/app.js")).default;
    expect(demo.outputComponents.map((c) => c.label)).toEqual(["gpt2: Output", "EleutherAI/gpt-neo-2.7B: Output", "EleutherAI/gpt-j-6B: Output"]);
    expect(await demo("Hi")).toEqual(["Hi and then 2 more", "Hi and then 2 more", "Hi and then 2 more"]);
    expect(new Set(hub.seen.slice(-3).map((s) => s.model))).toEqual(new Set(["gpt2", "EleutherAI/gpt-neo-2.7B", "EleutherAI/gpt-j-6B"]));
  });

  it("series: generate, then translate", async () => {
    const demo = (await import("../../demo/series/app.js")).default;
    const app = await start(demo);
    try {
      expect((await (await connect(app.base)).predict("/predict", ["Hi"])).data).toEqual(["de:Hi and then 2 more"]);
    } finally {
      await app.close();
    }
  });
});
