import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import { describe, oneOf, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

/** One cell of a table. */
export type Cell = string | number | boolean | null;
/** Gradio's column types; "number" and "bool" columns are converted on the way in. */
export type Datatype = "str" | "number" | "bool" | "date" | "markdown" | "html";
/** What the function receives: the rows ("array", default), `{ headers, data }` ("object"), or rows of numbers ("numpy"). */
export type DataframeType = "array" | "object" | "numpy";
/** A row or column count, optionally `[n, "fixed"]` so that users cannot add or remove rows/columns. */
export type TableCount = number | [count: number, mode: "fixed" | "dynamic"];
/** The least and most columns a table may have; null leaves that end open. */
export type ColumnLimits = [min: number | null, max: number | null];

/** A table with its column names. */
export interface Table {
  headers: string[];
  data: Cell[][];
}

/** Gradio 4's DataframeData, as it travels on the wire. */
export interface DataframeData extends Table {
  metadata: Record<string, unknown> | null;
}

export type DataframeIn<T extends DataframeType> = T extends "object" ? Table : T extends "numpy" ? number[][] : Cell[][];
/** What the function may return: rows, `{ headers, data }`, or a list of row objects (their keys become the headers). */
export type DataframeOut = Cell[][] | { headers?: string[]; data: Cell[][] } | Record<string, Cell>[];

export interface DataframeOptions<T extends DataframeType = "array"> extends ComponentOptions {
  /** Column names; default "1", "2", … */
  headers?: string[];
  /** One type for every column, or one per column. Default "str". */
  datatype?: Datatype | Datatype[];
  /** Rows shown at first (default 1); `[n, "fixed"]` fixes the count. */
  rowCount?: TableCount;
  /** Columns (default: the number of headers, or 3); `[n, "fixed"]` fixes the count. Gradio 3's name for `columnCount`. */
  colCount?: TableCount;
  /** Gradio 5's name for `colCount`; give either (both only if they agree). */
  columnCount?: TableCount;
  /** `[min, max]` columns (either may be null): values in and out with fewer or more are refused, and the page's column buttons stop there. */
  columnLimits?: ColumnLimits | null;
  /**
   * What the function receives: "array" (rows, default), "object" (`{ headers, data }`) or "numpy" (rows
   * of numbers: every cell must be a number or a numeric string, an empty cell is NaN; columns default to "number").
   */
  type?: T;
  /** Wrap long cell text instead of truncating it. */
  wrap?: boolean;
  value?: DataframeOut;
}

const DATATYPES: readonly string[] = ["str", "number", "bool", "date", "markdown", "html"];
const EMPTY_CELL: Record<Datatype, Cell> = { str: "", number: 0, bool: false, date: "01/01/1970", markdown: "", html: "" };

function isDatatypeOption(v: unknown): boolean {
  return typeof v === "string" ? DATATYPES.includes(v) : Array.isArray(v) && v.every((d) => typeof d === "string" && DATATYPES.includes(d));
}
function isTableCount(v: unknown): boolean {
  return typeof v === "number" || (Array.isArray(v) && v.length === 2 && typeof v[0] === "number" && (v[1] === "fixed" || v[1] === "dynamic"));
}
(isTableCount as { expected?: string }).expected = 'a number or [n, "fixed" | "dynamic"]';

/**
 * A table. Gradio shortcut: "dataframe". On the wire it is Gradio's DataframeData
 * `{ headers, data, metadata }`; cells of "number" and "bool" columns are converted on the way in.
 *
 * @example
 * new tr.Dataframe({ headers: ["name", "age"], datatype: ["str", "number"], label: "People" })
 */
export class Dataframe<T extends DataframeType = "array"> extends Component<DataframeIn<T>, DataframeOut, DataframeData> {
  readonly type = "dataframe";
  readonly className = "Dataframe";
  readonly headers: string[];
  readonly datatype: Datatype | Datatype[];
  readonly rowCount: [number, "fixed" | "dynamic"];
  readonly colCount: [number, "fixed" | "dynamic"];
  readonly columnLimits: ColumnLimits | null;
  readonly inputType: T;
  readonly wrap: boolean;
  private readonly initial: DataframeData;

  constructor(opts: DataframeOptions<T> = {}) {
    super(opts);
    const owner = this.constructor.name;
    this.rowCount = normalizeCount(owner, "rowCount", opts.rowCount ?? 1);
    // Gradio 3 says colCount, Gradio 5 columnCount: either is taken, both only when they say the same.
    const countName = opts.colCount === undefined && opts.columnCount !== undefined ? "columnCount" : "colCount";
    const oldCount = opts.colCount === undefined ? undefined : normalizeCount(owner, "colCount", opts.colCount);
    const newCount = opts.columnCount === undefined ? undefined : normalizeCount(owner, "columnCount", opts.columnCount);
    if (oldCount && newCount && (oldCount[0] !== newCount[0] || oldCount[1] !== newCount[1])) {
      throw new OptionError(
        "TR_ERR_OPTION_CONFLICT",
        `${owner}: options "colCount" (${JSON.stringify(oldCount)}) and "columnCount" (${JSON.stringify(newCount)}) disagree; give one of them`,
      );
    }
    const cols = oldCount ?? newCount ?? opts.headers?.length ?? (Array.isArray(opts.datatype) ? opts.datatype.length : 3);
    this.colCount = normalizeCount(owner, countName, cols);
    if (opts.headers !== undefined && opts.headers.length !== this.colCount[0]) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `${owner}: option "headers" names ${opts.headers.length} columns but "${countName}" is ${this.colCount[0]}`);
    }
    this.columnLimits = opts.columnLimits ? normalizeLimits(owner, opts.columnLimits) : null;
    if (this.columnLimits && !withinLimits(this.colCount[0], this.columnLimits)) {
      throw new OptionError(
        "TR_ERR_OPTION_CONFLICT",
        `${owner}: the table starts with ${this.colCount[0]} columns, outside option "columnLimits" ${JSON.stringify(this.columnLimits)}`,
      );
    }
    this.headers = opts.headers ? [...opts.headers] : Array.from({ length: this.colCount[0] }, (_, i) => String(i + 1));
    const defaultType: Datatype = opts.type === "numpy" ? "number" : "str";
    this.datatype = opts.datatype === undefined ? defaultType : Array.isArray(opts.datatype) ? [...opts.datatype] : opts.datatype;
    if (Array.isArray(this.datatype) && this.datatype.length !== this.colCount[0]) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `${owner}: option "datatype" lists ${this.datatype.length} types for ${this.colCount[0]} columns`);
    }
    this.inputType = opts.type ?? ("array" as T);
    this.wrap = opts.wrap ?? false;
    this.initial =
      opts.value === undefined || opts.value === null
        ? this.emptyTable()
        : this.toWire(opts.value, (m) => {
            throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" is invalid: ${m}`);
          });
    if (this.columnLimits && !withinLimits(this.initial.headers.length, this.columnLimits)) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `${owner}: option "value" has ${this.initial.headers.length} columns, outside "columnLimits" ${JSON.stringify(this.columnLimits)}`);
    }
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      headers: "string[]",
      datatype: isDatatypeOption,
      rowCount: isTableCount,
      colCount: isTableCount,
      columnCount: isTableCount,
      columnLimits: isLimits,
      type: oneOf("array", "object", "numpy"),
      wrap: "boolean",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      headers: [...this.headers],
      row_count: [...this.rowCount],
      col_count: [...this.colCount],
      column_limits: this.columnLimits ? [...this.columnLimits] : null,
      datatype: Array.isArray(this.datatype) ? [...this.datatype] : this.datatype,
      type: this.inputType,
      wrap: this.wrap,
      latex_delimiters: [{ left: "$$", right: "$$", display: false }],
      line_breaks: true,
      column_widths: [],
      value: copyTable(this.initial),
    };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return copyTable(this.initial);
  }

  apiInfo(): JSONSchema {
    const cell = this.inputType === "numpy" ? { anyOf: [{ type: "number" }, { type: "null" }] } : { anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }, { type: "null" }] };
    return {
      title: "DataframeData",
      type: "object",
      properties: {
        headers: { type: "array", items: { type: "string" }, ...this.columnBounds() },
        data: { type: "array", items: { type: "array", items: cell, ...this.columnBounds() }, ...this.rowBounds() },
        metadata: { anyOf: [{ type: "object", additionalProperties: true }, { type: "null" }], default: null },
      },
      required: ["headers", "data"],
    };
  }

  /** The MCP tool parameter: the rows alone (the headers are the component's), bounded as the options say. */
  toolSchema(): JSONSchema {
    const cell = this.inputType === "numpy" ? { type: ["number", "null"] } : { type: ["string", "number", "boolean", "null"] };
    const what = this.inputType === "numpy" ? "rows of numbers" : "rows of cells";
    return { type: "array", description: `${what}; columns: ${this.headers.join(", ")}`, items: { type: "array", items: cell, ...this.columnBounds() }, ...this.rowBounds() };
  }

  /** Rows alone (from an MCP call) as the wire value, with the configured headers fitted to their width. */
  rowsToWire(rows: unknown[]): DataframeData {
    const width = Array.isArray(rows[0]) ? rows[0].length : this.headers.length;
    return { headers: this.fitHeaders(width), data: rows as Cell[][], metadata: null };
  }

  /** minItems/maxItems of a row (and of the headers) from a fixed column count or the column limits. */
  private columnBounds(): JSONSchema {
    if (this.colCount[1] === "fixed" && this.colCount[0] > 0) return { minItems: this.colCount[0], maxItems: this.colCount[0] };
    const [min, max] = this.columnLimits ?? [null, null];
    return { ...(min !== null && min > 0 ? { minItems: min } : {}), ...(max !== null ? { maxItems: max } : {}) };
  }

  /** minItems/maxItems of the rows from a fixed row count. */
  private rowBounds(): JSONSchema {
    return this.rowCount[1] === "fixed" && this.rowCount[0] > 0 ? { minItems: this.rowCount[0], maxItems: this.rowCount[0] } : {};
  }
  exampleInput(): unknown {
    const headers = this.headers.length > 0 ? [...this.headers] : ["a", "b"];
    return { headers, data: [headers.map((_, i) => EMPTY_CELL[this.columnType(i)])], metadata: null };
  }
  override pythonType(): string {
    return "Dict(headers: List[str], data: List[List[Any]], metadata: Dict(str, List[Any] | None) | None)";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): DataframeIn<T> {
    if (payload === null || payload === undefined) {
      return (this.inputType === "object" ? { headers: [...this.headers], data: [] } : []) as unknown as DataframeIn<T>;
    }
    if (!isPlainObject(payload)) this.fail(`expected a DataframeData object {headers, data}, got ${describe(payload)}`);
    const { headers, data } = payload;
    if (!Array.isArray(headers) || !headers.every((h) => typeof h === "string")) {
      this.fail(`"headers" must be a list of strings, got ${describe(headers ?? null)}`);
    }
    if (!Array.isArray(data)) this.fail(`"data" must be a list of rows, got ${describe(data ?? null)}`);
    const rows = data.length === 1 && Array.isArray(data[0]) && data[0].length === 0 ? [] : data;
    if (this.colCount[1] === "fixed" && headers.length !== this.colCount[0]) {
      this.fail(`expected ${this.colCount[0]} columns (the column count is fixed), got ${headers.length}`);
    }
    if (this.rowCount[1] === "fixed" && rows.length !== this.rowCount[0]) {
      this.fail(`expected ${this.rowCount[0]} rows (the row count is fixed), got ${rows.length}`);
    }
    this.checkLimits(headers.length);
    const numpy = this.inputType === "numpy";
    const out = rows.map((row, r) => {
      if (!Array.isArray(row)) this.fail(`row ${r} must be a list of cells, got ${describe(row)}`);
      if (row.length !== headers.length) this.fail(`row ${r} has ${row.length} cells, expected ${headers.length} (one per header)`);
      return row.map((cell, c) => (numpy ? this.numeric(cell, r, headers[c]) : this.coerce(cell, this.columnType(c), r, headers[c])));
    });
    return (this.inputType === "object" ? { headers: [...headers], data: out } : out) as DataframeIn<T>;
  }

  postprocess(value: DataframeOut, _ctx?: ComponentContext): DataframeData {
    if (value === null || value === undefined) return this.emptyTable();
    const wire = this.toWire(value, (m) => this.fail(`the function returned an invalid value: ${m}`));
    this.checkLimits(wire.headers.length, "the function returned a table with");
    return wire;
  }

  private checkLimits(columns: number, what = "got"): void {
    if (this.columnLimits && !withinLimits(columns, this.columnLimits)) {
      const [min, max] = this.columnLimits;
      const range = min !== null && max !== null ? `${min} to ${max}` : min !== null ? `at least ${min}` : `at most ${max}`;
      this.fail(`${what} ${columns} columns; columnLimits allows ${range}`);
    }
  }

  /** A cell for type "numpy": a number, a numeric string or a boolean (1/0); an empty cell is NaN, as in a float array. */
  private numeric(cell: unknown, row: number, header: string): number {
    if (cell === null || cell === undefined) return Number.NaN;
    if (typeof cell === "number" && Number.isFinite(cell)) return cell;
    if (typeof cell === "boolean") return cell ? 1 : 0;
    if (typeof cell === "string") {
      const s = cell.trim();
      if (s === "") return Number.NaN;
      const n = Number(s);
      if (Number.isFinite(n)) return n;
    }
    return this.fail(`row ${row}, column ${JSON.stringify(header)}: type "numpy" needs a number, got ${describe(cell)}`);
  }

  private columnType(i: number): Datatype {
    return Array.isArray(this.datatype) ? (this.datatype[i] ?? "str") : this.datatype;
  }

  /** A cell from a client, converted to its column's type; empty cells of number and bool columns become null. */
  private coerce(cell: unknown, type: Datatype, row: number, header: string): Cell {
    const where = `row ${row}, column ${JSON.stringify(header)}`;
    if (cell === null || cell === undefined) return null;
    if (typeof cell === "object" || typeof cell === "function") this.fail(`${where}: expected a cell value, got ${describe(cell)}`);
    if (type === "number") {
      if (typeof cell === "number") {
        if (!Number.isFinite(cell)) this.fail(`${where}: expected a finite number, got ${cell}`);
        return cell;
      }
      if (typeof cell === "string") {
        const s = cell.trim();
        if (s === "") return null;
        const n = Number(s);
        if (Number.isFinite(n)) return n;
      }
      return this.fail(`${where}: expected a number, got ${describe(cell)}`);
    }
    if (type === "bool") {
      if (typeof cell === "boolean") return cell;
      if (typeof cell === "string") {
        const s = cell.trim().toLowerCase();
        if (s === "") return null;
        if (s === "true") return true;
        if (s === "false") return false;
      }
      return this.fail(`${where}: expected true or false, got ${describe(cell)}`);
    }
    return typeof cell === "string" ? cell : String(cell);
  }

  private emptyTable(): DataframeData {
    const row = this.headers.map((_, i) => EMPTY_CELL[this.columnType(i)]);
    return { headers: [...this.headers], data: Array.from({ length: this.rowCount[0] }, () => [...row]), metadata: null };
  }

  /** Headers for a table `width` columns wide: the configured ones, cut short or extended with "4", "5", … */
  private fitHeaders(width: number): string[] {
    return Array.from({ length: width }, (_, i) => this.headers[i] ?? String(i + 1));
  }

  private toWire(value: unknown, bad: (message: string) => never): DataframeData {
    let headers: string[] | undefined;
    let rows: unknown[];
    if (Array.isArray(value)) {
      if (value.length > 0 && value.every(isPlainObject)) {
        headers = [];
        const seen = new Set<string>();
        for (const row of value as Record<string, unknown>[]) {
          for (const k of Object.keys(row)) {
            if (!seen.has(k)) {
              seen.add(k);
              headers.push(k);
            }
          }
        }
        const keys = headers;
        rows = (value as Record<string, unknown>[]).map((row) => keys.map((k) => row[k]));
      } else {
        rows = value;
      }
    } else if (isPlainObject(value) && Array.isArray(value.data)) {
      for (const k of Object.keys(value)) {
        if (k !== "headers" && k !== "data" && k !== "metadata") bad(`unexpected key ${JSON.stringify(k)} (expected headers, data)`);
      }
      if (value.headers !== undefined && value.headers !== null) {
        if (!Array.isArray(value.headers) || !value.headers.every((h) => typeof h === "string")) {
          bad(`"headers" must be a list of strings, got ${describe(value.headers)}`);
        }
        headers = [...value.headers];
      }
      rows = value.data;
    } else {
      return bad(`expected a list of rows, {headers, data}, or a list of row objects, got ${describe(value)}`);
    }
    if (rows.length === 1 && Array.isArray(rows[0]) && rows[0].length === 0) rows = [];
    const width = rows.length > 0 && Array.isArray(rows[0]) ? rows[0].length : (headers?.length ?? this.headers.length);
    const data = rows.map((row, r) => {
      if (!Array.isArray(row)) bad(`row ${r} must be a list of cells, got ${describe(row)}`);
      if (row.length !== width) bad(`row ${r} has ${row.length} cells but row 0 has ${width} (rows must all be the same length)`);
      return row.map((cell, c) => outCell(cell, r, c, bad));
    });
    if (headers !== undefined && rows.length > 0 && headers.length !== width) {
      bad(`${headers.length} headers for ${width} columns`);
    }
    return { headers: headers ?? this.fitHeaders(width), data: data.length === 0 ? [[]] : data, metadata: null };
  }
}

