import { describe, it, expect } from "vitest";
import { NumberComponent, roundTo } from "./number.js";
import { ValidationError } from "../core/errors.js";

describe("NumberComponent options", () => {
  it("rejects unknown options and wrong types, naming the option", () => {
    expect(() => new NumberComponent({ minimun: 1 } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"minimun"/);
    expect(() => new NumberComponent({ precision: "2" } as never)).toThrow(TypeError);
    expect(() => new NumberComponent({ precision: "2" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"precision"/);
    expect(() => new NumberComponent({ value: "3" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"value"/);
  });

  it("checks option semantics", () => {
    expect(() => new NumberComponent({ minimum: 5, maximum: 1 })).toThrowCode("TR_ERR_OPTION_CONFLICT", /"minimum".*"maximum"/);
    expect(() => new NumberComponent({ precision: -1 })).toThrowCode("TR_ERR_OPTION_INVALID", /"precision"/);
    expect(() => new NumberComponent({ precision: 1.5 })).toThrowCode("TR_ERR_OPTION_INVALID", /"precision"/);
    expect(() => new NumberComponent({ step: 0 })).toThrowCode("TR_ERR_OPTION_INVALID", /"step"/);
    expect(() => new NumberComponent({ minimum: Number.NaN })).toThrowCode("TR_ERR_OPTION_INVALID", /"minimum"/);
    expect(() => new NumberComponent({ value: 20, maximum: 10 })).toThrowCode("TR_ERR_OPTION_INVALID", /"value"/);
  });

  it("defaults the value to 0, moved into the range", () => {
    expect(new NumberComponent().props().value).toBe(0);
    expect(new NumberComponent({ minimum: 5 }).props().value).toBe(5);
    expect(new NumberComponent({ maximum: -2 }).props().value).toBe(-2);
    expect(new NumberComponent({ value: 1.256, precision: 2 }).props().value).toBe(1.26);
  });
});

describe("NumberComponent props and api info", () => {
  it("gives Gradio's props", () => {
    const n = new NumberComponent({ label: "Age", minimum: 0, maximum: 120, precision: 0, value: 30 });
    expect(n.type).toBe("number");
    expect(n.className).toBe("Number");
    expect(n.props()).toMatchObject({ label: "Age", minimum: 0, maximum: 120, precision: 0, step: 1, value: 30, show_label: true });
    expect(new NumberComponent().props()).toMatchObject({ minimum: null, maximum: null, precision: null });
  });
  it("describes the wire value", async () => {
    const n = new NumberComponent();
    expect(n.apiInfo()).toEqual({ type: "number" });
    expect(n.pythonType()).toBe("float");
    expect(n.exampleInput()).toBe(3);
    expect(new NumberComponent({ maximum: 1 }).exampleInput()).toBe(1);
    expect(await n.initialValue()).toBe(0);
  });
});

describe("NumberComponent preprocess", () => {
  const n = new NumberComponent({ minimum: -10, maximum: 10 });
  it("passes finite numbers in range", () => {
    expect(n.preprocess(3.5)).toBe(3.5);
    expect(n.preprocess(-10)).toBe(-10);
    expect(n.preprocess(10)).toBe(10);
  });
  it("gives null when empty (refused when required), rejects strings and other types with a clear message", () => {
    expect(n.preprocess(null)).toBeNull();
    expect(n.preprocess(undefined)).toBeNull();
    expect(() => new NumberComponent({ required: true, label: "Age" }).preprocess(null)).toThrowCode("TR_ERR_REQUIRED", /^Number "Age": this input is required; enter a number$/);
    expect(() => n.preprocess("3.5")).toThrowCode("TR_ERR_INVALID_VALUE", /send a JSON number, not a string/);
    expect(() => n.preprocess(true)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => n.preprocess([1])).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => n.preprocess(Infinity)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
  it("enforces minimum and maximum", () => {
    expect(() => n.preprocess(-11)).toThrowCode("TR_ERR_INVALID_VALUE", /minimum -10/);
    expect(() => n.preprocess(10.5)).toThrowCode("TR_ERR_INVALID_VALUE", /maximum 10/);
  });
  it("rounds to the precision; precision 0 gives integers", () => {
    expect(new NumberComponent({ precision: 2 }).preprocess(3.14159)).toBe(3.14);
    expect(new NumberComponent({ precision: 0 }).preprocess(2.7)).toBe(3);
    expect(Object.is(new NumberComponent({ precision: 0 }).preprocess(-0.2), 0)).toBe(true);
  });
  it("names the component and its label in errors", () => {
    const labelled = new NumberComponent({ label: "Age" });
    expect(() => labelled.preprocess("x")).toThrowCode("TR_ERR_INVALID_VALUE", /^Number "Age":/);
  });
});

describe("NumberComponent postprocess", () => {
  const n = new NumberComponent({ precision: 1 });
  it("passes numbers, rounded", () => {
    expect(n.postprocess(1.26)).toBe(1.3);
    expect(new NumberComponent().postprocess(1e300)).toBe(1e300);
  });
  it("maps null and undefined to null", () => {
    expect(n.postprocess(null as never)).toBeNull();
    expect(n.postprocess(undefined as never)).toBeNull();
  });
  it("rejects non-numbers and non-finite numbers", () => {
    expect(() => n.postprocess("3" as never)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => n.postprocess(Number.NaN)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => n.postprocess({} as never)).toThrow(ValidationError);
  });
  it("does not enforce the range on output, like Gradio", () => {
    expect(new NumberComponent({ maximum: 1 }).postprocess(5)).toBe(5);
  });
});

describe("roundTo", () => {
  it("rounds half away from zero on the exact binary value", () => {
    expect(roundTo(2.5, 0)).toBe(3);
    expect(roundTo(-2.5, 0)).toBe(-3);
    expect(roundTo(1.005, 2)).toBe(1); // 1.005 is 1.00499… in binary
    expect(roundTo(123.456, undefined)).toBe(123.456);
    expect(roundTo(1e21 + 0.5, 2)).toBe(1e21);
  });
});
