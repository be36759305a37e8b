import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { type Component } from "../../components/component.js";
import type { FlaggingCallback } from "./callback.js";
import { columnLabels, folderNames, renderCells } from "./columns.js";
import { checkOptions, describe } from "../../core/options.js";
import { OptionError, TradioFailure } from "../../core/errors.js";
import { countFlagged } from "./budget.js";

export interface SQLiteLoggerOptions {
  /** Name of the database inside the flagging dir (default "log.db"). */
  filename?: string;
  /**
   * Table name. Without it the table is `flags`, or, when that holds other columns (another app flags
   * into the same folder), the first of `dataset1`, `dataset2`, … whose columns match, else a new one.
   * A given name is used as it is, and a table there with other columns is refused.
   */
  table?: string;
}

/**
 * The few calls the logger makes on a database, the same on both drivers it can use: Node's own
 * `node:sqlite` (Node 22.5+) and the `better-sqlite3` package.
 */
export interface SqliteDatabase {
  /** Runs statements that return nothing (DDL, PRAGMAs that set). */
  exec(sql: string): void;
  /** The rows of one query. */
  all(sql: string): Record<string, unknown>[];
  /** A prepared insert; `run` binds the values in order. */
  prepare(sql: string): { run(values: unknown[]): { lastInsertRowid: number | bigint } };
  close(): void;
}

/** Opens a database file (created if missing). */
export type SqliteOpener = (file: string) => SqliteDatabase;

/** What the package to install is called in the error, with the major version that works on Node 20. */
export const SQLITE_PACKAGE = "better-sqlite3@12";

type Require = (id: string) => unknown;

interface NodeSqliteModule {
  DatabaseSync: new (file: string) => {
    exec(sql: string): void;
    prepare(sql: string): { all(...p: unknown[]): unknown[]; run(...p: unknown[]): { lastInsertRowid: number | bigint } };
    close(): void;
  };
}
type BetterSqlite = new (file: string) => {
  exec(sql: string): unknown;
  prepare(sql: string): { all(...p: unknown[]): unknown[]; run(...p: unknown[]): { lastInsertRowid: number | bigint } };
  close(): unknown;
};

function fromNodeSqlite(mod: NodeSqliteModule): SqliteOpener {
  return (file) => {
    const db = new mod.DatabaseSync(file);
    return {
      exec: (sql) => db.exec(sql),
      all: (sql) => db.prepare(sql).all() as Record<string, unknown>[],
      prepare: (sql) => {
        const stmt = db.prepare(sql);
        return { run: (values) => stmt.run(...values) };
      },
      close: () => db.close(),
    };
  };
}

function fromBetterSqlite(Driver: BetterSqlite): SqliteOpener {
  return (file) => {
    const db = new Driver(file);
    return {
      exec: (sql) => void db.exec(sql),
      all: (sql) => db.prepare(sql).all() as Record<string, unknown>[],
      prepare: (sql) => {
        const stmt = db.prepare(sql);
        return { run: (values) => stmt.run(...values) };
      },
      close: () => void db.close(),
    };
  };
}

/**
 * Finds a SQLite driver, on first use: Node's own `node:sqlite` where this Node has it (22.5+; before
 * 22.13 only with `--experimental-sqlite`), else `better-sqlite3` if the app installed it. Neither is a
 * dependency of tradio, so a plain `npm i tradio` compiles nothing. `load` is for tests.
 */
