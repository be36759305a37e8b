import { describe, it, expect } from "vitest";
import { Checkbox } from "./checkbox.js";
import { ValidationError } from "../core/errors.js";

describe("Checkbox", () => {
  it("validates options", () => {
    expect(() => new Checkbox({ checked: true } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"checked"/);
    expect(() => new Checkbox({ value: "yes" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"value"/);
    expect(() => new Checkbox({ label: 3 } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"label"/);
  });

  it("gives props, api info and initial value", async () => {
    const c = new Checkbox({ label: "Agree", value: true });
    expect(c.type).toBe("checkbox");
    expect(c.className).toBe("Checkbox");
    expect(c.props()).toMatchObject({ label: "Agree", value: true });
    expect(new Checkbox().props().value).toBe(false);
    expect(await new Checkbox().initialValue()).toBe(false);
    expect(c.apiInfo()).toEqual({ type: "boolean" });
    expect(c.exampleInput()).toBe(true);
    expect(c.pythonType()).toBe("bool");
  });

  it("preprocesses booleans only; null is false", () => {
    const c = new Checkbox();
    expect(c.preprocess(true)).toBe(true);
    expect(c.preprocess(false)).toBe(false);
    expect(c.preprocess(null)).toBe(false);
    expect(() => c.preprocess("true")).toThrow(ValidationError);
    expect(() => c.preprocess("true")).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => c.preprocess(1)).toThrowCode("TR_ERR_INVALID_VALUE");
  });

  it("postprocesses booleans; rejects other values", () => {
    const c = new Checkbox({ label: "ok" });
    expect(c.postprocess(true)).toBe(true);
    expect(c.postprocess(null as never)).toBe(false);
    expect(() => c.postprocess(0 as never)).toThrowCode("TR_ERR_INVALID_VALUE", /^Checkbox "ok":/);
  });
});
