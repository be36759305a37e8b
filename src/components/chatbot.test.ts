import { describe, it, expect } from "vitest";
import { Chatbot } from "./chatbot.js";
import { ValidationError } from "../core/errors.js";

describe("Chatbot options", () => {
  it("rejects unknown options, wrong types and bad values", () => {
    expect(() => new Chatbot({ width: 3 } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"width"/);
    expect(() => new Chatbot({ height: true } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"height"/);
    expect(() => new Chatbot({ rtl: "yes" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"rtl"/);
    expect(() => new Chatbot({ height: -5 })).toThrowCode("TR_ERR_OPTION_INVALID", /"height"/);
    expect(() => new Chatbot({ value: [["hi"]] as never })).toThrowCode("TR_ERR_OPTION_INVALID", /"value".*item 0/);
  });
});

describe("Chatbot props and api info", () => {
  it("gives Gradio's props in the tuples format", async () => {
    const c = new Chatbot({ height: 400, placeholder: "Say hi", value: [["hi", "hello"]] });
    expect(c.type).toBe("chatbot");
    expect(c.className).toBe("Chatbot");
    expect(c.props()).toMatchObject({
      type: "tuples",
      height: 400,
      placeholder: "Say hi",
      rtl: false,
      sanitize_html: true,
      render_markdown: true,
      latex_delimiters: [{ left: "$$", right: "$$", display: true }],
      value: [["hi", "hello"]],
    });
    expect(new Chatbot().props().value).toEqual([]);
    expect(new Chatbot({ height: "50vh" }).props().height).toBe("50vh");
    expect(await c.initialValue()).toEqual([["hi", "hello"]]);
  });
  it("describes a list of pairs", () => {
    const info = new Chatbot().apiInfo() as { type: string; items: { type: string; minItems: number; maxItems: number } };
    expect(info.type).toBe("array");
    expect(info.items).toMatchObject({ type: "array", minItems: 2, maxItems: 2 });
    expect(new Chatbot().exampleInput()).toEqual([["Hello!", null]]);
    expect(new Chatbot().pythonType()).toBe("List[Tuple[str | None, str | None]]");
  });
});

describe("Chatbot preprocess", () => {
  const c = new Chatbot();
  it("passes pairs of strings or nulls; null is an empty history", () => {
    expect(c.preprocess([["hi", "hello"], ["how are you?", null]])).toEqual([["hi", "hello"], ["how are you?", null]]);
    expect(c.preprocess(null)).toEqual([]);
    expect(c.preprocess([[1, 2]])).toEqual([["1", "2"]]);
  });
  it("rejects malformed histories", () => {
    expect(() => c.preprocess("hi")).toThrow(ValidationError);
    expect(() => c.preprocess("hi")).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => c.preprocess([["a", "b", "c"]])).toThrowCode("TR_ERR_INVALID_VALUE", /item 0/);
    expect(() => c.preprocess([["a", { file: "x" }]])).toThrowCode("TR_ERR_INVALID_VALUE", /item 0, bot message/);
    expect(() => c.preprocess(["a"])).toThrowCode("TR_ERR_INVALID_VALUE", /item 0/);
  });
});

describe("Chatbot postprocess", () => {
  const c = new Chatbot();
  it("passes pairs, converting numbers; null is empty", () => {
    expect(c.postprocess([["q", "a"], [null, "more"]])).toEqual([["q", "a"], [null, "more"]]);
    expect(c.postprocess([["2+2", 4]] as never)).toEqual([["2+2", "4"]]);
    expect(c.postprocess(null as never)).toEqual([]);
    expect(c.postprocess([])).toEqual([]);
  });
  it("sends message text raw (no HTML escaping or Markdown rendering)", () => {
    expect(c.postprocess([["**bold** <b>", "`code`"]])).toEqual([["**bold** <b>", "`code`"]]);
  });
  it("turns the messages format into pairs", () => {
    expect(
      c.postprocess([
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
        { role: "assistant", content: "anything else?" },
        { role: "user", content: "no" },
      ]),
    ).toEqual([["hi", "hello"], [null, "anything else?"], ["no", null]]);
  });
  it("rejects bad return values", () => {
    expect(() => c.postprocess([["a"]] as never)).toThrowCode("TR_ERR_INVALID_VALUE", /item 0/);
    expect(() => c.postprocess([["a", true]] as never)).toThrowCode("TR_ERR_INVALID_VALUE", /item 0, bot message/);
    expect(() => c.postprocess([{ role: "system", content: "x" }] as never)).toThrowCode("TR_ERR_INVALID_VALUE", /"user" or "assistant"/);
    expect(() => c.postprocess("hi" as never)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});
