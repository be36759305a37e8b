// Empty inputs, required inputs, number choices and Gradio 4/5 names, through @gradio/client and the HTTP API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { configOf, connect, post, start } from "./helpers.js";

describe("inputs left empty", () => {
  let app: Awaited<ReturnType<typeof start>>;
  const seen: unknown[][] = [];
  beforeAll(async () => {
    app = await start(
      new tr.Interface({
        fn: (img, n, pick, drop, file, colour, when, gallery) => {
          seen.push([img, n, pick, drop, file, colour, when, gallery]);
          return [img, n, pick, drop, file, colour, when, gallery].map((v) => (v === null ? "null" : typeof v)).join(",");
        },
        inputs: ["image", "number", new tr.Radio({ choices: ["a", "b"] }), new tr.Dropdown({ choices: ["x"], value: null }), "file", "colorpicker", "datetime", "gallery"],
        outputs: "text",
        allowFlagging: "never",
      }),
    );
  });
  afterAll(() => app.close());

  it("reach the function as null, as in Gradio", async () => {
    const client = await connect(app.base);
    const { data } = await client.predict("/predict", [null, null, null, null, null, null, null, []]);
    expect(data).toEqual(["null,null,null,null,null,null,null,null"]);
    expect(seen.at(-1)).toEqual([null, null, null, null, null, null, null, null]);
  });

  it("a required input left empty is refused with 422 naming it", async () => {
    const req = await start(
      new tr.Interface({
        fn: (n: number, c: string) => `${n}${c}`,
        inputs: [new tr.Number({ label: "Age", required: true }), new tr.Radio({ label: "Size", choices: ["S", "M"], required: true })],
        outputs: "text",
        allowFlagging: "never",
      }),
    );
    try {
      const res = await post(req.base, "/gradio_api/run/predict", { data: [null, "S"] });
      expect(res.status).toBe(422);
      const body = res.json as { error: string; code: string };
      expect(body.code).toBe("TR_ERR_REQUIRED");
      expect(body.error).toBe('Number "Age": this input is required; enter a number');
      const client = await connect(req.base);
      await expect(client.predict("/predict", [3, null])).rejects.toMatchObject({ message: expect.stringMatching(/Radio "Size": this input is required; choose one of: "S", "M"/) });
      expect((await client.predict("/predict", [3, "M"])).data).toEqual(["3M"]);
    } finally {
      await req.close();
    }
  });

  it("the config marks required inputs with the server's own refusal, so the page can refuse them before sending", async () => {
    const iface = new tr.Interface({
      fn: (n: number, c: string, d: string[], img: tr.Pixels | null) => `${n}${c}${d.length}${img ? "i" : ""}`,
      inputs: [
        new tr.Number({ label: "Age", required: true }),
        new tr.Radio({ label: "Size", choices: ["S", "M"], required: true }),
        new tr.Dropdown({ label: "Tags", choices: ["a", "b"], multiselect: true, required: true }),
        "image",
      ],
      outputs: "text",
      allowFlagging: "manual",
    });
    const cfg = await configOf(iface);
    const props = (label: string | null) => cfg.components.find((c: any) => c.props.label === label && c.type !== "interpretation")?.props;
    // The same words the server sends back when the input comes empty (above).
    expect(props("Age")).toMatchObject({ required: true, required_message: 'Number "Age": this input is required; enter a number' });
    expect(props("Size")).toMatchObject({ required: true, required_message: 'Radio "Size": this input is required; choose one of: "S", "M"' });
    // A multiselect Dropdown left empty gives [] and is never refused: not marked.
    expect(props("Tags")).not.toHaveProperty("required");
    expect(props("Tags")).not.toHaveProperty("required_message");
    expect(cfg.components.find((c: any) => c.type === "image").props).not.toHaveProperty("required");
    // The prediction preprocesses (required is checked); flagging sends values as they are (not checked).
    expect(cfg.dependencies.find((d: any) => d.api_name === "predict").preprocess).toBe(true);
    const flag = cfg.dependencies.find((d: any) => d.api_name === "flag");
    expect(flag.preprocess).toBe(false);
  });
});

