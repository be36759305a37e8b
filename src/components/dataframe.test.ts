import { describe, it, expect } from "vitest";
import { Dataframe } from "./dataframe.js";
import { ValidationError } from "../core/errors.js";
import { resolveComponent } from "./registry.js";

describe("Dataframe options", () => {
  it("rejects unknown options and wrong types", () => {
    expect(() => new Dataframe({ columns: ["a"] } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"columns"/);
    expect(() => new Dataframe({ headers: [1] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"headers"/);
    expect(() => new Dataframe({ datatype: "int" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"datatype"/);
    expect(() => new Dataframe({ rowCount: [2, "static"] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"rowCount"/);
    expect(() => new Dataframe({ type: "pandas" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"type" must be one of "array", "object", "numpy"/);
    expect(() => new Dataframe({ columnCount: [2, "static"] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"columnCount" must be a number or \[n, "fixed" \| "dynamic"\], got an array/);
    expect(() => new Dataframe({ columnLimits: [1] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"columnLimits"/);
    expect(() => new Dataframe({ columnLimits: [-1, 3] })).toThrowCode("TR_ERR_OPTION_INVALID", /"columnLimits"/);
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

describe("Dataframe Gradio 4/5 options", () => {
  it("takes columnCount beside colCount, and refuses the two when they disagree", () => {
    expect(new Dataframe({ columnCount: [2, "fixed"] }).props()).toMatchObject({ col_count: [2, "fixed"], headers: ["1", "2"] });
    expect(new Dataframe({ columnCount: 4 }).props()).toMatchObject({ col_count: [4, "dynamic"] });
    expect(new Dataframe({ colCount: 2, columnCount: [2, "dynamic"] }).colCount).toEqual([2, "dynamic"]);
    expect(() => new Dataframe({ colCount: 2, columnCount: 3 })).toThrowCode("TR_ERR_OPTION_CONFLICT", /"colCount".*"columnCount"/);
    expect(() => new Dataframe({ colCount: [2, "fixed"], columnCount: [2, "dynamic"] })).toThrowCode("TR_ERR_OPTION_CONFLICT", /"colCount".*"columnCount"/);
    expect(() => new Dataframe({ headers: ["a"], columnCount: 2 })).toThrowCode("TR_ERR_OPTION_CONFLICT", /"headers".*"columnCount" is 2/);
    expect(() => new Dataframe({ columnCount: -2 })).toThrowCode("TR_ERR_OPTION_INVALID", /"columnCount"/);
  });

  it("refuses a value of the wrong size when rows or columns are fixed, naming the component and the count", () => {
    const d = new Dataframe({ label: "grid", rowCount: [2, "fixed"], columnCount: [2, "fixed"] });
    expect(d.preprocess({ headers: ["1", "2"], data: [[1, 2], [3, 4]] })).toEqual([["1", "2"], ["3", "4"]]);
    expect(() => d.preprocess({ headers: ["1", "2"], data: [[1, 2]] })).toThrowCode("TR_ERR_INVALID_VALUE", /^Dataframe "grid": expected 2 rows \(the row count is fixed\), got 1$/);
    expect(() => d.preprocess({ headers: ["1", "2", "3"], data: [[1, 2, 3], [4, 5, 6]] })).toThrowCode(
      "TR_ERR_INVALID_VALUE",
      /^Dataframe "grid": expected 2 columns \(the column count is fixed\), got 3$/,
    );
    // dynamic counts take any size
    const free = new Dataframe({ rowCount: [1, "dynamic"], columnCount: [1, "dynamic"] });
    expect(free.preprocess({ headers: ["a", "b"], data: [["x", "y"], ["z", "w"]] })).toEqual([["x", "y"], ["z", "w"]]);
  });

  it("enforces columnLimits on values in and out, and on the options", () => {
    const d = new Dataframe({ label: "t", columnCount: 2, columnLimits: [2, 3] });
    expect(d.props()).toMatchObject({ column_limits: [2, 3], col_count: [2, "dynamic"] });
    expect(d.preprocess({ headers: ["a", "b", "c"], data: [["1", "2", "3"]] })).toEqual([["1", "2", "3"]]);
    expect(() => d.preprocess({ headers: ["a", "b", "c", "d"], data: [["1", "2", "3", "4"]] })).toThrowCode("TR_ERR_INVALID_VALUE", /Dataframe "t": got 4 columns; columnLimits allows 2 to 3/);
    expect(() => d.preprocess({ headers: ["a"], data: [["1"]] })).toThrowCode("TR_ERR_INVALID_VALUE", /got 1 columns; columnLimits allows 2 to 3/);
    expect(d.postprocess([[1, 2, 3]]).headers).toHaveLength(3);
    expect(() => d.postprocess([[1, 2, 3, 4]])).toThrowCode("TR_ERR_INVALID_VALUE", /the function returned a table with 4 columns; columnLimits allows 2 to 3/);
    expect(() => d.postprocess({ headers: ["x"], data: [] })).toThrowCode("TR_ERR_INVALID_VALUE", /1 columns/);
    const open = new Dataframe({ columnLimits: [null, 3] });
    expect(() => open.preprocess({ headers: ["a", "b", "c", "d"], data: [] })).toThrowCode("TR_ERR_INVALID_VALUE", /at most 3/);
    expect(open.preprocess({ headers: [], data: [] })).toEqual([]);
    expect(() => new Dataframe({ columnLimits: [4, 2] })).toThrowCode("TR_ERR_OPTION_INVALID", /min 4 above max 2/);
    expect(() => new Dataframe({ columnLimits: [4, null] })).toThrowCode("TR_ERR_OPTION_CONFLICT", /3 columns, outside option "columnLimits"/);
    expect(() => new Dataframe({ columnLimits: [1, 2], columnCount: 2, value: [[1, 2, 3]] })).toThrowCode("TR_ERR_OPTION_CONFLICT", /"value" has 3 columns/);
    expect(new Dataframe({ columnLimits: null }).columnLimits).toBeNull();
  });

  it('gives rows of numbers with type "numpy", naming a non-numeric cell', () => {
    const d = new Dataframe({ label: "m", type: "numpy", headers: ["x", "y"] });
    expect(d.props()).toMatchObject({ type: "numpy", datatype: "number" });
    expect(d.preprocess({ headers: ["x", "y"], data: [[1, "2.5"], [true, -3]] })).toEqual([[1, 2.5], [1, -3]]);
    const withEmpty = d.preprocess({ headers: ["x", "y"], data: [[null, ""]] });
    expect(withEmpty[0].every(Number.isNaN)).toBe(true);
    expect(() => d.preprocess({ headers: ["x", "y"], data: [[1, 2], [3, "abc"]] })).toThrowCode(
      "TR_ERR_INVALID_VALUE",
      /^Dataframe "m": row 1, column "y": type "numpy" needs a number, got the string "abc"$/,
    );
    expect(() => d.preprocess({ headers: ["x", "y"], data: [[{}, 2]] })).toThrowCode("TR_ERR_INVALID_VALUE", /row 0, column "x"/);
    // an explicit datatype wins; the cells must still be numbers
    expect(new Dataframe({ type: "numpy", datatype: "str" }).props().datatype).toBe("str");
    expect(d.postprocess([[1, Number.NaN]])).toEqual({ headers: ["x", "y"], data: [[1, null]], metadata: null });
    expect(d.exampleInput()).toEqual({ headers: ["x", "y"], data: [[0, 0]], metadata: null });
  });

  it("bounds the api schema and the MCP tool schema by the counts and limits", () => {
    const fixed = new Dataframe({ type: "numpy", rowCount: [2, "fixed"], columnCount: [3, "fixed"] });
    const info = fixed.apiInfo() as any;
    expect(info.properties.headers).toMatchObject({ minItems: 3, maxItems: 3 });
    expect(info.properties.data).toMatchObject({ minItems: 2, maxItems: 2, items: { minItems: 3, maxItems: 3, items: { anyOf: [{ type: "number" }, { type: "null" }] } } });
    expect(fixed.toolSchema()).toEqual({
      type: "array",
      description: "rows of numbers; columns: 1, 2, 3",
      minItems: 2,
      maxItems: 2,
      items: { type: "array", minItems: 3, maxItems: 3, items: { type: ["number", "null"] } },
    });
    const limited = new Dataframe({ columnLimits: [1, 4] });
    expect((limited.apiInfo() as any).properties.data).not.toHaveProperty("minItems");
    expect((limited.apiInfo() as any).properties.data.items).toMatchObject({ minItems: 1, maxItems: 4 });
    expect(limited.toolSchema()).toMatchObject({ items: { minItems: 1, maxItems: 4, items: { type: ["string", "number", "boolean", "null"] } } });
    const plain = new Dataframe().apiInfo() as any;
    expect(plain.properties.data).not.toHaveProperty("maxItems");
    expect(plain.properties.data.items).not.toHaveProperty("maxItems");
  });

  it('makes a numpy Dataframe from the "numpy" shortcut, in any case', () => {
    for (const name of ["numpy", "Numpy"]) {
      const c = resolveComponent(name, "inputs") as Dataframe<"numpy">;
      expect(c).toBeInstanceOf(Dataframe);
      expect(c.inputType).toBe("numpy");
      expect(c.preprocess({ headers: ["1", "2", "3"], data: [["1", 2, "3e2"]] })).toEqual([[1, 2, 300]]);
    }
  });

  it("turns bare rows into the wire value with its headers fitted", () => {
    expect(new Dataframe({ headers: ["a", "b"] }).rowsToWire([[1, 2, 3]])).toEqual({ headers: ["a", "b", "3"], data: [[1, 2, 3]], metadata: null });
    expect(new Dataframe({ headers: ["a", "b"] }).rowsToWire([])).toEqual({ headers: ["a", "b"], data: [], metadata: null });
  });
});
