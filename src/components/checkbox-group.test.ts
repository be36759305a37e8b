import { describe, it, expect } from "vitest";
import { CheckboxGroup } from "./checkbox-group.js";
import { ValidationError } from "../core/errors.js";

describe("CheckboxGroup options", () => {
  it("rejects unknown options and wrong types", () => {
    expect(() => new CheckboxGroup({ options: ["a"] } as never)).toThrow(/unknown option "options"/);
    expect(() => new CheckboxGroup({ choices: "a" } as never)).toThrow(/option "choices"/);
    expect(() => new CheckboxGroup({ choices: [1, 2] } as never)).toThrow(/option "choices"/);
    expect(() => new CheckboxGroup({ type: "label" } as never)).toThrow(/option "type"/);
    expect(() => new CheckboxGroup({ value: "a" } as never)).toThrow(/option "value" must be an array of strings/);
  });
  it("checks option semantics", () => {
    expect(() => new CheckboxGroup({ choices: ["a", "a"] })).toThrow(/"choices" has the value "a" twice/);
    expect(() => new CheckboxGroup({ choices: ["a"], value: ["b"] })).toThrow(/option "value" has "b", which is not one of the choices: "a"/);
    expect(() => new CheckboxGroup({ choices: ["a"], value: ["a", "a"] })).toThrow(/option "value" lists a choice twice/);
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
    expect(() => g.preprocess(["z"])).toThrow(/the string "z" is not one of the choices: "a", "b", "c"/);
    expect(() => g.preprocess(["Bee"])).toThrow(/not one of the choices/);
    expect(() => g.preprocess(["a", "a"])).toThrow(/checked twice/);
    expect(() => g.preprocess("a")).toThrow(/expected an array of choices, got the string "a"/);
    expect(() => g.preprocess([1])).toThrow(/number 1 is not one of the choices/);
  });
});

describe("CheckboxGroup postprocess", () => {
  const g = new CheckboxGroup({ choices: ["a", "b"] });
  it("passes a list of choices; null is empty", () => {
    expect(g.postprocess(["b"])).toEqual(["b"]);
    expect(g.postprocess(null as never)).toEqual([]);
  });
  it("rejects bad return values", () => {
    expect(() => g.postprocess(["x"])).toThrow(/the function returned an invalid value: the string "x" is not one of the choices: "a", "b"/);
    expect(() => g.postprocess("a" as never)).toThrow(/the function returned the string "a", expected an array of choices/);
  });
});