describe("choices with number values and [label, value] pairs", () => {
  it("give the function the value, show the label, and say so in /info", async () => {
    const app = await start(
      new tr.Interface({
        fn: (size: number | null, levels: number[], unit: string | null) => `${size}|${levels.join("+")}|${unit}`,
        inputs: [
          new tr.Radio({ label: "Size", choices: [["Small", 1], ["Large", 3]] }),
          new tr.CheckboxGroup({ label: "Levels", choices: [1, 2, 3] }),
          new tr.Dropdown({ label: "Unit", choices: [["Metres", "m"], ["Feet", "ft"]] }),
        ],
        outputs: "text",
        allowFlagging: "never",
      }),
    );
    try {
      const client = await connect(app.base);
      expect((await client.predict("/predict", [3, [1, 3], "ft"])).data).toEqual(["3|1+3|ft"]);
      // The label is not a value.
      await expect(client.predict("/predict", ["Large", [], "m"])).rejects.toMatchObject({ message: expect.stringMatching(/"Large" is not one of the choices: 1, 3/) });
      const info = (await (await fetch(`${app.base}/gradio_api/info`)).json()) as any;
      const [size, levels, unit] = info.named_endpoints["/predict"].parameters;
      expect(size.type).toMatchObject({ type: "number", enum: [1, 3] });
      expect(size.python_type).toEqual({ type: "Literal[1, 3]", description: 'the page shows labels for these values: 1 = "Small", 3 = "Large"' });
      expect(levels.type.items).toMatchObject({ type: "number", enum: [1, 2, 3] });
      expect(unit.python_type.description).toMatch(/"m" = "Metres", "ft" = "Feet"/);
      const config = (await (await fetch(`${app.base}/config`)).json()) as any;
      const radio = config.components.find((c: any) => c.props.label === "Size");
      expect(radio.props.choices).toEqual([["Small", 1], ["Large", 3]]);
    } finally {
      await app.close();
    }
  });
});