/** A returned cell: strings, booleans and finite numbers as they are; NaN, ±Infinity and undefined as null (as pandas' NaN). */
function outCell(cell: unknown, r: number, c: number, bad: (message: string) => never): Cell {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === "string" || typeof cell === "boolean") return cell;
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : null;
  return bad(`the cell at row ${r}, column ${c} is ${describe(cell)}, expected a string, number, boolean or null`);
}

function normalizeCount(owner: string, name: string, v: TableCount): [number, "fixed" | "dynamic"] {
  const [n, mode] = typeof v === "number" ? [v, "dynamic" as const] : v;
  if (!Number.isInteger(n) || n < 0) throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "${name}" must be a non-negative integer, got ${n}`);
  return [n, mode];
}

function isLimits(v: unknown): boolean {
  const end = (x: unknown) => x === null || (typeof x === "number" && Number.isInteger(x) && x >= 0);
  return v === null || (Array.isArray(v) && v.length === 2 && end(v[0]) && end(v[1]));
}
(isLimits as { expected?: string }).expected = "[min, max] with each a non-negative integer or null";

function normalizeLimits(owner: string, v: ColumnLimits): ColumnLimits {
  const [min, max] = v;
  if (min !== null && max !== null && min > max) {
    throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "columnLimits" has min ${min} above max ${max}`);
  }
  return [min, max];
}

function withinLimits(n: number, [min, max]: ColumnLimits): boolean {
  return (min === null || n >= min) && (max === null || n <= max);
}

function copyTable(t: DataframeData): DataframeData {
  return { headers: [...t.headers], data: t.data.map((row) => [...row]), metadata: t.metadata };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
