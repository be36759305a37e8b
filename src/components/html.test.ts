import { describe, it, expect } from "vitest";
import { HTML } from "./html.js";
import { ValidationError } from "../core/errors.js";

describe("HTML", () => {
  it("validates options", () => {
    expect(() => new HTML({ sanitize: true } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"sanitize"/);
    expect(() => new HTML({ value: 1 } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"value"/);
  });
  it("gives props and api info", async () => {
    const h = new HTML({ value: "<b>hi</b>" });
    expect(h.type).toBe("html");
    expect(h.className).toBe("HTML");
    expect(h.props()).toMatchObject({ value: "<b>hi</b>" });
    expect(new HTML().props().value).toBe("");
    expect(await h.initialValue()).toBe("<b>hi</b>");
    expect(h.apiInfo()).toEqual({ type: "string" });
    expect(h.exampleInput()).toBe("<p>Hello</p>");
    expect(h.pythonType()).toBe("str");
  });
  it("preprocesses strings; null is empty", () => {
    const h = new HTML();
    expect(h.preprocess("<i>x</i>")).toBe("<i>x</i>");
    expect(h.preprocess(null)).toBe("");
    expect(() => h.preprocess(5)).toThrow(ValidationError);
    expect(() => h.preprocess({})).toThrowCode("TR_ERR_INVALID_VALUE");
  });
  it("postprocesses strings unchanged; numbers become text; objects fail", () => {
    const h = new HTML();
    expect(h.postprocess("<div>  raw  </div>")).toBe("<div>  raw  </div>");
    expect(h.postprocess(42 as never)).toBe("42");
    expect(h.postprocess(null as never)).toBeNull();
    expect(() => h.postprocess({} as never)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});
