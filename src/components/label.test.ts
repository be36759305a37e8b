import { describe, it, expect } from "vitest";
import { Label } from "./label.js";
import { ValidationError } from "../core/errors.js";

describe("Label options", () => {
  it("rejects unknown options, wrong types and bad values", () => {
    expect(() => new Label({ topK: 3 } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"topK"/);
    expect(() => new Label({ numTopClasses: "3" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"numTopClasses"/);
    expect(() => new Label({ color: 1 } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"color"/);
    expect(() => new Label({ numTopClasses: 0 })).toThrowCode("TR_ERR_OPTION_INVALID", /"numTopClasses"/);
    expect(() => new Label({ numTopClasses: 2.5 })).toThrowCode("TR_ERR_OPTION_INVALID", /"numTopClasses"/);
    expect(() => new Label({ value: { cat: "high" } as never })).toThrowCode("TR_ERR_OPTION_INVALID", /"value".*"cat"/);
  });
});

describe("Label props and api info", () => {
  it("gives Gradio's props with the wire initial value", async () => {
    const l = new Label({ numTopClasses: 1, color: "red", showLabel: false, value: { a: 0.2, b: 0.8 } });
    expect(l.type).toBe("label");
    expect(l.className).toBe("Label");
    expect(l.props()).toMatchObject({
      num_top_classes: 1,
      color: "red",
      show_label: false,
      value: { label: "b", confidences: [{ label: "b", confidence: 0.8 }] },
    });
    expect(new Label().props()).toMatchObject({ num_top_classes: null, color: null, show_label: true, value: null });
    expect(await l.initialValue()).toEqual({ label: "b", confidences: [{ label: "b", confidence: 0.8 }] });
  });
  it("describes LabelData", () => {
    const info = new Label().apiInfo() as { type: string; properties: Record<string, unknown> };
    expect(info.type).toBe("object");
    expect(Object.keys(info.properties)).toEqual(["label", "confidences"]);
    expect(JSON.stringify(info.properties.confidences)).toContain('"confidence":{"type":"number"}');
    expect(new Label().exampleInput()).toMatchObject({ label: "Cat" });
    expect(new Label().pythonType()).toMatch(/^Dict\(label: /);
  });
});

describe("Label postprocess", () => {
  it("sorts a confidence map, top class as the label", () => {
    expect(new Label().postprocess({ cat: 0.1, dog: 0.7, bird: 0.2 })).toEqual({
      label: "dog",
      confidences: [
        { label: "dog", confidence: 0.7 },
        { label: "bird", confidence: 0.2 },
        { label: "cat", confidence: 0.1 },
      ],
    });
  });
  it("truncates to numTopClasses", () => {
    const out = new Label({ numTopClasses: 2 }).postprocess({ a: 0.1, b: 0.3, c: 0.6 });
    expect(out).toEqual({ label: "c", confidences: [{ label: "c", confidence: 0.6 }, { label: "b", confidence: 0.3 }] });
  });
  it("keeps equal confidences in their order", () => {
    const out = new Label().postprocess({ x: 0.5, y: 0.5 });
    expect(out.confidences?.map((c) => c.label)).toEqual(["x", "y"]);
  });
  it("turns a string or number into a plain label", () => {
    expect(new Label().postprocess("positive")).toEqual({ label: "positive", confidences: null });
    expect(new Label().postprocess(7)).toEqual({ label: "7", confidences: null });
  });
  it("maps null and {} to an empty LabelData", () => {
    expect(new Label().postprocess(null as never)).toEqual({ label: null, confidences: null });
    expect(new Label().postprocess({})).toEqual({ label: null, confidences: null });
  });
  it("accepts LabelData as it is (sorted and truncated)", () => {
    const l = new Label({ numTopClasses: 1 });
    expect(l.postprocess({ label: "a", confidences: [{ label: "b", confidence: 0.1 }, { label: "a", confidence: 0.9 }] })).toEqual({
      label: "a",
      confidences: [{ label: "a", confidence: 0.9 }],
    });
    expect(l.postprocess({ label: "only", confidences: null })).toEqual({ label: "only", confidences: null });
  });
  it("treats a class named 'label' with a number as a confidence", () => {
    expect(new Label().postprocess({ label: 0.9 })).toEqual({ label: "label", confidences: [{ label: "label", confidence: 0.9 }] });
  });
  it("rejects non-finite or non-number confidences and other types", () => {
    expect(() => new Label().postprocess({ a: Number.NaN })).toThrow(ValidationError);
    expect(() => new Label().postprocess({ a: Number.NaN })).toThrowCode("TR_ERR_INVALID_VALUE", /confidence of "a"/);
    expect(() => new Label().postprocess({ a: "0.5" } as never)).toThrowCode("TR_ERR_INVALID_VALUE", /confidence of "a"/);
    expect(() => new Label().postprocess(true as never)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => new Label().postprocess([1, 2] as never)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => new Label().postprocess(Infinity)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});

describe("Label preprocess", () => {
  const l = new Label();
  it("validates and returns LabelData", () => {
    const data = { label: "a", confidences: [{ label: "a", confidence: 0.9 }] };
    expect(l.preprocess(data)).toEqual(data);
    expect(l.preprocess({ label: "x", confidences: null })).toEqual({ label: "x", confidences: null });
    expect(l.preprocess({ label: "x" })).toEqual({ label: "x", confidences: null });
    expect(l.preprocess(null)).toEqual({ label: null, confidences: null });
  });
  it("rejects malformed LabelData", () => {
    expect(() => l.preprocess("a")).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => l.preprocess({ label: "a", confidences: {} })).toThrowCode("TR_ERR_INVALID_VALUE", /"confidences"/);
    expect(() => l.preprocess({ label: "a", confidences: [{ label: "a" }] })).toThrowCode("TR_ERR_INVALID_VALUE", /confidences\[0\]\.confidence/);
    expect(() => l.preprocess({ label: "a", confidences: [{ label: null, confidence: 1 }] })).toThrowCode("TR_ERR_INVALID_VALUE", /confidences\[0\]\.label/);
    expect(() => l.preprocess({ label: {}, confidences: null })).toThrowCode("TR_ERR_INVALID_VALUE", /"label"/);
    expect(() => l.preprocess({ label: "a", extra: 1 })).toThrowCode("TR_ERR_INVALID_VALUE", /"extra"/);
  });
});
