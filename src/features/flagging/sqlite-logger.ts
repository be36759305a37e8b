import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type Database from "better-sqlite3";
import { type Component } from "../../components/component.js";
import type { FlaggingCallback } from "./callback.js";
import { columnLabels, folderNames, renderCells } from "./columns.js";
import { checkOptions, describe } from "../../core/options.js";
import { OptionError, TradioFailure } from "../../core/errors.js";

export interface SQLiteLoggerOptions {
  /** Name of the database inside the flagging dir (default "log.db"). */
  filename?: string;
  /** Table name (default "flags"). */
  table?: string;
}

/** Loaded on first use: better-sqlite3 is a native addon (an optional dependency), needed only by apps that use this logger. */
function loadDriver(): typeof Database {
  try {
    return createRequire(import.meta.url)("better-sqlite3") as typeof Database;
  } catch (err) {
    throw new TradioFailure("TR_ERR_FLAGGING", `SQLiteLogger needs the better-sqlite3 package (npm install better-sqlite3): ${(err as Error).message}`, { cause: err });
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
 * before `flag()` resolves. A table whose columns differ is refused.
 */
export class SQLiteLogger implements FlaggingCallback {
  readonly filename: string;
  readonly table: string;
  private components: Component<any, any>[] = [];
  private folders: string[] = [];
  private columns: string[] = [];
  private dir = "";
  private file = "";
  private db: Database.Database | null = null;
  private insert: Database.Statement | null = null;
  private ready = false;

  constructor(opts: SQLiteLoggerOptions = {}) {
    checkOptions("SQLiteLogger", opts as Record<string, unknown>, { filename: "string", table: "string" });
    const filename = opts.filename ?? "log.db";
    if (!filename || filename !== path.basename(filename) || filename.startsWith(".")) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `SQLiteLogger: option "filename" must be a plain file name, got ${describe(filename)}`);
    }
    this.filename = filename;
    this.table = opts.table ?? "flags";
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
    const result = this.insert!.run([...cells, option ?? "", username ?? "", timestamp]);
    return Number(result.lastInsertRowid);
  }

  /** Closes the database; the next flag opens it again. */
  close(): void {
    this.db?.close();
    this.db = null;
    this.insert = null;
  }

  private open(): void {
    const Driver = loadDriver();
    const db = new Driver(this.file);
    try {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
      db.pragma("busy_timeout = 5000");
      const cols = this.columns.map((c) => `${quote(c)} TEXT`).join(", ");
      db.exec(`CREATE TABLE IF NOT EXISTS ${quote(this.table)} (id INTEGER PRIMARY KEY AUTOINCREMENT, ${cols})`);
      const found = (db.pragma(`table_info(${quote(this.table)})`) as { name: string }[]).map((r) => r.name);
      const want = ["id", ...this.columns];
      if (found.length !== want.length || found.some((n, i) => n !== want[i])) {
        throw new TradioFailure(
          "TR_ERR_FLAGGING",
          `SQLiteLogger: table "${this.table}" in ${this.file} has the columns ${JSON.stringify(found)}, but this interface flags ` +
            `${JSON.stringify(want)}; use another flaggingDir, or move the old database away`,
        );
      }
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
