import { describe, it, expect } from "vitest";
import { isChoiceSpecList, literalType, normalizeChoices, pyRepr } from "./choices.js";

describe("choices helpers", () => {
  it("normalises strings and [label, value] pairs", () => {
    expect(normalizeChoices("X", ["a", ["Bee", "b"]])).toEqual([["a", "a"], ["Bee", "b"]]);
    expect(normalizeChoices("X", undefined)).toEqual([]);
  });
  it("refuses a value given twice", () => {
    expect(() => normalizeChoices("X", ["a", ["A", "a"]])).toThrowCode("TR_ERR_OPTION_INVALID", /^X: .*"choices".*"a"/);
  });
  it("recognises valid choice lists", () => {
    expect(isChoiceSpecList(["a", ["b", "c"]])).toBe(true);
    expect(isChoiceSpecList([1, ["One", 1], ["Half", 0.5]])).toBe(true);
    expect(isChoiceSpecList([true])).toBe(false);
    expect(isChoiceSpecList([NaN])).toBe(false);
    expect(isChoiceSpecList([["a"]])).toBe(false);
    expect(isChoiceSpecList("a")).toBe(false);
  });
  it("writes Python literals like repr()", () => {
    expect(pyRepr("a")).toBe("'a'");
    expect(pyRepr("it's")).toBe(`"it's"`);
    expect(pyRepr(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(literalType(["a", "b"])).toBe("Literal['a', 'b']");
    expect(literalType([])).toBe("str");
  });
});
