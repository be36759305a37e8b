import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { Image } from "../../components/image.js";
import { Label } from "../../components/label.js";
import { NumberComponent } from "../../components/number.js";
import { Textbox } from "../../components/textbox.js";
import { loadSqlite, SQLiteLogger, type SqliteDatabase } from "./sqlite-logger.js";

const Driver = createRequire(import.meta.url)("better-sqlite3") as typeof Database;
const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tradio-sqlite-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const rows = (file: string, table = "flags") => {
  const db = new Driver(file, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM ${table} ORDER BY id`).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
};

describe("SQLiteLogger", () => {
  it("stores one row per flag, files beside it and structured values as JSON", async () => {
    const dir = tmp();
    const png = path.join(tmp(), "a.png");
    writeFileSync(png, "png bytes");
    const logger = new SQLiteLogger();
    await logger.setup([new Textbox({ label: "text" }), new Image({ label: "img" }), new Label({ label: "label" })], dir);
    expect(existsSync(path.join(dir, "log.db"))).toBe(false);

    const label = { label: "cat", confidences: null };
    expect(await logger.flag(["=1+1", { path: png, meta: { _type: "gradio.FileData" } }, label], "incorrect", "ada")).toBe(1);
    expect(await logger.flag(["", null, null], "", null)).toBe(2);
    logger.close();

    const [a, b] = rows(path.join(dir, "log.db"));
    expect(Object.keys(a)).toEqual(["id", "text", "img", "label", "flag", "username", "timestamp"]);
    // A database is not a spreadsheet: text is stored exactly as flagged.
    expect(a.text).toBe("=1+1");
    expect(a.img).toMatch(/^img\/[0-9a-f]{64}\.png$/);
    expect(readFileSync(path.join(dir, a.img as string), "utf8")).toBe("png bytes");
    expect(JSON.parse(a.label as string)).toEqual(label);
    expect([a.flag, a.username]).toEqual(["incorrect", "ada"]);
    expect(a.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(b).toMatchObject({ id: 2, text: "", img: "", label: "", flag: "", username: "" });
  });

  it("commits durably: WAL journal, synchronous FULL", async () => {
    const dir = tmp();
    const logger = new SQLiteLogger();
    await logger.setup([new Textbox({ label: "t" })], dir);
    await logger.flag(["x"], "", null);
    const db = (logger as unknown as { db: SqliteDatabase }).db;
    expect(db.all("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
    expect(db.all("PRAGMA synchronous")).toEqual([{ synchronous: 2 }]);
    logger.close();
  });

  it("keeps labels that clash with each other or the fixed columns apart", async () => {
    const dir = tmp();
    const logger = new SQLiteLogger({ table: "my_flags" });
    await logger.setup([new Textbox({ label: "flag" }), new Textbox({ label: "Text" }), new Textbox({ label: "text" }), new Textbox({ label: 'say "x"' })], dir);
    await logger.flag(["a", "b", "c", "d"], "opt", null);
    logger.close();
    expect(rows(path.join(dir, "log.db"), "my_flags")[0]).toEqual({
      id: 1,
      "flag (2)": "a",
      Text: "b",
      "text (2)": "c",
      'say "x"': "d",
      flag: "opt",
      username: "",
      timestamp: expect.any(String),
    });
  });

  it("continues an existing table, and gives apps with other columns their own tables: flags, dataset1, dataset2", async () => {
    const dir = tmp();
    const first = new SQLiteLogger();
    await first.setup([new Textbox({ label: "t" }), new NumberComponent({ label: "n" })], dir);
    await first.flag(["a", 1], "", null);
    first.close();
    const second = new SQLiteLogger();
    await second.setup([new Textbox({ label: "t" }), new NumberComponent({ label: "n" })], dir);
    expect(await second.flag(["b", 2], "", null)).toBe(2);
    // Set up before either writes: each takes its own table at its first flag.
    const narrow = new SQLiteLogger();
    const single = new SQLiteLogger();
    await narrow.setup([new Textbox({ label: "t" })], dir);
    await single.setup([new NumberComponent({ label: "x" })], dir);
    expect(await narrow.flag(["c"], "", null)).toBe(1);
    expect(await single.flag([7], "", null)).toBe(1);
    expect(await second.flag(["d", 4], "", null)).toBe(3);
    expect([second.table, narrow.table, single.table]).toEqual(["flags", "dataset1", "dataset2"]);
    for (const l of [second, narrow, single]) l.close();
    const db = path.join(dir, "log.db");
    expect(rows(db).map((r) => r.t)).toEqual(["a", "b", "d"]);
    expect(rows(db, "dataset1").map((r) => [r.t, r.n])).toEqual([["c", undefined]]);
    expect(rows(db, "dataset2").map((r) => r.x)).toEqual(["7"]);
    const back = new SQLiteLogger();
    await back.setup([new Textbox({ label: "t" })], dir);
    expect(back.table).toBe("dataset1");
    expect(await back.flag(["e"], "", null)).toBe(2);
    back.close();
  });

  it("with an explicit table, refuses one whose columns differ", async () => {
    const dir = tmp();
    const first = new SQLiteLogger({ table: "mine" });
    await first.setup([new Textbox({ label: "t" }), new NumberComponent({ label: "n" })], dir);
    await first.flag(["a", 1], "", null);
    first.close();
    await expect(new SQLiteLogger({ table: "mine" }).setup([new Textbox({ label: "t" })], dir)).rejects.toThrowCode(
      "TR_ERR_FLAGGING",
      /has the columns \["id","t","n","flag","username","timestamp"\], but this interface flags \["id","t","flag"/,
    );
    expect(rows(path.join(dir, "log.db"), "mine").map((r) => r.t)).toEqual(["a"]);
  });

  it("gives 200 concurrent flags 200 rows", async () => {
    const dir = tmp();
    const logger = new SQLiteLogger();
    await logger.setup([new Textbox({ label: "t" }), new NumberComponent({ label: "n" })], dir);
    const ids = await Promise.all(Array.from({ length: 200 }, (_, i) => logger.flag([`row ${i}`, i], "", null)));
    logger.close();
    expect(new Set(ids).size).toBe(200);
    const all = rows(path.join(dir, "log.db"));
    expect(all).toHaveLength(200);
    for (const r of all) expect(r.t).toBe(`row ${r.n}`);
  });

  it("validates its options", () => {
    expect(() => new SQLiteLogger({ filename: "a/b.db" })).toThrowCode("TR_ERR_OPTION_INVALID", /"filename"/);
    expect(() => new SQLiteLogger({ table: "x; DROP TABLE y" })).toThrowCode("TR_ERR_OPTION_INVALID", /"table"/);
    expect(() => new SQLiteLogger({ file: "x" } as never)).toThrowCode("TR_ERR_OPTION_UNKNOWN", /"file"/);
  });

  describe("its driver", () => {
    const refuse = (id: string) => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
    };

    it("is node:sqlite where Node has it", async () => {
      const opened: string[] = [];
      const fake = {
        DatabaseSync: class {
          constructor(file: string) {
            opened.push(file);
          }
          exec() {}
          prepare() {
            return { all: () => [{ name: "x" }], run: (...values: unknown[]) => ({ lastInsertRowid: values.length }) };
          }
          close() {}
        },
      };
      const open = loadSqlite((id) => (id === "node:sqlite" ? fake : refuse(id)));
      const db = open("/tmp/x.db");
      expect(opened).toEqual(["/tmp/x.db"]);
      expect(db.all("SELECT 1")).toEqual([{ name: "x" }]);
      expect(db.prepare("INSERT").run(["a", "b", "c"]).lastInsertRowid).toBe(3);
    });

    it("is better-sqlite3 where Node has no node:sqlite and the app installed it", async () => {
      const open = loadSqlite((id) => (id === "node:sqlite" ? refuse(id) : createRequire(import.meta.url)(id)));
      const file = path.join(tmp(), "b.db");
      const db = open(file);
      db.exec("CREATE TABLE t (a TEXT, b TEXT)");
      expect(db.prepare("INSERT INTO t VALUES (?, ?)").run(["1", "2"]).lastInsertRowid).toBe(1);
      expect(db.all("SELECT * FROM t")).toEqual([{ a: "1", b: "2" }]);
      db.close();
    });

    it("missing altogether is a clear error naming the package to install", () => {
      expect(() => loadSqlite(refuse)).toThrowCode("TR_ERR_FLAGGING", /npm i better-sqlite3@12/);
    });

    it("is found when the logger is set up, so a launch reports a missing one at once", async () => {
      // On this Node (20) the driver is better-sqlite3, a devDependency of tradio itself.
      const logger = new SQLiteLogger();
      await logger.setup([new Textbox({ label: "t" })], tmp());
      expect((logger as unknown as { opener: unknown }).opener).toBeTypeOf("function");
    });
  });
});
