import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { configOf, connect, start } from "./helpers.js";

// Options varied at run time (some deliberately wrong), so the object is not checked against the function's types here.
const make = (extra: Record<string, unknown> = {}) =>
  new tr.Interface({
    fn: (text: string, times: number, shout: boolean) => (shout ? text.toUpperCase() : text).repeat(times),
    inputs: "text",
    outputs: "text",
    additionalInputs: [new tr.Slider({ minimum: 1, maximum: 5, step: 1, value: 2, label: "times" }), "checkbox"],
    ...extra,
  } as tr.InterfaceOptions<"text", "text", [tr.Slider, "checkbox"]>);

/** The layout node of a component id, with its parent chain. */
function pathTo(node: any, id: number, trail: any[] = []): any[] | null {
  if (node.id === id) return [...trail, node];
  for (const child of node.children ?? []) {
    const found = pathTo(child, id, [...trail, node]);
    if (found) return found;
  }
  return null;
}

describe("additionalInputs", () => {
  it("puts the extra inputs in a closed accordion under the main inputs, above the buttons", async () => {
    const cfg = await configOf(make());
    const predict = cfg.dependencies.find((d: any) => d.api_name === "predict");
    expect(predict.inputs).toHaveLength(3);
    const byId = (id: number) => cfg.components.find((c: any) => c.id === id);
    const accordion = cfg.components.find((c: any) => c.type === "accordion");
    expect(accordion.props).toMatchObject({ label: "Additional Inputs", open: false });
    const [main, slider, box] = predict.inputs;
    expect(pathTo(cfg.layout, main)!.some((n) => n.id === accordion.id)).toBe(false);
    for (const id of [slider, box]) expect(pathTo(cfg.layout, id)!.at(-2).id).toBe(accordion.id);
    expect(byId(box).props.label).toBe("shout"); // the parameter name, as for main inputs
    const column = pathTo(cfg.layout, accordion.id)!.at(-2);
    const order = column.children.map((n: any) => byId(n.id)?.type ?? n.id);
    expect(order.indexOf("accordion")).toBe(order.indexOf("textbox") + 1);
    expect(byId(column.children.at(-1).id).type).toBe("row"); // Clear / Submit after the accordion
  });

  it("takes a label or { label, open } for the accordion", async () => {
    const labelled = await configOf(make({ additionalInputsAccordion: "Settings" }));
    expect(labelled.components.find((c: any) => c.type === "accordion").props).toMatchObject({ label: "Settings", open: false });
    const open = await configOf(make({ additionalInputsAccordion: { label: "More", open: true } }));
    expect(open.components.find((c: any) => c.type === "accordion").props).toMatchObject({ label: "More", open: true });
    const noLabel = await configOf(make({ additionalInputsAccordion: { open: true } }));
    expect(noLabel.components.find((c: any) => c.type === "accordion").props).toMatchObject({ label: "Additional Inputs", open: true });
  });

  it("refuses bad options, naming them", () => {
    expect(() => make({ additionalInputsAccordion: 3 })).toThrowCode("TR_ERR_OPTION_INVALID", /additionalInputsAccordion/);
    expect(() => make({ additionalInputsAccordion: { label: "x", closed: true } })).toThrowCode("TR_ERR_OPTION_INVALID", /additionalInputsAccordion/);
    expect(() => make({ additionalInputs: ["nope"] })).toThrow(/additionalInputs\[0\]/);
    expect(() => make({ additionalInputs: ["state"], outputs: ["text", "state"] })).toThrowCode("TR_ERR_OPTION_CONFLICT", /cannot hold state/);
    expect(
      () => new tr.Interface({ fn: (t: string) => t, inputs: "text", outputs: "text", additionalInputsAccordion: "x" }),
    ).toThrowCode("TR_ERR_OPTION_CONFLICT", /needs "additionalInputs"/);
    const shared = new tr.Textbox();
    expect(() => new tr.Interface({ fn: (a: string, b: string) => a + b, inputs: shared, outputs: "text", additionalInputs: shared })).toThrowCode("TR_ERR_OPTION_CONFLICT", /both/);
  });

  it("pads examples that leave the additional inputs out with their values, and takes full rows", async () => {
    const cfg = await configOf(make({ examples: [["hi"], ["yo", 3, true]] }));
    expect(cfg.components.find((c: any) => c.type === "dataset").props.samples).toEqual([
      ["hi", 2, false],
      ["yo", 3, true],
    ]);
    const two = (examples: unknown[][]) =>
      new tr.Interface({ fn: (a: string, b: string, c: boolean) => a + b + c, inputs: ["text", "text"], outputs: "text", additionalInputs: "checkbox", examples });
    expect(() => two([["a", "b", true, 1]])).toThrowCode("TR_ERR_EXAMPLES", /has 4 values, but the interface has 2 inputs \(or 3 with the additional inputs\)/);
    expect((await configOf(two([["a", "b"]]))).components.find((c: any) => c.type === "dataset").props.samples).toEqual([["a", "b", false]]);
    const flat = await configOf(make({ examples: ["a", "b"] }));
    expect(flat.components.find((c: any) => c.type === "dataset").props.samples).toEqual([
      ["a", 2, false],
      ["b", 2, false],
    ]);
  });

  it("is callable from code with the extra arguments", async () => {
    expect(await make()("ab", 3, true)).toBe("ABABAB");
  });

  describe("through @gradio/client", () => {
    let app: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      app = await start(make());
    });
    afterAll(() => app.close());

    it("lists them in /info after the main inputs and passes them to the function", async () => {
      const client = await connect(app.base);
      const info = (await client.view_api()) as any;
      const params = info.named_endpoints["/predict"].parameters;
      expect(params.map((p: any) => [p.parameter_name, p.component])).toEqual([
        ["text", "Textbox"],
        ["times", "Slider"],
        ["shout", "Checkbox"],
      ]);
      expect((await client.predict("/predict", ["ab", 2, true])).data).toEqual(["ABAB"]);
      expect((await client.predict("/predict", { text: "x", times: 3, shout: false })).data).toEqual(["xxx"]);
    });
  });
});
