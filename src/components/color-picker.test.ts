import { describe, expect, it } from "vitest";
import { ColorPicker, normalizeHex } from "./color-picker.js";

describe("ColorPicker", () => {
  it("takes and gives hex colours, one spelling each", () => {
    const c = new ColorPicker({ value: "#ABC" });
    expect(c.type).toBe("colorpicker");
    expect(c.props().value).toBe("#aabbcc");
    expect(c.apiInfo()).toEqual({ type: "string" });
    expect(c.preprocess("#FF8800")).toBe("#ff8800");
    expect(c.preprocess("#f80c")).toBe("#ff8800cc");
    expect(c.postprocess("#123456")).toBe("#123456");
    expect(c.postprocess(null)).toBeNull();
    expect(normalizeHex("#abcd")).toBe("#aabbccdd");
  });

  it("refuses what is not a hex colour", () => {
    const c = new ColorPicker();
    expect(() => c.preprocess("red")).toThrowCode("TR_ERR_INVALID_VALUE", /hex/);
    expect(c.preprocess(null)).toBeNull();
    expect(() => new ColorPicker({ required: true }).preprocess(null)).toThrowCode("TR_ERR_REQUIRED", /pick a colour/);
    expect(() => c.postprocess("#12345" as string)).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => new ColorPicker({ value: "orange" })).toThrowCode("TR_ERR_OPTION_INVALID", /value/);
  });
});
