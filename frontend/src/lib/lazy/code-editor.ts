// The Code component's editor and highlighter: CodeMirror 6. Imported dynamically by the Code view, so
// CodeMirror is a chunk of its own, and each language is a further chunk loaded when it is shown.
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, placeholder } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { StreamLanguage, bracketMatching, indentOnInput, syntaxHighlighting, type StreamParser } from "@codemirror/language";
import { classHighlighter } from "@lezer/highlight";

const legacy = (load: () => Promise<StreamParser<unknown>>) => async (): Promise<Extension> => StreamLanguage.define(await load());
const sqlDialect = (name: "MSSQL" | "MySQL" | "MariaSQL" | "SQLite" | "Cassandra" | "PLSQL" | "PostgreSQL") => async (): Promise<Extension> => {
  const m = await import("@codemirror/lang-sql");
  return m.sql({ dialect: m[name] });
};
const legacySql = (name: "hive" | "gql" | "gpSQL" | "sparkSQL" | "esper") => legacy(async () => (await import("@codemirror/legacy-modes/mode/sql"))[name]);

/** Gradio's Code languages → CodeMirror language support, each loaded on first use. */
const LANGUAGES: Record<string, () => Promise<Extension>> = {
  python: async () => (await import("@codemirror/lang-python")).python(),
  javascript: async () => (await import("@codemirror/lang-javascript")).javascript(),
  typescript: async () => (await import("@codemirror/lang-javascript")).javascript({ typescript: true }),
  json: async () => (await import("@codemirror/lang-json")).json(),
  html: async () => (await import("@codemirror/lang-html")).html(),
  css: async () => (await import("@codemirror/lang-css")).css(),
  markdown: async () => (await import("@codemirror/lang-markdown")).markdown(),
  c: async () => (await import("@codemirror/lang-cpp")).cpp(),
  cpp: async () => (await import("@codemirror/lang-cpp")).cpp(),
  yaml: async () => (await import("@codemirror/lang-yaml")).yaml(),
  jinja2: async () => (await import("@codemirror/lang-jinja")).jinja(),
  sql: async () => (await import("@codemirror/lang-sql")).sql(),
  "sql-msSQL": sqlDialect("MSSQL"),
  "sql-mySQL": sqlDialect("MySQL"),
  "sql-mariaDB": sqlDialect("MariaSQL"),
  "sql-sqlite": sqlDialect("SQLite"),
  "sql-cassandra": sqlDialect("Cassandra"),
  "sql-plSQL": sqlDialect("PLSQL"),
  "sql-pgSQL": sqlDialect("PostgreSQL"),
  "sql-hive": legacySql("hive"),
  "sql-gql": legacySql("gql"),
  "sql-gpSQL": legacySql("gpSQL"),
  "sql-sparkSQL": legacySql("sparkSQL"),
  "sql-esper": legacySql("esper"),
  shell: legacy(async () => (await import("@codemirror/legacy-modes/mode/shell")).shell),
  r: legacy(async () => (await import("@codemirror/legacy-modes/mode/r")).r),
  dockerfile: legacy(async () => (await import("@codemirror/legacy-modes/mode/dockerfile")).dockerFile),
  latex: legacy(async () => (await import("@codemirror/legacy-modes/mode/stex")).stex),
};

export interface EditorOptions {
  doc: string;
  language: string | null;
  editable: boolean;
  lineNumbers: boolean;
  wrap: boolean;
  /** Lines shown at least, and at most before scrolling (null: it grows). */
  lines: number;
  maxLines: number | null;
  label: string;
  /** The id of what describes the editor to screen readers. */
  describedby?: string;
  onChange?: (text: string) => void;
  onSubmit?: () => void;
}

export interface Editor {
  setDoc(text: string): void;
  destroy(): void;
}

/** The page's look, from its CSS variables (both themes); token colours are classes (tok-*) styled by the view. */
function theme(lines: number, maxLines: number | null): Extension {
  return EditorView.theme({
    "&": { backgroundColor: "var(--input-bg)", color: "var(--text)", fontSize: "0.875rem", borderRadius: "var(--radius)" },
    "&.cm-focused": { outline: "none" },
    ".cm-scroller": {
      fontFamily: "var(--font-mono)",
      lineHeight: "1.5",
      minHeight: `calc(${lines} * 1.5em + 8px)`,
      ...(maxLines ? { maxHeight: `calc(${maxLines} * 1.5em + 8px)` } : {}),
      overflow: "auto",
    },
    ".cm-content": { caretColor: "var(--primary)", padding: "4px 0" },
    ".cm-gutters": { backgroundColor: "var(--panel)", color: "var(--muted)", border: "none", borderRight: "1px solid var(--border)" },
    ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--primary) 6%, transparent)" },
    ".cm-activeLineGutter": { backgroundColor: "color-mix(in srgb, var(--primary) 10%, transparent)" },
    "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "color-mix(in srgb, var(--primary) 25%, transparent)" },
    ".cm-cursor": { borderLeftColor: "var(--primary)" },
  });
}

export async function mountEditor(parent: HTMLElement, opts: EditorOptions): Promise<Editor> {
  const language = new Compartment();
  // Values set from outside (an example, a result) are not edits: they are not reported back.
  let applying = false;
  const loadLanguage = LANGUAGES[opts.language ?? ""];
  const extensions: Extension[] = [
    theme(opts.lines, opts.maxLines),
    syntaxHighlighting(classHighlighter),
    language.of([]),
    EditorView.contentAttributes.of({ "aria-label": opts.label, ...(opts.describedby ? { "aria-describedby": opts.describedby } : {}) }),
  ];
  if (opts.lineNumbers) extensions.push(lineNumbers());
  if (opts.wrap) extensions.push(EditorView.lineWrapping);
  if (opts.editable) {
    extensions.push(
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      highlightActiveLineGutter(),
      placeholder("Write code here"),
      keymap.of([{ key: "Mod-Enter", run: () => (opts.onSubmit?.(), true) }, indentWithTab, ...defaultKeymap, ...historyKeymap]),
      EditorView.updateListener.of((u) => {
        if (u.docChanged && !applying) opts.onChange?.(u.state.doc.toString());
      }),
    );
  } else {
    extensions.push(EditorState.readOnly.of(true), EditorView.editable.of(false));
  }
  const view = new EditorView({ parent, state: EditorState.create({ doc: opts.doc, extensions }) });
  if (loadLanguage) {
    loadLanguage()
      .then((ext) => view.dispatch({ effects: language.reconfigure(ext) }))
      .catch(() => {
        // Highlighting is a nicety: the code stays readable and editable without it.
      });
  }
  return {
    setDoc(text: string) {
      const current = view.state.doc.toString();
      if (text === current) return;
      applying = true;
      try {
        view.dispatch({ changes: { from: 0, to: current.length, insert: text } });
      } finally {
        applying = false;
      }
    },
    destroy: () => view.destroy(),
  };
}
