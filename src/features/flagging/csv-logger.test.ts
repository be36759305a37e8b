import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it, vi } from "vitest";
import { Chatbot } from "../../components/chatbot.js";
import { Dataframe } from "../../components/dataframe.js";
import { File } from "../../components/file.js";
import { Image } from "../../components/image.js";
import { Json } from "../../components/json.js";
import { Label } from "../../components/label.js";
import { NumberComponent } from "../../components/number.js";
import { Textbox } from "../../components/textbox.js";
import { Checkbox } from "../../components/checkbox.js";
import { CSVLogger } from "./csv-logger.js";
import { folderNames } from "./columns.js";
import { BOM } from "./csv-format.js";

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tradio-csv-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const fileData = (p: string, orig?: string) => ({ path: p, orig_name: orig ?? path.basename(p), meta: { _type: "gradio.FileData" } });
/** The log as a spreadsheet would read it: BOM stripped, every cell a string. */
const readLog = (file: string): string[][] => parse(readFileSync(file), { bom: true });

describe("CSVLogger layout", () => {
  it("writes the header once, then one row per flag, with files and JSON beside it", async () => {
    const dir = tmp();
    const src = tmp();
    const png = path.join(src, "cat.png");
    writeFileSync(png, Buffer.from("fake png bytes"));
    const notes = path.join(src, "notes.txt");
    writeFileSync(notes, "hello");
    const components = [
      new Textbox({ label: "text" }),
      new NumberComponent({ label: "n" }),
      new Checkbox({ label: "ok" }),
      new Image({ label: "photo" }),
      new File({ label: "docs", fileCount: "multiple" }),
      new Label({ label: "label" }),
      new Json({ label: "data" }),
      new Chatbot({ label: "chat" }),
      new Dataframe({ label: "table" }),
    ];
    const logger = new CSVLogger();
    await logger.setup(components, dir);
    expect(existsSync(dir + "/log.csv")).toBe(false);

    const label = { label: "cat", confidences: [{ label: "cat", confidence: 0.9 }] };
    const table = { headers: ["a"], data: [[1]], metadata: null };
    const before = Date.now();
    const first = await logger.flag(
      ["two\nlines, \"quoted\"", 3.5, true, fileData(png), [fileData(notes), fileData(png)], label, { k: [1, 2] }, [["hi", "hello"]], table],
      "incorrect",
      "ada",
    );
    const second = await logger.flag(["", null, false, null, null, null, null, null, null], "", null);
    expect([first, second]).toEqual([1, 2]);
    expect(logger.rowCount).toBe(2);

    const raw = readFileSync(dir + "/log.csv");
    expect(raw.subarray(0, 3).equals(BOM)).toBe(true);
    expect(raw.toString().endsWith("\r\n")).toBe(true);
    const [header, row, empty, ...rest] = readLog(dir + "/log.csv");
    expect(rest).toEqual([]);
    expect(header).toEqual(["text", "n", "ok", "photo", "docs", "label", "data", "chat", "table", "flag", "username", "timestamp"]);

    expect(row.slice(0, 3)).toEqual(["two\nlines, \"quoted\"", "3.5", "true"]);
    expect(row[3]).toMatch(/^photo\/[0-9a-f]{64}\.png$/);
    expect(readFileSync(path.join(dir, row[3]), "utf8")).toBe("fake png bytes");
    const docs = JSON.parse(row[4]) as string[];
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatch(/^docs\/[0-9a-f]{64}\.txt$/);
    expect(readFileSync(path.join(dir, docs[0]), "utf8")).toBe("hello");
    expect(readFileSync(path.join(dir, docs[1]), "utf8")).toBe("fake png bytes");
    const json = (cell: string) => {
      expect(cell).toMatch(/^[a-z]+\/[0-9a-f]{64}\.json$/);
      return JSON.parse(readFileSync(path.join(dir, cell), "utf8"));
    };
    expect(json(row[5])).toEqual(label);
    expect(json(row[6])).toEqual({ k: [1, 2] });
    expect(json(row[7])).toEqual([["hi", "hello"]]);
    expect(json(row[8])).toEqual(table);
    expect(row.slice(9, 11)).toEqual(["incorrect", "ada"]);
    expect(row[11]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(row[11])).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(row[11])).toBeLessThanOrEqual(Date.now());

    expect(empty.slice(0, 11)).toEqual(["", "", "false", "", "", "", "", "", "", "", ""]);
    // Files are copied under new names: the same source flagged twice gives two files.
    expect(readdirSync(dir + "/photo")).toHaveLength(1);
    expect(readdirSync(dir + "/docs")).toHaveLength(2);
  });

  it("keeps URLs as text and never fetches them", async () => {
    const dir = tmp();
    const logger = new CSVLogger();
    await logger.setup([new Image({ label: "img" })], dir);
    await logger.flag([fileData("https://example.com/a.png")], "", null);
    expect(readLog(dir + "/log.csv")[1][0]).toBe("https://example.com/a.png");
    expect(existsSync(dir + "/img")).toBe(false);
  });

  it("neutralises cells a spreadsheet would run as formulas, labels and usernames too", async () => {
    const dir = tmp();
    const logger = new CSVLogger();
    await logger.setup([new Textbox({ label: "=HYPERLINK(1)" }), new NumberComponent({ label: "n" })], dir);
    await logger.flag(["=1+1", -3], "@opt", "+user");
    await logger.flag(["-2+3", 4], "", "\tx");
    const [header, a, b] = readLog(dir + "/log.csv");
    expect(header[0]).toBe("'=HYPERLINK(1)");
    expect(a.slice(0, 4)).toEqual(["'=1+1", "-3", "'@opt", "'+user"]);
    expect(b.slice(0, 4)).toEqual(["'-2+3", "4", "", "'\tx"]);
    // A logger opening the same log reads its (neutralised) header as its own.
    await new CSVLogger().setup([new Textbox({ label: "=HYPERLINK(1)" }), new NumberComponent({ label: "n" })], dir);
  });

  it("uses safe, unique folder names", () => {
    const names = folderNames([
      new Textbox({ label: "../../etc" }),
      new Textbox({ label: "a/b:c" }),
      new Textbox({ label: "Photo" }),
      new Textbox({ label: "photo" }),
      new Textbox({ label: "..." }),
      new Textbox({ label: "Größe 1" }),
    ]);
    expect(names).toEqual(["_.._etc", "a_b_c", "Photo", "photo_3", "component_4", "Größe 1"]);
  });

  it("refuses values of the wrong count and flags before setup", async () => {
    const logger = new CSVLogger();
    await expect(logger.flag(["x"], "", null)).rejects.toThrowCode("TR_ERR_CALL", /setup/);
    await logger.setup([new Textbox({ label: "a" }), new Textbox({ label: "b" })], tmp());
    await expect(logger.flag(["x"], "", null)).rejects.toThrowCode("TR_ERR_CALL", /2 values/);
    expect(() => new CSVLogger({ filename: "../x.csv" })).toThrowCode("TR_ERR_OPTION_INVALID", /"filename"/);
  });
});

