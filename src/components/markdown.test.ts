import { describe, it, expect } from "vitest";
import { Markdown, cleandoc } from "./markdown.js";
import { ValidationError } from "../core/errors.js";

describe("Markdown options", () => {
  it("rejects unknown options and wrong types", () => {
    expect(() => new Markdown({ sanitize: true } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"sanitize"/);
    expect(() => new Markdown({ rtl: 1 } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"rtl"/);
    expect(() => new Markdown({ latexDelimiters: [{ left: "$" }] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"latexDelimiters"/);
    expect(() => new Markdown({ latexDelimiters: [{ left: "", right: "$", display: false }] })).toThrowCode("TR_ERR_OPTION_INVALID", /"latexDelimiters"/);
  });
});

describe("Markdown props and api info", () => {
  it("gives Gradio's defaults", async () => {
    const m = new Markdown({ value: "  # Title\n  text" });
    expect(m.type).toBe("markdown");
    expect(m.className).toBe("Markdown");
    expect(m.props()).toMatchObject({
      value: "# Title\ntext",
      rtl: false,
      sanitize_html: true,
      line_breaks: false,
      header_links: false,
      latex_delimiters: [{ left: "$$", right: "$$", display: true }],
    });
    expect(new Markdown().props().value).toBe("");
    expect(await m.initialValue()).toBe("# Title\ntext");
    expect(m.apiInfo()).toEqual({ type: "string" });
    expect(m.pythonType()).toBe("str");
    expect(typeof m.exampleInput()).toBe("string");
  });
  it("takes custom delimiters and sanitizeHtml", () => {
    const m = new Markdown({ latexDelimiters: [{ left: "$", right: "$", display: false }], sanitizeHtml: false });
    expect(m.props()).toMatchObject({ latex_delimiters: [{ left: "$", right: "$", display: false }], sanitize_html: false });
  });
});

describe("Markdown preprocess and postprocess", () => {
  const m = new Markdown();
  it("preprocesses strings; rejects others", () => {
    expect(m.preprocess("**x**")).toBe("**x**");
    expect(m.preprocess(null)).toBe("");
    expect(() => m.preprocess(1)).toThrow(ValidationError);
    expect(() => m.preprocess(1)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
  it("postprocesses strings, dedented like Gradio; keeps relative indentation", () => {
    const src = `
      # Heading

      Some text
          indented code
    `;
    expect(m.postprocess(src)).toBe("# Heading\n\nSome text\n    indented code");
    expect(m.postprocess("<b>raw</b> **md**")).toBe("<b>raw</b> **md**");
    expect(m.postprocess(null as never)).toBeNull();
    expect(() => m.postprocess(["x"] as never)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});

describe("cleandoc", () => {
  it("behaves like Python's inspect.cleandoc", () => {
    expect(cleandoc("  first\n    second\n      third\n")).toBe("first\nsecond\n  third");
    expect(cleandoc("\n\n  a\n  b\n\n")).toBe("a\nb");
    expect(cleandoc("plain")).toBe("plain");
    expect(cleandoc("")).toBe("");
  });
});