export function loadSqlite(load: Require = createRequire(import.meta.url)): SqliteOpener {
  const tried: string[] = [];
  try {
    return fromNodeSqlite(load("node:sqlite") as NodeSqliteModule);
  } catch (err) {
    tried.push(`node:sqlite: ${(err as Error).message.split("\n")[0]}`);
  }
  try {
    return fromBetterSqlite(load("better-sqlite3") as BetterSqlite);
  } catch (err) {
    tried.push(`better-sqlite3: ${(err as Error).message.split("\n")[0]}`);
    throw new TradioFailure(
      "TR_ERR_FLAGGING",
      `SQLiteLogger needs SQLite: Node ${process.versions.node} has no node:sqlite (Node 22.5 and later do), so install the ` +
        `better-sqlite3 package in your app: npm i ${SQLITE_PACKAGE} (${tried.join("; ")})`,
      { cause: err },
    );
  }
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Column names: the labels, made unique (SQLite compares them without case) and kept clear of the fixed columns. */
function columnNames(components: Component<any, any>[]): string[] {
  const used = new Set(["id", "flag", "username", "timestamp"]);
  return columnLabels(components).map((label) => {
    let name = label;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${label} (${n})`;
    used.add(name.toLowerCase());
    return name;
  });
}

/**
 * A flagging callback on SQLite, for apps flagged often or by several processes: one row per flag in
 * `<flaggingDir>/log.db`, table `flags` (`id`, one column per component label, `flag`, `username`,
 * `timestamp`). Files go to `<flaggingDir>/<label>/` as with the CSV logger; structured values are
 * stored as JSON text in their column. Every insert is committed durably (WAL, synchronous=FULL)
 * before `flag()` resolves. A table whose columns differ is never written to: apps with other columns
 * sharing the folder get tables `dataset1`, `dataset2`, … (see `SQLiteLoggerOptions.table`). SQLite comes from `node:sqlite`
 * (Node 22.5+) or the `better-sqlite3` package, which the app installs (`npm i better-sqlite3@12`).
 */
export class SQLiteLogger implements FlaggingCallback {
  readonly filename: string;
  /** The table flags go to: the one asked for, else "flags" until the first flag chooses (see `SQLiteLoggerOptions.table`). */
  table: string;
  private readonly fixedTable: boolean;
  private components: Component<any, any>[] = [];
  private folders: string[] = [];
  private columns: string[] = [];
  private dir = "";
  private file = "";
  private db: SqliteDatabase | null = null;
  private insert: ReturnType<SqliteDatabase["prepare"]> | null = null;
  private ready = false;
  private opener: SqliteOpener | undefined;

  constructor(opts: SQLiteLoggerOptions = {}) {
    checkOptions("SQLiteLogger", opts as Record<string, unknown>, { filename: "string", table: "string" });
    const filename = opts.filename ?? "log.db";
    if (!filename || filename !== path.basename(filename) || filename.startsWith(".")) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `SQLiteLogger: option "filename" must be a plain file name, got ${describe(filename)}`);
    }
    this.filename = filename;
    this.table = opts.table ?? "flags";
    this.fixedTable = opts.table !== undefined;
    if (!/^[A-Za-z_]\w*$/.test(this.table)) throw new OptionError("TR_ERR_OPTION_INVALID", `SQLiteLogger: option "table" must be a plain name, got ${describe(opts.table)}`);
  }

  /** The database's path (known after `setup`). */
  get path(): string {
    return this.file;
  }

  /** Checks an existing database; a new one is created on the first flag, so an unflagged app leaves no file. */
  async setup(components: Component<any, any>[], dir: string): Promise<void> {
    this.close();
    this.ready = false;
    this.components = [...components];
    this.dir = path.resolve(dir);
    this.file = path.join(this.dir, this.filename);
    this.folders = folderNames(this.components);
    this.columns = [...columnNames(this.components), "flag", "username", "timestamp"];
    // A missing driver is reported now (at launch), not at the first flag.
    this.opener ??= loadSqlite();
    if (existsSync(this.file)) this.open();
    this.ready = true;
  }

  async flag(values: unknown[], option = "", username: string | null = null): Promise<number> {
    if (!this.ready) throw new TradioFailure("TR_ERR_CALL", "SQLiteLogger: call setup(components, dir) before flag()");
    if (!Array.isArray(values) || values.length !== this.components.length) {
      throw new OptionError("TR_ERR_CALL", `SQLiteLogger: flag() needs ${this.components.length} values (one per component), got ${describe(values)}${Array.isArray(values) ? ` of length ${values.length}` : ""}`);
    }
    const timestamp = new Date().toISOString();
    const cells = await renderCells(this.components, values, this.dir, this.folders, { inlineJson: true });
    if (!this.insert) {
      await mkdir(this.dir, { recursive: true });
      this.open();
    }
    const row = [...cells, option ?? "", username ?? "", timestamp];
    const result = this.insert!.run(row);
    // What the row takes in the database, about: its text and a little per row.
    countFlagged(this.dir, row.reduce((n, cell) => n + Buffer.byteLength(cell), 64));
    return Number(result.lastInsertRowid);
  }

  /** Closes the database; the next flag opens it again. */
  close(): void {
    this.db?.close();
    this.db = null;
    this.insert = null;
  }

  /** The first candidate table that is absent (then created) or has exactly this logger's columns. */
  private chooseTable(db: SqliteDatabase): string {
    const want = ["id", ...this.columns];
    const names = this.fixedTable ? [this.table] : ["flags", ...Array.from({ length: 1000 }, (_, i) => `dataset${i + 1}`)];
    for (const table of names) {
      const cols = this.columns.map((c) => `${quote(c)} TEXT`).join(", ");
      db.exec(`CREATE TABLE IF NOT EXISTS ${quote(table)} (id INTEGER PRIMARY KEY AUTOINCREMENT, ${cols})`);
      const found = db.all(`PRAGMA table_info(${quote(table)})`).map((r) => String(r.name));
      if (found.length === want.length && found.every((n, i) => n === want[i])) return table;
      if (!this.fixedTable) continue;
      throw new TradioFailure(
        "TR_ERR_FLAGGING",
        `SQLiteLogger: table "${table}" in ${this.file} has the columns ${JSON.stringify(found)}, but this interface flags ` +
          `${JSON.stringify(want)}; use another flaggingDir or table, or move the old database away`,
      );
    }
    throw new TradioFailure("TR_ERR_FLAGGING", `SQLiteLogger: ${this.file} already holds 1001 tables with other columns; use another flaggingDir`);
  }

  private open(): void {
    const db = (this.opener ??= loadSqlite())(this.file);
    try {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = FULL");
      db.exec("PRAGMA busy_timeout = 5000");
      this.table = this.chooseTable(db);
      this.insert = db.prepare(
        `INSERT INTO ${quote(this.table)} (${this.columns.map(quote).join(", ")}) VALUES (${this.columns.map(() => "?").join(", ")})`,
      );
      this.db = db;
    } catch (err) {
      db.close();
      throw err;
    }
  }
}
