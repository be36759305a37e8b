import { describe, it, expect } from "vitest";
import { HighlightedText } from "./highlighted-text.js";
import { ValidationError } from "../core/errors.js";

describe("HighlightedText options", () => {
  it("rejects unknown options, wrong types and bad values", () => {
    expect(() => new HighlightedText({ colors: {} } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"colors"/);
    expect(() => new HighlightedText({ colorMap: { a: 1 } } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"colorMap"/);
    expect(() => new HighlightedText({ combineAdjacent: 1 } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"combineAdjacent"/);
    expect(() => new HighlightedText({ value: [["a"]] as never })).toThrowCode("TR_ERR_OPTION_INVALID", /"value".*item 0/);
  });
});

describe("HighlightedText props and api info", () => {
  it("gives Gradio's props, with the wire initial value", async () => {
    const h = new HighlightedText({ colorMap: { PER: "red" }, showLegend: true, value: [["Ada", "PER"], [" wrote", null]] });
    expect(h.type).toBe("highlightedtext");
    expect(h.className).toBe("HighlightedText");
    const wire = [
      { token: "Ada", class_or_confidence: "PER" },
      { token: " wrote", class_or_confidence: null },
    ];
    expect(h.props()).toMatchObject({ color_map: { PER: "red" }, show_legend: true, combine_adjacent: false, adjacent_separator: "", value: wire });
    expect(new HighlightedText().props()).toMatchObject({ color_map: null, show_legend: false, value: null });
    expect(await h.initialValue()).toEqual(wire);
  });
  it("describes a list of tokens", () => {
    const info = new HighlightedText().apiInfo() as { type: string; items: { required: string[] } };
    expect(info.type).toBe("array");
    expect(info.items.required).toEqual(["token", "class_or_confidence"]);
    expect(new HighlightedText().exampleInput()).toEqual([
      { token: "The ", class_or_confidence: null },
      { token: "fox", class_or_confidence: "animal" },
    ]);
    expect(new HighlightedText().pythonType()).toBe("List[Dict(token: str, class_or_confidence: str | float | None)]");
  });
});

describe("HighlightedText postprocess", () => {
  const h = new HighlightedText();
  it("turns pairs into tokens", () => {
    expect(h.postprocess([["The ", null], ["cat", "ANIMAL"], [" ", null], ["purrs", 0.75]])).toEqual([
      { token: "The ", class_or_confidence: null },
      { token: "cat", class_or_confidence: "ANIMAL" },
      { token: " ", class_or_confidence: null },
      { token: "purrs", class_or_confidence: 0.75 },
    ]);
    expect(h.postprocess(null as never)).toBeNull();
  });
  it("turns entities into spans covering the text, with nulls in the gaps", () => {
    const text = "Ada Lovelace lived in London.";
    const out = h.postprocess({
      text,
      entities: [
        { entity: "LOC", start: 22, end: 28 },
        { entity: "PER", start: 0, end: 12 },
      ],
    });
    expect(out).toEqual([
      { token: "Ada Lovelace", class_or_confidence: "PER" },
      { token: " lived in ", class_or_confidence: null },
      { token: "London", class_or_confidence: "LOC" },
      { token: ".", class_or_confidence: null },
    ]);
    expect(out?.map((t) => t.token).join("")).toBe(text);
  });
  it("accepts entity_group (grouped NER output) and text without entities", () => {
    expect(h.postprocess({ text: "Paris", entities: [{ entity_group: "LOC", start: 0, end: 5 }] })).toEqual([{ token: "Paris", class_or_confidence: "LOC" }]);
    expect(h.postprocess({ text: "nothing", entities: [] })).toEqual([{ token: "nothing", class_or_confidence: null }]);
  });
  it("rejects out-of-range, reversed and overlapping entities", () => {
    expect(() => h.postprocess({ text: "abc", entities: [{ entity: "X", start: 1, end: 9 }] })).toThrow(ValidationError);
    expect(() => h.postprocess({ text: "abc", entities: [{ entity: "X", start: 1, end: 9 }] })).toThrowCode("TR_ERR_INVALID_VALUE", /entities\[0\]/);
    expect(() => h.postprocess({ text: "abc", entities: [{ entity: "X", start: 2, end: 1 }] })).toThrowCode("TR_ERR_INVALID_VALUE", /entities\[0\]/);
    expect(() =>
      h.postprocess({ text: "abcdef", entities: [{ entity: "X", start: 0, end: 3 }, { entity: "Y", start: 2, end: 4 }] }),
    ).toThrowCode("TR_ERR_INVALID_VALUE", /entities\[1\]/);
    expect(() => h.postprocess({ text: "abc", entities: [{ start: 0, end: 1 }] } as never)).toThrowCode("TR_ERR_INVALID_VALUE", /"entity"/);
    expect(() => h.postprocess({ text: "abc", entities: [{ entity: "X", start: 0.5, end: 1 }] })).toThrowCode("TR_ERR_INVALID_VALUE", /"start" and "end"/);
  });
  it("rejects malformed pairs and other values", () => {
    expect(() => h.postprocess([["a", "b", "c"]] as never)).toThrowCode("TR_ERR_INVALID_VALUE", /item 0/);
    expect(() => h.postprocess([[1, null]] as never)).toThrowCode("TR_ERR_INVALID_VALUE", /item 0/);
    expect(() => h.postprocess([["a", {}]] as never)).toThrowCode("TR_ERR_INVALID_VALUE", /item 0/);
    expect(() => h.postprocess("text" as never)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
  it("merges neighbouring spans of one category with combineAdjacent", () => {
    const c = new HighlightedText({ combineAdjacent: true, adjacentSeparator: " " });
    expect(c.postprocess([["New", "LOC"], ["York", "LOC"], ["is", null], ["big", null], ["", "X"]])).toEqual([
      { token: "New York", class_or_confidence: "LOC" },
      { token: "is big", class_or_confidence: null },
    ]);
  });
});

describe("HighlightedText preprocess", () => {
  const h = new HighlightedText();
  it("turns tokens into pairs", () => {
    expect(
      h.preprocess([
        { token: "a", class_or_confidence: "X" },
        { token: "b", class_or_confidence: null },
        { token: "c", class_or_confidence: 0.5 },
      ]),
    ).toEqual([["a", "X"], ["b", null], ["c", 0.5]]);
    expect(h.preprocess(null)).toEqual([]);
  });
  it("rejects malformed tokens", () => {
    expect(() => h.preprocess("a")).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => h.preprocess([["a", null]])).toThrowCode("TR_ERR_INVALID_VALUE", /item 0/);
    expect(() => h.preprocess([{ token: 1, class_or_confidence: null }])).toThrowCode("TR_ERR_INVALID_VALUE", /"token"/);
    expect(() => h.preprocess([{ token: "a", class_or_confidence: true }])).toThrowCode("TR_ERR_INVALID_VALUE", /"class_or_confidence"/);
  });
});
