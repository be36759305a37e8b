import { describe, it, expect } from "vitest";
import { Slider } from "./slider.js";
import { ValidationError } from "../core/errors.js";

describe("Slider options", () => {
  it("rejects unknown options and wrong types, naming the option", () => {
    expect(() => new Slider({ max: 3 } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"max"/);
    expect(() => new Slider({ step: "1" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"step"/);
  });
  it("checks option semantics", () => {
    expect(() => new Slider({ minimum: 10, maximum: 0 })).toThrowCode("TR_ERR_OPTION_CONFLICT", /"minimum".*"maximum"/);
    expect(() => new Slider({ step: -1 })).toThrowCode("TR_ERR_OPTION_INVALID", /"step"/);
    expect(() => new Slider({ value: 101 })).toThrowCode("TR_ERR_OPTION_INVALID", /"value".*\[0, 100\]/);
    expect(() => new Slider({ maximum: Infinity })).toThrowCode("TR_ERR_OPTION_INVALID", /"maximum"/);
  });
  it("has Gradio's defaults: 0 to 100, value = minimum, step from the range", () => {
    const s = new Slider();
    expect(s.props()).toMatchObject({ minimum: 0, maximum: 100, step: 1, value: 0 });
    expect(new Slider({ minimum: 5, maximum: 10 }).props().value).toBe(5);
    expect(new Slider({ minimum: 0, maximum: 1 }).step).toBe(0.01);
    expect(new Slider({ minimum: 0, maximum: 1000 }).step).toBe(10);
    expect(new Slider({ minimum: 3, maximum: 3 }).step).toBe(1);
    expect(new Slider({ step: 5 }).step).toBe(5);
  });
});

describe("Slider props and api info", () => {
  it("describes itself like Gradio", async () => {
    const s = new Slider({ minimum: 1, maximum: 9, value: 4, label: "n" });
    expect(s.type).toBe("slider");
    expect(s.className).toBe("Slider");
    expect(s.props()).toMatchObject({ label: "n", minimum: 1, maximum: 9, value: 4 });
    expect(s.apiInfo()).toEqual({ type: "number", description: "numeric value between 1 and 9" });
    expect(s.exampleInput()).toBe(1);
    expect(s.pythonType()).toBe("float");
    expect(await s.initialValue()).toBe(4);
  });
});

describe("Slider preprocess", () => {
  const s = new Slider({ minimum: 0, maximum: 10 });
  it("passes numbers within the range", () => {
    expect(s.preprocess(0)).toBe(0);
    expect(s.preprocess(7.5)).toBe(7.5);
    expect(s.preprocess(10)).toBe(10);
  });
  it("rejects out-of-range and non-numbers", () => {
    expect(() => s.preprocess(11)).toThrow(ValidationError);
    expect(() => s.preprocess(11)).toThrowCode("TR_ERR_INVALID_VALUE", /0 to 10/);
    expect(() => s.preprocess(-1)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => s.preprocess("5")).toThrowCode("TR_ERR_INVALID_VALUE", /between 0 and 10/);
    expect(() => s.preprocess(null)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => s.preprocess(Number.NaN)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});

describe("Slider postprocess", () => {
  const s = new Slider({ minimum: 2, maximum: 4 });
  it("passes numbers in range and maps null to the minimum", () => {
    expect(s.postprocess(3)).toBe(3);
    expect(s.postprocess(null as never)).toBe(2);
  });
  it("rejects bad return values, naming the range", () => {
    expect(() => s.postprocess(5)).toThrowCode("TR_ERR_INVALID_VALUE", /between 2 and 4/);
    expect(() => s.postprocess("3" as never)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});
