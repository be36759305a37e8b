import { describe, it, expect } from "vitest";
import { Dataframe } from "./dataframe.js";
import { ValidationError } from "../core/errors.js";

describe("Dataframe options", () => {
  it("rejects unknown options and wrong types", () => {
    expect(() => new Dataframe({ columns: ["a"] } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"columns"/);
    expect(() => new Dataframe({ headers: [1] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"headers"/);
    expect(() => new Dataframe({ datatype: "int" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"datatype"/);
    expect(() => new Dataframe({ rowCount: [2, "static"] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"rowCount"/);
    expect(() => new Dataframe({ type: "pandas" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"type"/);
  });
  it("checks option semantics", () => {
    expect(() => new Dataframe({ headers: ["a", "b"], colCount: 3 })).toThrowCode("TR_ERR_OPTION_CONFLICT", /"headers".*"colCount"/);
    expect(() => new Dataframe({ headers: ["a", "b"], datatype: ["str"] })).toThrowCode("TR_ERR_OPTION_CONFLICT", /"datatype"/);
    expect(() => new Dataframe({ rowCount: -1 })).toThrowCode("TR_ERR_OPTION_INVALID", /"rowCount"/);
    expect(() => new Dataframe({ colCount: [1.5, "fixed"] })).toThrowCode("TR_ERR_OPTION_INVALID", /"colCount"/);
    expect(() => new Dataframe({ value: [[1, 2], [3]] })).toThrowCode("TR_ERR_OPTION_INVALID", /"value".*row 1/);
  });
});

describe("Dataframe props and api info", () => {
  it("has Gradio's defaults: 3 columns named 1..3, one empty row", async () => {
    const d = new Dataframe();
    expect(d.type).toBe("dataframe");
    expect(d.className).toBe("Dataframe");
    expect(d.props()).toMatchObject({
      headers: ["1", "2", "3"],
      row_count: [1, "dynamic"],
      col_count: [3, "dynamic"],
      datatype: "str",
      type: "array",
      value: { headers: ["1", "2", "3"], data: [["", "", ""]], metadata: null },
    });
    expect(await d.initialValue()).toEqual({ headers: ["1", "2", "3"], data: [["", "", ""]], metadata: null });
  });
  it("derives columns from headers and fills empty rows by datatype", () => {
    const d = new Dataframe({ headers: ["name", "age", "ok"], datatype: ["str", "number", "bool"], rowCount: [2, "fixed"] });
    expect(d.props()).toMatchObject({
      col_count: [3, "dynamic"],
      row_count: [2, "fixed"],
      datatype: ["str", "number", "bool"],
      value: { headers: ["name", "age", "ok"], data: [["", 0, false], ["", 0, false]], metadata: null },
    });
  });
  it("describes DataframeData", () => {
    const info = new Dataframe().apiInfo() as { type: string; properties: Record<string, unknown>; required: string[] };
    expect(info.type).toBe("object");
    expect(Object.keys(info.properties)).toEqual(["headers", "data", "metadata"]);
    expect(info.required).toEqual(["headers", "data"]);
    expect(new Dataframe({ headers: ["a", "b"] }).exampleInput()).toEqual({ headers: ["a", "b"], data: [["", ""]], metadata: null });
    expect(new Dataframe().pythonType()).toMatch(/^Dict\(headers: List\[str\], data: List\[List\[Any\]\]/);
  });
});

describe("Dataframe preprocess", () => {
  const d = new Dataframe({ headers: ["name", "age", "member"], datatype: ["str", "number", "bool"] });
  it("returns rows, converting cells by datatype", () => {
    const payload = { headers: ["name", "age", "member"], data: [["Ada", "36", "true"], [7, 41.5, false], ["Bob", "", null]], metadata: null };
    expect(d.preprocess(payload)).toEqual([["Ada", 36, true], ["7", 41.5, false], ["Bob", null, null]]);
  });
  it("returns {headers, data} with type object", () => {
    const o = new Dataframe({ headers: ["x"], type: "object" });
    expect(o.preprocess({ headers: ["x"], data: [["1"]] })).toEqual({ headers: ["x"], data: [["1"]] });
    expect(o.preprocess(null)).toEqual({ headers: ["x"], data: [] });
  });
  it("treats [[]] and null as no rows", () => {
    expect(d.preprocess({ headers: ["name", "age", "member"], data: [[]] })).toEqual([]);
    expect(d.preprocess(null)).toEqual([]);
  });
  it("rejects non-numeric cells in number columns", () => {
    const bad = { headers: ["name", "age", "member"], data: [["Ada", "old", true]] };
    expect(() => d.preprocess(bad)).toThrow(ValidationError);
    expect(() => d.preprocess(bad)).toThrowCode("TR_ERR_INVALID_VALUE", /row 0, column "age"/);
    expect(() => d.preprocess({ headers: ["name", "age", "member"], data: [["Ada", 1, "maybe"]] })).toThrowCode("TR_ERR_INVALID_VALUE", /column "member"/);
  });
  it("rejects malformed tables", () => {
    expect(() => d.preprocess([["a"]])).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => d.preprocess({ headers: "a", data: [] })).toThrowCode("TR_ERR_INVALID_VALUE", /"headers"/);
    expect(() => d.preprocess({ headers: ["a"], data: {} })).toThrowCode("TR_ERR_INVALID_VALUE", /"data"/);
    expect(() => d.preprocess({ headers: ["name", "age", "member"], data: [["a", 1]] })).toThrowCode("TR_ERR_INVALID_VALUE", /row 0/);
    expect(() => d.preprocess({ headers: ["name", "age", "member"], data: [["a", 1, { x: 1 }]] })).toThrowCode("TR_ERR_INVALID_VALUE", /row 0, column "member"/);
  });
  it("enforces fixed row and column counts", () => {
    const fixed = new Dataframe({ headers: ["a"], rowCount: [1, "fixed"], colCount: [1, "fixed"] });
    expect(fixed.preprocess({ headers: ["a"], data: [["x"]] })).toEqual([["x"]]);
    expect(() => fixed.preprocess({ headers: ["a"], data: [["x"], ["y"]] })).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => fixed.preprocess({ headers: ["a", "b"], data: [["x", "y"]] })).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});

describe("Dataframe postprocess", () => {
  const d = new Dataframe({ headers: ["a", "b"] });
  it("accepts a 2-D array, fitting the headers to its width", () => {
    expect(d.postprocess([[1, "x"], [2, "y"]])).toEqual({ headers: ["a", "b"], data: [[1, "x"], [2, "y"]], metadata: null });
    expect(d.postprocess([[1, 2, 3]])).toEqual({ headers: ["a", "b", "3"], data: [[1, 2, 3]], metadata: null });
    expect(d.postprocess([[1]])).toEqual({ headers: ["a"], data: [[1]], metadata: null });
  });
  it("accepts {headers, data}", () => {
    expect(d.postprocess({ headers: ["p", "q"], data: [[true, null]] })).toEqual({ headers: ["p", "q"], data: [[true, null]], metadata: null });
    expect(d.postprocess({ data: [[1, 2]] })).toEqual({ headers: ["a", "b"], data: [[1, 2]], metadata: null });
  });
  it("accepts a list of row objects; their keys become the headers", () => {
    expect(d.postprocess([{ name: "Ada", age: 36 }, { name: "Bob", city: "Paris" }])).toEqual({
      headers: ["name", "age", "city"],
      data: [["Ada", 36, null], ["Bob", null, "Paris"]],
      metadata: null,
    });
  });
  it("sends an empty table as [[]] and null as the empty table", () => {
    expect(d.postprocess([])).toEqual({ headers: ["a", "b"], data: [[]], metadata: null });
    expect(d.postprocess(null as never)).toEqual({ headers: ["a", "b"], data: [["", ""]], metadata: null });
  });
  it("turns NaN and undefined cells into null", () => {
    expect(d.postprocess([[Number.NaN, undefined as never]])).toEqual({ headers: ["a", "b"], data: [[null, null]], metadata: null });
  });
  it("rejects ragged rows, bad cells and other values", () => {
    expect(() => d.postprocess([[1, 2], [3]])).toThrowCode("TR_ERR_INVALID_VALUE", /row 1/);
    expect(() => d.postprocess([[1, {}]] as never)).toThrowCode("TR_ERR_INVALID_VALUE", /row 0, column 1/);
    expect(() => d.postprocess({ headers: ["only"], data: [[1, 2]] })).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => d.postprocess("a,b" as never)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => d.postprocess([[1], "x"] as never)).toThrowCode("TR_ERR_INVALID_VALUE", /row 1/);
  });
});
