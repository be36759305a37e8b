import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Code } from "./code.js";

describe("Code", () => {
  it("has Gradio's props and languages", () => {
    const c = new Code({ language: "python", lines: 3, maxLines: 10, value: "print(1)" });
    expect(c.props()).toMatchObject({ language: "python", lines: 3, max_lines: 10, wrap_lines: false, show_line_numbers: true, value: "print(1)" });
    expect(c.apiInfo()).toEqual({ type: "string" });
    expect(new Code({ language: "sql-pgSQL" }).language).toBe("sql-pgSQL");
    expect(() => new Code({ language: "cobol" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /language/);
    expect(() => new Code({ lines: 5, maxLines: 2 })).toThrowCode("TR_ERR_OPTION_CONFLICT");
    expect(() => new Code({ value: 3 })).toThrowCode("TR_ERR_OPTION_INVALID", /value/);
  });

  it("passes code on as text, up to maxLength", () => {
    const c = new Code({ maxLength: 5 });
    expect(c.preprocess("x = 1")).toBe("x = 1");
    expect(c.preprocess(null)).toBe("");
    expect(() => c.preprocess("x = 10")).toThrowCode("TR_ERR_INVALID_VALUE", /maxLength of 5/);
    expect(() => c.preprocess(5)).toThrowCode("TR_ERR_INVALID_VALUE");
  });

  it("returns text, or a file's text for [path]", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tradio-code-"));
    try {
      const file = path.join(dir, "a.py");
      await writeFile(file, "print('hi')\n");
      const c = new Code();
      expect(await c.postprocess("a")).toBe("a");
      expect(await c.postprocess([file])).toBe("print('hi')\n");
      expect(await c.postprocess(null)).toBeNull();
      await expect(c.postprocess([path.join(dir, "missing.py")])).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
      await expect(c.postprocess(7 as never)).rejects.toThrowCode("TR_ERR_INVALID_VALUE");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
