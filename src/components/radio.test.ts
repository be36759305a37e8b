import { describe, it, expect } from "vitest";
import { Radio } from "./radio.js";
import { ValidationError } from "../core/errors.js";

describe("Radio options", () => {
  it("rejects unknown options and wrong types", () => {
    expect(() => new Radio({ choice: ["a"] } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"choice"/);
    expect(() => new Radio({ choices: [["a", null]] } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"choices"/);
    expect(() => new Radio({ value: 1 } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"value"/); // not among the choices
    expect(() => new Radio({ type: "values" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /"type"/);
  });
  it("checks option semantics", () => {
    expect(() => new Radio({ choices: ["a", "b", "a"] })).toThrowCode("TR_ERR_OPTION_INVALID", /"choices".*"a"/);
    expect(() => new Radio({ choices: ["a"], value: "z" })).toThrowCode("TR_ERR_OPTION_INVALID", /"value" \("z"\).*choices: "a"/);
  });
});

describe("Radio props and api info", () => {
  it("describes itself like Gradio", async () => {
    const r = new Radio({ choices: [["Small", "s"], "m"], value: "m" });
    expect(r.type).toBe("radio");
    expect(r.className).toBe("Radio");
    expect(r.props()).toMatchObject({ choices: [["Small", "s"], ["m", "m"]], type: "value", value: "m" });
    expect(new Radio({ choices: ["a"] }).props().value).toBeNull();
    expect(await r.initialValue()).toBe("m");
    expect(r.apiInfo()).toEqual({ enum: ["s", "m"], title: "Radio", type: "string" });
    expect(r.exampleInput()).toBe("s");
    expect(r.pythonType()).toBe("Literal['s', 'm']");
    expect(new Radio().exampleInput()).toBeNull();
  });
});

describe("Radio preprocess", () => {
  const r = new Radio({ choices: ["a", ["Bee", "b"]] });
  it("returns the chosen value, or its index with type index", () => {
    expect(r.preprocess("b")).toBe("b");
    expect(new Radio({ choices: ["a", ["Bee", "b"]], type: "index" }).preprocess("b")).toBe(1);
  });
  it("gives null with no choice selected (refused when required), fails with an unknown choice", () => {
    expect(r.preprocess(null)).toBeNull();
    expect(() => new Radio({ choices: ["a", "b"], required: true }).preprocess(null)).toThrowCode("TR_ERR_REQUIRED", /required; choose one of: "a", "b"/);
    expect(() => r.preprocess("Bee")).toThrowCode("TR_ERR_INVALID_VALUE", /"Bee".*choices: "a", "b"/);
    expect(() => r.preprocess(0)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});

describe("Radio postprocess", () => {
  const r = new Radio({ choices: ["a", "b"] });
  it("passes a choice; null clears", () => {
    expect(r.postprocess("a")).toBe("a");
    expect(r.postprocess(null as never)).toBeNull();
  });
  it("rejects values outside the choices", () => {
    expect(() => r.postprocess("c")).toThrowCode("TR_ERR_INVALID_VALUE", /choices: "a", "b"/);
    expect(() => r.postprocess(1 as never)).toThrow(ValidationError);
  });
});
