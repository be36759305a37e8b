// A component from outside src/ (demo/custom_component): registered under its own type name, served with
// its page module, checked and converted like a built-in one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import demo from "../demo/custom_component/app.js";
import { Rating } from "../demo/custom_component/rating.js";
import { connect, post, start } from "./helpers.js";

let app: Awaited<ReturnType<typeof start>>;
beforeAll(async () => {
  app = await start(demo);
});
afterAll(() => app.close());

describe("a component registered from outside tradio", () => {
  it("is a shortcut like the built-in ones", () => {
    expect(tr.components.has("rating")).toBe(true);
    const iface = new tr.Interface({ fn: (n: number) => n, inputs: "rating", outputs: "number" });
    expect(iface.inputComponents[0]).toBeInstanceOf(Rating);
  });

  it("sends its page module's URL in the config and serves the module as JavaScript", async () => {
    const config = await (await fetch(`${app.base}/config`)).json();
    const ratings = config.components.filter((c: any) => c.type === "rating");
    expect(ratings).toHaveLength(2);
    expect(ratings.map((c: any) => c.props.interactive)).toEqual([true, false]);
    expect(ratings[0].view).toBe(`${app.base}/gradio_api/views/rating.js`);
    expect(config.components.find((c: any) => c.type === "textbox").view).toBeNull();
    const res = await fetch(ratings[0].view);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(await res.text()).toMatch(/mount\(target/);
  });

  it("runs through the API like any component, and refuses a value it cannot take", async () => {
    const client = await connect(app.base);
    const result = await client.predict("/predict", ["Lovely", 4]);
    expect(result.data).toEqual(['Glad you liked it: 4/5 for "Lovely"', 5]);
    const bad = await post(app.base, "/gradio_api/run/predict", { data: ["x", 9] });
    expect(bad.status).toBe(422);
    expect(bad.json.code).toBe("TR_ERR_INVALID_VALUE");
    expect(bad.json.error).toMatch(/from 0 to 5/);
  });

  it("refuses a page module that cannot be read when the app is mounted", async () => {
    class Broken extends Rating {
      override readonly viewModule = "/nonexistent/view.js";
    }
    const iface = new tr.Interface({ fn: (n: number) => n, inputs: new Broken(), outputs: "number" });
    await expect(iface.launch({ port: 0, quiet: true })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /viewModule \/nonexistent\/view\.js cannot be read/);
  });
});
