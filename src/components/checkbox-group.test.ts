import { describe, it, expect } from "vitest";
import { CheckboxGroup } from "./checkbox-group.js";
import { ValidationError } from "../core/errors.js";

describe("CheckboxGroup options", () => {
  it("rejects unknown options and wrong types", () => {
    expect(() => new CheckboxGroup({ options: ["a"] } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"options"/);
    expect(() => new CheckboxGroup({ choices: "a" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"choices"/);
    expect(() => new CheckboxGroup({ choices: [true, false] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"choices"/);
    expect(() => new CheckboxGroup({ type: "label" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"type"/);
    expect(() => new CheckboxGroup({ value: "a" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"value"/);
  });
  it("checks option semantics", () => {
    expect(() => new CheckboxGroup({ choices: ["a", "a"] })).toThrowCode("TR_ERR_OPTION_INVALID", /"choices".*"a"/);
    expect(() => new CheckboxGroup({ choices: ["a"], value: ["b"] })).toThrowCode("TR_ERR_OPTION_INVALID", /"value".*"b".*choices: "a"/);
    expect(() => new CheckboxGroup({ choices: ["a"], value: ["a", "a"] })).toThrowCode("TR_ERR_OPTION_INVALID", /"value"/);
  });
});

describe("CheckboxGroup props and api info", () => {
  const g = new CheckboxGroup({ choices: ["red", ["Green", "g"]], value: ["g"], label: "Colours" });
  it("sends choices as [label, value] pairs and the value list", async () => {
    expect(g.type).toBe("checkboxgroup");
    expect(g.className).toBe("CheckboxGroup");
    expect(g.props()).toMatchObject({ label: "Colours", choices: [["red", "red"], ["Green", "g"]], type: "value", value: ["g"] });
    expect(new CheckboxGroup().props().value).toEqual([]);
    expect(await g.initialValue()).toEqual(["g"]);
  });
  it("describes the wire value", () => {
    expect(g.apiInfo()).toEqual({ items: { enum: ["red", "g"], type: "string" }, title: "Checkbox Group", type: "array" });
    expect(g.exampleInput()).toEqual(["red"]);
    expect(g.pythonType()).toBe("List[Literal['red', 'g']]");
  });
});

describe("CheckboxGroup preprocess", () => {
  const g = new CheckboxGroup({ choices: ["a", ["Bee", "b"], "c"] });
  it("returns the checked values", () => {
    expect(g.preprocess(["c", "a"])).toEqual(["c", "a"]);
    expect(g.preprocess([])).toEqual([]);
    expect(g.preprocess(null)).toEqual([]);
  });
  it("returns indices with type index", () => {
    const gi = new CheckboxGroup({ choices: ["a", ["Bee", "b"], "c"], type: "index" });
    expect(gi.preprocess(["b", "c"])).toEqual([1, 2]);
  });
  it("rejects values outside the choices, labels, duplicates and non-arrays", () => {
    expect(() => g.preprocess(["z"])).toThrow(ValidationError);
    expect(() => g.preprocess(["z"])).toThrowCode("TR_ERR_INVALID_VALUE", /"z".*choices: "a", "b", "c"/);
    expect(() => g.preprocess(["Bee"])).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => g.preprocess(["a", "a"])).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => g.preprocess("a")).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => g.preprocess([1])).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});

describe("CheckboxGroup postprocess", () => {
  const g = new CheckboxGroup({ choices: ["a", "b"] });
  it("passes a list of choices; null is empty", () => {
    expect(g.postprocess(["b"])).toEqual(["b"]);
    expect(g.postprocess(null as never)).toEqual([]);
  });
  it("rejects bad return values", () => {
    expect(() => g.postprocess(["x"])).toThrowCode("TR_ERR_INVALID_VALUE", /the function returned.*choices: "a", "b"/);
    expect(() => g.postprocess("a" as never)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});