describe("Gradio 4/5 names", () => {
  it("flaggingMode is allowFlagging; both must agree", async () => {
    const iface = new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", flaggingMode: "never" });
    const app = await start(iface);
    try {
      const config = (await (await fetch(`${app.base}/config`)).json()) as any;
      expect(config.components.some((c: any) => c.props.value === "Flag")).toBe(false);
    } finally {
      await app.close();
    }
    expect(() => new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", flaggingMode: "never", allowFlagging: "auto" })).toThrowCode("TR_ERR_OPTION_CONFLICT", /flaggingMode.*allowFlagging/);
    expect(() => new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", flaggingMode: "sometimes" as never })).toThrowCode("TR_ERR_OPTION_INVALID", /"flaggingMode"/);
  });

  it("visual options are accepted on every component; showLabel reaches the page; unknown ones are still refused", () => {
    const t = new tr.Text({ showLabel: false, container: false, scale: 2, minWidth: 100, showCopyButton: true, buttons: ["copy"], elemId: "t", elemClasses: ["x"], visible: false, render: true, key: "k" });
    expect(t.props()).toMatchObject({ show_label: false, container: false, scale: 2, min_width: 100, elem_id: "t", elem_classes: ["x"], visible: false });
    new tr.JSON({ showIndices: true });
    new tr.Audio({ waveformOptions: { waveformColor: "#888" }, showShareButton: false });
    new tr.Image({ showFullscreenButton: false, type: "pil" });
    expect(() => new tr.Textbox({ showLable: false } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"showLable"/);
    expect(() => new tr.Number({ scale: "big" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"scale"/);
  });

  it('an output-only interface\'s button reads "Generate"', async () => {
    const app = await start(new tr.Interface({ fn: () => "made", inputs: [], outputs: "text", allowFlagging: "never" }));
    try {
      const config = (await (await fetch(`${app.base}/config`)).json()) as any;
      const buttons = config.components.filter((c: any) => c.type === "button").map((c: any) => c.props.value);
      expect(buttons).toContain("Generate");
      expect(buttons).not.toContain("Submit");
    } finally {
      await app.close();
    }
  });
});

describe("Interface submitBtn, clearBtn and stopBtn", () => {
  const buttonsOf = (config: any) => config.components.filter((c: any) => c.type === "button").map((c: any) => c.props.value);

  it("sends the button texts in the config; clearBtn null or false leaves the Clear button and its reset out", async () => {
    const app = await start(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", allowFlagging: "never", submitBtn: "Translate", clearBtn: "Start over", stopBtn: "Hold on" }));
    try {
      const config = (await (await fetch(`${app.base}/config`)).json()) as any;
      expect(buttonsOf(config)).toEqual(["Start over", "Translate"]);
      // The run button carries its stop text; the Clear button has none.
      expect(config.components.filter((c: any) => c.type === "button").map((c: any) => c.props.stop_value)).toEqual([undefined, "Hold on"]);
      expect(config.dependencies.some((d: any) => d.frontend_action === "reset")).toBe(true);
      const client = await connect(app.base);
      expect((await client.predict("/predict", ["hi"])).data).toEqual(["hi"]);
    } finally {
      await app.close();
    }
    for (const clearBtn of [null, false] as const) {
      const config = await configOf(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", allowFlagging: "never", clearBtn }));
      expect(buttonsOf(config)).toEqual(["Submit"]);
      expect(config.dependencies.some((d: any) => d.frontend_action === "reset")).toBe(false);
    }
    // Without stopBtn the stop text is Gradio's "Stop"
    const plain = await configOf(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", allowFlagging: "never" }));
    expect(plain.components.find((c: any) => c.type === "button" && c.props.value === "Submit").props.stop_value).toBe("Stop");
    // submitBtn also replaces "Generate"
    expect(buttonsOf(await configOf(new tr.Interface({ fn: () => "x", inputs: [], outputs: "text", allowFlagging: "never", submitBtn: "Roll" })))).toEqual(["Clear", "Roll"]);
  });

  it("refuses an empty or non-text button text, naming the option", () => {
    expect(() => new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", submitBtn: "" })).toThrowCode("TR_ERR_OPTION_INVALID", /"submitBtn" must be a non-empty string/);
    expect(() => new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", submitBtn: false as never })).toThrowCode("TR_ERR_OPTION_INVALID", /"submitBtn"/);
    expect(() => new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", clearBtn: true as never })).toThrowCode("TR_ERR_OPTION_INVALID", /"clearBtn" must be a non-empty string, null or false/);
    // Gradio's stop_btn takes no None: the Stop button cannot be left out, only renamed.
    for (const stopBtn of ["", "  ", null, false, 3])
      expect(() => new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", stopBtn: stopBtn as never })).toThrowCode("TR_ERR_OPTION_INVALID", /"stopBtn" must be a non-empty string/);
  });
});

describe("option errors name the valid values", () => {
  it("says which values an option takes, and JSON as JSON", () => {
    expect(() => new tr.Image({ type: "cv2" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /option "type" must be one of "pixels", "pil", "numpy", "buffer", "filepath", got the string "cv2"/);
    expect(() => new tr.Image({ sources: ["microphone"] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"sources" must be a non-empty array of "upload", "webcam", "clipboard"/);
    expect(() => new tr.Video({ format: "avi" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /one of "mp4", "webm"/);
    expect(() => new tr.Gallery({ objectFit: "stretch" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /one of "contain", "cover", "fill", "none", "scale-down"/);
    expect(() => new tr.File({ fileCount: "many" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /one of "single", "multiple"/);
    expect(() => new tr.Radio({ type: "label" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /one of "value", "index"/);
    expect(() => new tr.Model3D({ displayMode: "mesh" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /one of "solid", "wireframe", "point_cloud"/);
    expect(() => new tr.DateTime({ type: "date" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /one of "timestamp", "datetime", "string"/);
    expect(() => new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", allowFlagging: "yes" as never })).toThrowCode("TR_ERR_OPTION_INVALID", /one of "manual", "auto", "never"/);
    expect(() => new tr.JSON({ colour: 1 } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /^JSON: unknown option "colour"/);
    expect(() => new tr.Number({ value: "3" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /^Number: option "value"/);
  });
});
