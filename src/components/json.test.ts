import { describe, it, expect } from "vitest";
import { Json } from "./json.js";
import { ValidationError } from "../core/errors.js";

describe("Json options", () => {
  it("rejects unknown options, wrong types and unserialisable values", () => {
    expect(() => new Json({ indent: 2 } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"indent"/);
    expect(() => new Json({ open: "yes" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"open"/);
    expect(() => new Json({ value: { n: 1n } })).toThrowCode("TR_ERR_OPTION_INVALID", /"value".*BigInt 1n at n/);
  });
});

describe("Json props and api info", () => {
  it("matches Gradio's JSON component", async () => {
    const j = new Json({ value: { a: [1, 2] }, label: "Data" });
    expect(j.type).toBe("json");
    expect(j.className).toBe("JSON");
    expect(j.props()).toMatchObject({ label: "Data", value: { a: [1, 2] } });
    expect(new Json().props().value).toBeNull();
    expect(j.props().open).toBe(false);
    expect(new Json({ open: true }).props().open).toBe(true);
    expect(await j.initialValue()).toEqual({ a: [1, 2] });
    expect(j.apiInfo()).toEqual({ type: {}, description: "any valid json" });
    expect(j.exampleInput()).toEqual({ foo: "bar" });
    expect(j.pythonType()).toBe("Dict[Any, Any]");
  });
});

describe("Json preprocess", () => {
  it("passes any parsed JSON value through", () => {
    const j = new Json();
    const v = { a: [1, "x", null, true], b: { c: 2 } };
    expect(j.preprocess(v)).toBe(v);
    expect(j.preprocess("text")).toBe("text");
    expect(j.preprocess(null)).toBeNull();
    expect(j.preprocess(undefined)).toBeNull();
  });
});

describe("Json postprocess", () => {
  const j = new Json();
  it("returns a plain JSON copy", () => {
    const src = { a: 1, nested: { list: [1, "two", false, null] } };
    const out = j.postprocess(src);
    expect(out).toEqual(src);
    expect(out).not.toBe(src);
    expect(j.postprocess("just a string")).toBe("just a string");
    expect(j.postprocess(3)).toBe(3);
    expect(j.postprocess(null)).toBeNull();
    expect(j.postprocess(undefined)).toBeNull();
  });
  it("converts like JSON.stringify: toJSON, NaN → null, undefined properties dropped", () => {
    const d = new Date("2024-01-02T03:04:05.000Z");
    expect(j.postprocess({ d, n: Number.NaN, u: undefined, arr: [undefined] })).toEqual({ d: "2024-01-02T03:04:05.000Z", n: null, arr: [null] });
  });
  it("allows the same object twice when it is not a cycle", () => {
    const shared = { x: 1 };
    expect(j.postprocess([shared, shared])).toEqual([{ x: 1 }, { x: 1 }]);
  });
  it("rejects functions, BigInt, symbols, Map/Set and cycles, naming where", () => {
    expect(() => j.postprocess({ f: () => 1 })).toThrow(ValidationError);
    expect(() => j.postprocess({ f: () => 1 })).toThrowCode("TR_ERR_INVALID_VALUE", /a function at f/);
    expect(() => j.postprocess(() => 1)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => j.postprocess({ a: [{ big: 10n }] })).toThrowCode("TR_ERR_INVALID_VALUE", /BigInt 10n at a\[0\]\.big/);
    expect(() => j.postprocess({ s: Symbol("x") })).toThrowCode("TR_ERR_INVALID_VALUE", /a symbol at s/);
    expect(() => j.postprocess({ m: new Map() })).toThrowCode("TR_ERR_INVALID_VALUE", /a Map at m/);
    expect(() => j.postprocess({ "odd key": new Set() })).toThrowCode("TR_ERR_INVALID_VALUE", /a Set at \["odd key"\]/);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => j.postprocess(cyclic)).toThrowCode("TR_ERR_INVALID_VALUE", /circular structure at self/);
  });
});
