import { readFile } from "node:fs/promises";
import path from "node:path";
import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import { describe, isPositiveInt, type OptionKind, describeName } from "../core/options.js";

/** Gradio's Code languages; the page highlights each with a CodeMirror 6 language, loaded when it is shown. */
export const CODE_LANGUAGES = [
  "python",
  "c",
  "cpp",
  "markdown",
  "latex",
  "json",
  "html",
  "css",
  "javascript",
  "jinja2",
  "typescript",
  "yaml",
  "dockerfile",
  "shell",
  "r",
  "sql",
  "sql-msSQL",
  "sql-mySQL",
  "sql-mariaDB",
  "sql-sqlite",
  "sql-cassandra",
  "sql-plSQL",
  "sql-hive",
  "sql-pgSQL",
  "sql-gql",
  "sql-gpSQL",
  "sql-sparkSQL",
  "sql-esper",
] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

export interface CodeOptions extends ComponentOptions {
  /** Highlighting; none by default (plain text). */
  language?: CodeLanguage | null;
  /** Lines shown at least. Default 5. */
  lines?: number;
  /** Lines shown before the editor scrolls. Default none (it grows). */
  maxLines?: number;
  /** Wrap long lines instead of scrolling sideways. Default false. */
  wrapLines?: boolean;
  showLineNumbers?: boolean;
  /** Longest code accepted from a client, in characters. Default 1 000 000. */
  maxLength?: number;
}

/**
 * Source code: an editor with highlighting and line numbers as an input (CodeMirror 6, loaded only on
 * pages that show code), highlighted read-only text as an output. Gradio shortcut: "code".
 *
 * The function receives the code as a string and returns a string (or `[path]`, Gradio's way of
 * returning a file's contents).
 *
 * @example
 * new tr.Code({ language: "python", label: "Script", lines: 10 })
 */
export class Code extends Component<string, string | readonly [string] | null, string | null> {
  readonly type = "code";
  readonly className = "Code";
  readonly language: CodeLanguage | null;
  readonly lines: number;
  readonly maxLines: number | undefined;
  readonly wrapLines: boolean;
  readonly showLineNumbers: boolean;
  readonly maxLength: number;

  constructor(opts: CodeOptions = {}) {
    super(opts);
    this.language = opts.language ?? null;
    this.lines = opts.lines ?? 5;
    this.maxLines = opts.maxLines;
    this.wrapLines = opts.wrapLines ?? false;
    this.showLineNumbers = opts.showLineNumbers ?? true;
    this.maxLength = opts.maxLength ?? 1_000_000;
    if (opts.value !== undefined && opts.value !== null && typeof opts.value !== "string") {
      throw new OptionError("TR_ERR_OPTION_INVALID", `Code: option "value" must be a string, got ${describe(opts.value)}`);
    }
    if (this.maxLines !== undefined && this.maxLines < this.lines) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `Code: "maxLines" (${this.maxLines}) is less than "lines" (${this.lines})`);
    }
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      language: (v) => v === null || (CODE_LANGUAGES as readonly unknown[]).includes(v),
      lines: isPositiveInt,
      maxLines: isPositiveInt,
      wrapLines: "boolean",
      showLineNumbers: "boolean",
      maxLength: isPositiveInt,
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      value: typeof this.value === "string" ? this.value : null,
      language: this.language,
      lines: this.lines,
      max_lines: this.maxLines ?? null,
      wrap_lines: this.wrapLines,
      show_line_numbers: this.showLineNumbers,
      autocomplete: false,
    };
  }

  apiInfo(): JSONSchema {
    return { type: "string" };
  }
  exampleInput(): unknown {
    return "print('Hello World')";
  }
  override pythonType(): string {
    return "str";
  }

  preprocess(payload: unknown): string {
    if (payload === null || payload === undefined) return "";
    if (typeof payload !== "string") this.fail(`expected code as a string, got ${describe(payload)}`);
    if (payload.length > this.maxLength) this.fail(`the code is ${payload.length} characters long, more than this editor's maxLength of ${this.maxLength}`);
    return payload;
  }

  async postprocess(value: string | readonly [string] | null): Promise<string | null> {
    if (value === null || value === undefined) return null;
    if (typeof value === "string") return value;
    if (Array.isArray(value) && value.length === 1 && typeof value[0] === "string") {
      try {
        return await readFile(value[0], "utf8");
      } catch {
        this.fail(`could not read the file ${describeName(value[0])}`);
      }
    }
    this.fail(`the function returned ${describe(value)}, expected a string (or [path] to show a file)`);
  }
}
