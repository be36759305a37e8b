import { describe, it, expect } from "vitest";
import { Dropdown } from "./dropdown.js";
import { ValidationError } from "../core/errors.js";

describe("Dropdown options", () => {
  it("rejects unknown options and wrong types", () => {
    expect(() => new Dropdown({ multiple: true } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"multiple"/);
    expect(() => new Dropdown({ multiselect: "yes" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"multiselect"/);
    expect(() => new Dropdown({ maxChoices: "2" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"maxChoices"/);
    expect(() => new Dropdown({ value: 3 } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"value"/);
  });
  it("checks option semantics", () => {
    expect(() => new Dropdown({ choices: ["a"], maxChoices: 2 })).toThrowCode("TR_ERR_OPTION_CONFLICT", /"maxChoices".*multiselect/);
    expect(() => new Dropdown({ multiselect: true, maxChoices: 0 })).toThrowCode("TR_ERR_OPTION_INVALID", /"maxChoices"/);
    expect(() => new Dropdown({ allowCustomValue: true, type: "index" })).toThrowCode("TR_ERR_OPTION_CONFLICT", /"allowCustomValue".*"index"/);
    expect(() => new Dropdown({ choices: ["a"], value: "b" })).toThrowCode("TR_ERR_OPTION_INVALID", /"value".*"b".*choices: "a"/);
    expect(() => new Dropdown({ choices: ["a", "b"], multiselect: true, value: ["a", "b"], maxChoices: 1 })).toThrowCode("TR_ERR_OPTION_INVALID", /"value".*maxChoices/);
    expect(() => new Dropdown({ choices: ["a"], multiselect: true, value: "a" as never })).toThrowCode("TR_ERR_OPTION_INVALID", /"value"/);
  });
  it("selects the first choice by default (nothing for multiselect or value: null)", () => {
    expect(new Dropdown({ choices: ["x", "y"] }).props().value).toBe("x");
    expect(new Dropdown({ choices: ["x", "y"], value: null }).props().value).toBeNull();
    expect(new Dropdown().props().value).toBeNull();
    expect(new Dropdown({ choices: ["x"], multiselect: true }).props().value).toEqual([]);
  });
  it("accepts a custom initial value with allowCustomValue", () => {
    expect(new Dropdown({ choices: ["a"], allowCustomValue: true, value: "zzz" }).props().value).toBe("zzz");
  });
});

describe("Dropdown props and api info", () => {
  it("gives Gradio's props", async () => {
    const d = new Dropdown({ choices: [["One", "1"], "2"], multiselect: true, maxChoices: 2, value: ["2"] });
    expect(d.type).toBe("dropdown");
    expect(d.className).toBe("Dropdown");
    expect(d.props()).toMatchObject({
      choices: [["One", "1"], ["2", "2"]],
      multiselect: true,
      type: "value",
      allow_custom_value: false,
      max_choices: 2,
      filterable: true,
      value: ["2"],
    });
    expect(await d.initialValue()).toEqual(["2"]);
  });
  it("describes the wire value", () => {
    const single = new Dropdown({ choices: ["a", "b"] });
    expect(single.apiInfo()).toEqual({ type: "string", enum: ["a", "b"] });
    expect(single.exampleInput()).toBe("a");
    expect(single.pythonType()).toBe("Literal['a', 'b']");
    const multi = new Dropdown({ choices: ["a", "b"], multiselect: true });
    expect(multi.apiInfo()).toEqual({ type: "array", items: { type: "string", enum: ["a", "b"] } });
    expect(multi.exampleInput()).toEqual(["a"]);
    expect(multi.pythonType()).toBe("List[Literal['a', 'b']]");
    const custom = new Dropdown({ choices: ["a"], allowCustomValue: true });
    expect(custom.apiInfo()).toEqual({ type: "string" });
    expect(custom.pythonType()).toBe("str");
  });
});

describe("Dropdown preprocess", () => {
  it("single: returns the value or its index; null and unknown values fail", () => {
    const d = new Dropdown({ choices: ["a", ["Bee", "b"]] });
    expect(d.preprocess("b")).toBe("b");
    expect(new Dropdown({ choices: ["a", ["Bee", "b"]], type: "index" }).preprocess("b")).toBe(1);
    expect(d.preprocess(null)).toBeNull();
    expect(() => new Dropdown({ choices: ["a", ["Bee", "b"]], required: true }).preprocess(null)).toThrowCode("TR_ERR_REQUIRED", /required; choose one of: "a", "b"/);
    expect(() => d.preprocess("Bee")).toThrowCode("TR_ERR_INVALID_VALUE", /"Bee".*choices: "a", "b"/);
    expect(() => d.preprocess(["a"])).toThrowCode("TR_ERR_INVALID_VALUE", /one of the choices: "a", "b"/);
  });
  it("single with allowCustomValue: passes any string", () => {
    const d = new Dropdown({ choices: ["a"], allowCustomValue: true });
    expect(d.preprocess("typed by hand")).toBe("typed by hand");
    expect(() => d.preprocess(5)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
  it("multiselect: returns values or indices; enforces maxChoices and no duplicates", () => {
    const d = new Dropdown({ choices: ["a", "b", "c"], multiselect: true, maxChoices: 2 });
    expect(d.preprocess(["c", "a"])).toEqual(["c", "a"]);
    expect(d.preprocess(null)).toEqual([]);
    expect(new Dropdown({ choices: ["a", "b", "c"], multiselect: true, type: "index" }).preprocess(["c", "a"])).toEqual([2, 0]);
    expect(() => d.preprocess(["a", "b", "c"])).toThrowCode("TR_ERR_INVALID_VALUE", /at most 2 choices/);
    expect(() => d.preprocess(["a", "a"])).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => d.preprocess("a")).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => d.preprocess(["z"])).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});

describe("Dropdown postprocess", () => {
  it("single: passes a choice, null clears, others fail", () => {
    const d = new Dropdown({ choices: ["a", "b"] });
    expect(d.postprocess("b")).toBe("b");
    expect(d.postprocess(null as never)).toBeNull();
    expect(() => d.postprocess("z")).toThrowCode("TR_ERR_INVALID_VALUE");
  });
  it("multiselect: passes a list (a single string is wrapped), null is empty", () => {
    const d = new Dropdown({ choices: ["a", "b"], multiselect: true });
    expect(d.postprocess(["a", "b"])).toEqual(["a", "b"]);
    expect(d.postprocess("a" as never)).toEqual(["a"]);
    expect(d.postprocess(null as never)).toEqual([]);
    expect(() => d.postprocess(["a", 3] as never)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => d.postprocess({} as never)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});
