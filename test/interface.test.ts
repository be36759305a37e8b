import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { buildInfo } from "../src/protocol/config.js";
import { configOf } from "./helpers.js";

const echo = (s: string) => s;
const make = (extra: Record<string, unknown>) => () => new tr.Interface({ fn: echo, inputs: "text", outputs: "text", ...extra } as any);

describe("Interface options are validated at construction", () => {
  it("names an unknown option", () => {
    expect(make({ titel: "x" })).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"titel"/);
  });

  it.each([
    ["title", 5],
    ["description", {}],
    ["article", []],
    ["css", 1],
    ["examples", 3],
    ["examplesPerPage", 0],
    ["cacheExamples", "yes"],
    ["live", 1],
    ["batch", "true"],
    ["maxBatchSize", 1.5],
    ["allowFlagging", "sometimes"],
    ["flaggingOptions", "bad"],
    ["flaggingDir", 7],
    ["interpretation", "magic"],
    ["numShap", -1],
    ["theme", false],
  ])("rejects %s = %j, naming the option", (key, value) => {
    expect(make({ [key]: value })).toThrowCode("TR_ERR_OPTION_INVALID", new RegExp(`"${key}"`));
  });

  it("accepts every documented option", () => {
    expect(
      make({
        outputs: "label",
        title: "T",
        description: "D",
        article: "A",
        css: "h1 { color: red }",
        examples: ["a", "b"],
        examplesPerPage: 5,
        cacheExamples: true,
        live: false,
        allowFlagging: "manual",
        flaggingOptions: ["incorrect", ["Other", "other"]],
        flaggingDir: "flagged",
        interpretation: "default",
        numShap: 2,
        theme: "default",
        maxBatchSize: 4,
      }),
    ).not.toThrow();
  });

  it("requires fn, inputs and outputs and explains unknown shortcuts", () => {
    expect(() => new tr.Interface({ inputs: "text", outputs: "text" } as any)).toThrowCode("TR_ERR_OPTION_MISSING", /"fn"/);
    expect(() => new tr.Interface({ fn: echo, outputs: "text" } as any)).toThrowCode("TR_ERR_OPTION_MISSING", /"inputs"/);
    expect(() => new tr.Interface({ fn: echo, inputs: "txt", outputs: "text" } as any)).toThrowCode("TR_ERR_COMPONENT_UNKNOWN", /"txt"/);
    expect(() => new tr.Interface({ fn: echo, inputs: [42], outputs: "text" } as any)).toThrowCode("TR_ERR_COMPONENT_UNKNOWN", /inputs\[0\]/);
  });

  it("checks each example row against the inputs", () => {
    expect(() => new tr.Interface({ fn: (a: string, b: string) => a + b, inputs: ["text", "text"], outputs: "text", examples: [["a"]] })).toThrowCode("TR_ERR_EXAMPLES", /examples\[0\]/);
  });

  it("refuses a component used by two interfaces", () => {
    const box = new tr.Textbox();
    new tr.Interface({ fn: echo, inputs: box, outputs: "text" });
    expect(() => new tr.Interface({ fn: echo, inputs: box, outputs: "text" })).toThrowCode("TR_ERR_COMPONENT_REUSED");
  });
});

describe("the app graph and its config", () => {

  it("reads css from a file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tradio-css-"));
    const file = path.join(dir, "style.css");
    writeFileSync(file, ".gradio-container { background: rgb(1, 2, 3) }");
    const iface = new tr.Interface({ fn: echo, inputs: "text", outputs: "text", css: file });
    expect((await configOf(iface)).css).toBe(".gradio-container { background: rgb(1, 2, 3) }");
    expect(() => new tr.Interface({ fn: echo, inputs: "text", outputs: "text", css: path.join(dir, "missing.css") })).toThrowCode("TR_ERR_OPTION_INVALID", /missing\.css/);
  });

  it("labels inputs with the function's parameter names and builds title, description, article, buttons and examples", async () => {
    function greet(name: string, excited: boolean) {
      return excited ? `${name}!` : name;
    }
    const iface = new tr.Interface({
      fn: greet,
      inputs: ["text", "checkbox"],
      outputs: "text",
      title: "Greeter <3",
      description: "Say *hi*",
      article: "More",
      examples: [["Ada", true]],
      cacheExamples: true,
    });
    const config = await configOf(iface);
    const byType = (t: string) => (config.components as any[]).filter((c) => c.type === t);
    expect(byType("textbox").filter((c) => c.props.visible).map((c) => c.props.label)).toEqual(["name", "output"]);
    expect(byType("checkbox")[0].props.label).toBe("excited");
    expect(byType("html")[0].props.value).toBe("<h1>Greeter &lt;3</h1>");
    expect(byType("markdown").map((c) => c.props.value)).toEqual(["Say *hi*", "More"]);
    expect(byType("button").map((c) => c.props.value)).toEqual(["Clear", "Submit", "Flag"]);
    const dataset = byType("dataset")[0];
    expect(dataset.props.samples).toEqual([["Ada", true]]);
    expect(dataset.props.cached_outputs).toEqual([["Ada!"]]);
    const info = buildInfo(iface.graph) as any;
    expect(info.named_endpoints["/predict"].parameters.map((p: any) => p.parameter_name)).toEqual(["name", "excited"]);
    expect(info.unnamed_endpoints).toEqual({});
  });

  it("wraps a flat example list for one input, and live apps have no Submit button", async () => {
    const iface = new tr.Interface({ fn: echo, inputs: "text", outputs: "text", examples: ["a", "b"], live: true });
    const config = await configOf(iface);
    const comps = config.components as any[];
    expect(comps.find((c) => c.type === "dataset").props.samples).toEqual([["a"], ["b"]]);
    expect(comps.filter((c) => c.type === "button").map((c) => c.props.value)).toEqual(["Clear", "Flag"]);
    const predict = (config.dependencies as any[]).find((d) => d.api_name === "predict");
    expect(predict.targets).toEqual([[comps.find((c) => c.type === "textbox" && c.props.label === "s").id, "change"]]);
  });

  it("runs batch functions with a batch of one per call", async () => {
    const calls: number[] = [];
    const iface = new tr.Interface({
      fn: (xs: (number | null)[]) => {
        calls.push(xs.length);
        return [xs.map((x) => x! + 1)];
      },
      inputs: "number",
      outputs: "number",
      batch: true,
    });
    expect(await iface(1)).toBe(2);
    expect(calls).toEqual([1]);
  });
});
