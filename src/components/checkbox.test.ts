import { describe, it, expect } from "vitest";
import { Checkbox } from "./checkbox.js";
import { ValidationError } from "../core/errors.js";

describe("Checkbox", () => {
  it("validates options", () => {
    expect(() => new Checkbox({ checked: true } as never)).toThrow(/unknown option "checked"/);
    expect(() => new Checkbox({ value: "yes" } as never)).toThrow(/option "value" must be a boolean/);
    expect(() => new Checkbox({ label: 3 } as never)).toThrow(/option "label" must be a string/);
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
    expect(() => c.preprocess("true")).toThrow(/expected true or false, got the string "true"/);
    expect(() => c.preprocess(1)).toThrow(/got number 1/);
  });

  it("postprocesses booleans; rejects other values", () => {
    const c = new Checkbox({ label: "ok" });
    expect(c.postprocess(true)).toBe(true);
    expect(c.postprocess(null as never)).toBe(false);
    expect(() => c.postprocess(0 as never)).toThrow(/^Checkbox "ok": the function returned number 0, expected true or false/);
  });
});
