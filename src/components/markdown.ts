import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

/** A pair of LaTeX delimiters, as Gradio's `latex_delimiters` lists them. */
export interface LatexDelimiter {
  left: string;
  right: string;
  display: boolean;
}

export interface MarkdownOptions extends ComponentOptions {
  /** Initial Markdown. */
  value?: string;
  /** Right-to-left text. */
  rtl?: boolean;
  /** Delimiters of LaTeX to render; Gradio's default is `$$…$$` only. An empty list turns LaTeX off. */
  latexDelimiters?: LatexDelimiter[];
  /** Sanitise the HTML the Markdown produces (default true). */
  sanitizeHtml?: boolean;
  /** A single newline breaks the line (default false, as in Markdown). */
  lineBreaks?: boolean;
  /** Anchor links on headings. */
  headerLinks?: boolean;
}

/** Gradio's default `latex_delimiters` for Markdown. */
export const DEFAULT_LATEX_DELIMITERS: readonly LatexDelimiter[] = [{ left: "$$", right: "$$", display: true }];

function isDelimiterList(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.every(
      (d) =>
        d !== null &&
        typeof d === "object" &&
        typeof d.left === "string" &&
        d.left !== "" &&
        typeof d.right === "string" &&
        d.right !== "" &&
        typeof d.display === "boolean",
    )
  );
}

/**
 * Markdown, rendered by the page (the server sends the text). Gradio shortcut: "markdown". Like Gradio,
 * returned text is dedented (`inspect.cleandoc`), so an indented template literal renders as written.
 *
 * @example
 * new tr.Markdown({ value: "## Summary\n*Nothing yet.*" })
 */
export class Markdown extends Component<string, string> {
  readonly type = "markdown";
  readonly className = "Markdown";
  readonly rtl: boolean;
  readonly latexDelimiters: LatexDelimiter[];
  readonly sanitizeHtml: boolean;
  readonly lineBreaks: boolean;
  readonly headerLinks: boolean;

  constructor(opts: MarkdownOptions = {}) {
    super(opts);
    this.rtl = opts.rtl ?? false;
    this.latexDelimiters = (opts.latexDelimiters ?? DEFAULT_LATEX_DELIMITERS).map((d) => ({ left: d.left, right: d.right, display: d.display }));
    this.sanitizeHtml = opts.sanitizeHtml ?? true;
    this.lineBreaks = opts.lineBreaks ?? false;
    this.headerLinks = opts.headerLinks ?? false;
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      value: "string",
      rtl: "boolean",
      latexDelimiters: isDelimiterList,
      sanitizeHtml: "boolean",
      lineBreaks: "boolean",
      headerLinks: "boolean",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      rtl: this.rtl,
      latex_delimiters: this.latexDelimiters.map((d) => ({ ...d })),
      sanitize_html: this.sanitizeHtml,
      line_breaks: this.lineBreaks,
      header_links: this.headerLinks,
      value: typeof this.value === "string" ? cleandoc(this.value) : "",
    };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return typeof this.value === "string" ? cleandoc(this.value) : "";
  }

  apiInfo(): JSONSchema {
    return { type: "string" };
  }
  exampleInput(): unknown {
    return "# Hello!";
  }
  override pythonType(): string {
    return "str";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): string {
    if (payload === null || payload === undefined) return "";
    if (typeof payload !== "string") this.fail(`expected a string of Markdown, got ${describe(payload)}`);
    return payload;
  }

  postprocess(value: string, _ctx?: ComponentContext): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    if (typeof value !== "string") this.fail(`the function returned ${describe(value)}, expected a string of Markdown`);
    return cleandoc(value);
  }
}

/**
 * Python's `inspect.cleandoc`: strips the first line's leading whitespace, removes the indentation the
 * other lines share, and drops blank lines at the start and the end.
 */
export function cleandoc(text: string): string {
  const lines = text.split(/\r?\n/);
  let margin = Infinity;
  for (const line of lines.slice(1)) {
    const content = line.trimStart();
    if (content !== "") margin = Math.min(margin, line.length - content.length);
  }
  const out = lines.map((line, i) => (i === 0 ? line.trimStart() : margin === Infinity ? line : line.slice(margin)));
  while (out.length > 0 && out[out.length - 1].trim() === "") out.pop();
  while (out.length > 0 && out[0].trim() === "") out.shift();
  return out.join("\n");
}