describe("CSVLogger never loses or mixes rows", () => {
  const components = () => [new Textbox({ label: "text" }), new NumberComponent({ label: "n" })];

  it("appends to an existing log without a second header and continues its count", async () => {
    const dir = tmp();
    const a = new CSVLogger();
    await a.setup(components(), dir);
    await a.flag(["one", 1], "", null);
    const b = new CSVLogger();
    await b.setup(components(), dir);
    expect(b.rowCount).toBe(1);
    expect(await b.flag(["two", 2], "", null)).toBe(2);
    expect(readLog(dir + "/log.csv").map((r) => r[0])).toEqual(["text", "one", "two"]);
  });

  it("gives apps with other columns their own log in a shared folder: log.csv, dataset1.csv, dataset2.csv", async () => {
    const dir = tmp();
    const wide = () => [new Textbox({ label: "text" }), new Textbox({ label: "extra" }), new NumberComponent({ label: "n" })];
    const a = new CSVLogger();
    await a.setup(components(), dir);
    await a.flag(["one", 1], "", null);
    const before = readFileSync(dir + "/log.csv");
    const b = new CSVLogger();
    await b.setup(wide(), dir);
    expect(b.path).toBe(path.join(dir, "dataset1.csv"));
    expect(await b.flag(["x", "y", 1], "", null)).toBe(1);
    expect(readFileSync(dir + "/log.csv").equals(before)).toBe(true);
    const c = new CSVLogger();
    await c.setup([new Checkbox({ label: "ok" })], dir);
    await c.flag([true], "", null);
    expect(c.path).toBe(path.join(dir, "dataset2.csv"));
    // Each app finds its own log again, first match wins.
    const again = new CSVLogger();
    await again.setup(wide(), dir);
    expect(again.path).toBe(path.join(dir, "dataset1.csv"));
    expect(again.rowCount).toBe(1);
    expect(await again.flag(["x2", "y2", 2], "", null)).toBe(2);
    expect(readLog(dir + "/log.csv").map((r) => r[0])).toEqual(["text", "one"]);
    expect(readLog(dir + "/dataset1.csv").map((r) => r.slice(0, 2))).toEqual([["text", "extra"], ["x", "y"], ["x2", "y2"]]);
    expect(readLog(dir + "/dataset2.csv").map((r) => r[0])).toEqual(["ok", "true"]);
  });

  it("keeps two apps set up on an empty folder apart when both flag at once", async () => {
    const dir = tmp();
    const a = new CSVLogger();
    const b = new CSVLogger();
    await a.setup(components(), dir);
    await b.setup([new Checkbox({ label: "ok" })], dir);
    expect(a.path).toBe(b.path); // both see log.csv free until one writes
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => a.flag([`a${i}`, i], "", null)),
      ...Array.from({ length: 20 }, (_, i) => b.flag([i % 2 === 0], "", null)),
    ]);
    expect(new Set([path.basename(a.path), path.basename(b.path)])).toEqual(new Set(["log.csv", "dataset1.csv"]));
    const [headA, ...rowsA] = readLog(a.path);
    const [headB, ...rowsB] = readLog(b.path);
    expect(headA).toEqual(["text", "n", "flag", "username", "timestamp"]);
    expect(headB).toEqual(["ok", "flag", "username", "timestamp"]);
    expect(rowsA).toHaveLength(20);
    expect(rowsB).toHaveLength(20);
    expect(rowsB.every((r) => r[0] === "true" || r[0] === "false")).toBe(true);
  });

  it("with an explicit filename, refuses a log whose columns differ and leaves it untouched", async () => {
    const dir = tmp();
    const a = new CSVLogger({ filename: "mine.csv" });
    await a.setup(components(), dir);
    await a.flag(["one", 1], "", null);
    const before = readFileSync(dir + "/mine.csv");
    const other = new CSVLogger({ filename: "mine.csv" });
    await expect(other.setup([new Textbox({ label: "text" }), new Textbox({ label: "extra" }), new NumberComponent({ label: "n" })], dir)).rejects.toThrowCode(
      "TR_ERR_FLAGGING",
      /has the columns \["text","n","flag","username","timestamp"\], but this interface flags \["text","extra","n",/,
    );
    await expect(other.flag(["x", "y", 1], "", null)).rejects.toThrowCode("TR_ERR_CALL", /setup/);
    expect(readFileSync(dir + "/mine.csv").equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(["mine.csv"]);
  });

  it("repairs a last row cut short at any byte, keeping the rest and the cut bytes", async () => {
    const dir = tmp();
    const logger = new CSVLogger();
    await logger.setup(components(), dir);
    await logger.flag(["first,\n\"row\"", 1], "", null);
    await logger.flag(["second\r\nrow", 2], "", null);
    const whole = readFileSync(dir + "/log.csv");
    const firstTwo = whole.subarray(0, whole.lastIndexOf(Buffer.from('"second')));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      for (let cut = firstTwo.length + 1; cut < whole.length; cut += 3) {
        const torn = tmp();
        writeFileSync(torn + "/log.csv", whole.subarray(0, cut));
        const again = new CSVLogger();
        await again.setup(components(), torn);
        expect(readFileSync(torn + "/log.csv").equals(firstTwo), `cut at ${cut}`).toBe(true);
        const aside = readdirSync(torn).filter((f) => f.endsWith(".torn"));
        expect(aside).toHaveLength(1);
        expect(readFileSync(path.join(torn, aside[0])).equals(whole.subarray(firstTwo.length, cut))).toBe(true);
        expect(await again.flag(["third", 3], "", null)).toBe(2);
        expect(readLog(torn + "/log.csv").map((r) => r[0])).toEqual(["text", "first,\n\"row\"", "third"]);
      }
    } finally {
      warn.mockRestore();
    }
  });

  it("rewrites the header when even the header was cut short", async () => {
    const dir = tmp();
    writeFileSync(dir + "/log.csv", Buffer.concat([BOM, Buffer.from('"text","n","fl')]));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const logger = new CSVLogger();
    await logger.setup(components(), dir);
    warn.mockRestore();
    await logger.flag(["x", 1], "", null);
    expect(readLog(dir + "/log.csv")).toEqual([
      ["text", "n", "flag", "username", "timestamp"],
      ["x", "1", "", "", expect.any(String)],
    ]);
  });

  it("refuses a log damaged before its last row instead of cutting it", async () => {
    const dir = tmp();
    const damaged = '"text","n","flag","username","timestamp"\r\n"a"x,"1","","",""\r\n"b","2","","",""\r\n';
    writeFileSync(dir + "/log.csv", damaged);
    await expect(new CSVLogger().setup(components(), dir)).rejects.toThrowCode("TR_ERR_FLAGGING", /damaged before its last row/);
    expect(readFileSync(dir + "/log.csv", "utf8")).toBe(damaged);
  });

  it("gives 200 concurrent flags 200 whole rows", async () => {
    const dir = tmp();
    const logger = new CSVLogger();
    await logger.setup(components(), dir);
    const text = (i: number) => `row ${i}\n${"x,\"".repeat(i)}`;
    const counts = await Promise.all(Array.from({ length: 200 }, (_, i) => logger.flag([text(i), i], "", null)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const [, ...rows] = readLog(dir + "/log.csv");
    expect(rows).toHaveLength(200);
    for (const row of rows) {
      expect(row).toHaveLength(5);
      expect(row[0]).toBe(text(Number(row[1])));
    }
    expect(new Set(rows.map((r) => r[1])).size).toBe(200);
  });
});
