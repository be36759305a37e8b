import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { BOM, csvRecord, neutralise, parseLog, restore } from "./csv-format.js";

describe("formula neutralisation", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+1-1", "'+1-1"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1:A2)", "'@SUM(A1:A2)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", "'\rcmd"],
    ["\ncmd", "'\ncmd"],
    ["safe,=HYPERLINK(1)", "'safe,=HYPERLINK(1)"],
    ["a;+b", "'a;+b"],
    ["x,\t=cmd", "'x,\t=cmd"],
    ["x|\n@cmd", "'x|\n@cmd"],
    ["'=x", "''=x"],
  ])("prefixes %j", (text, cell) => {
    expect(neutralise(text)).toBe(cell);
    expect(restore(cell)).toBe(text);
  });

  it.each(["-3", "+4.5", "-1e-3", "hello", "'quoted", "a=b", "", "2024-01-01", "x-y", "1,2", "Hello,\nworld", "item\n- item"])("keeps %j as is", (text) => {
    expect(neutralise(text)).toBe(text);
    expect(restore(text)).toBe(text);
  });
});

describe("CSV records", () => {
  it("quotes every field, escapes quotes, ends with CRLF and neutralises", () => {
    const rec = csvRecord(['say "hi"', "a,b", "two\nlines", "", "=cmd"]).toString();
    expect(rec).toBe('"say ""hi""","a,b","two\nlines","","\'=cmd"\r\n');
    expect(parse(rec)).toEqual([['say "hi"', "a,b", "two\nlines", "", "'=cmd"]]);
  });
});

describe("parseLog", () => {
  const log = Buffer.concat([BOM, csvRecord(["h1", "h2"]), csvRecord(["a", "multi\nline"]), csvRecord(["b", 'q"uote'])]);

  it("reads complete records and their end", () => {
    const parsed = parseLog(log);
    expect(parsed.records).toEqual([["h1", "h2"], ["a", "multi\nline"], ["b", 'q"uote']]);
    expect(parsed.end).toBe(log.length);
    expect(parsed.damage).toBeUndefined();
  });

  it("ends at the last complete record wherever the last write was cut", () => {
    const lastStart = log.length - csvRecord(["b", 'q"uote']).length;
    for (let cut = lastStart; cut < log.length; cut++) {
      const parsed = parseLog(log.subarray(0, cut));
      expect(parsed.damage, `cut at ${cut}`).toBeUndefined();
      expect(parsed.records, `cut at ${cut}`).toEqual([["h1", "h2"], ["a", "multi\nline"]]);
      expect(parsed.end).toBe(lastStart);
    }
  });

  it("reports damage before the last row instead of cutting it off", () => {
    const damaged = Buffer.from('"h1","h2"\r\n"a"x,"b"\r\n"c","d"\r\n');
    expect(parseLog(damaged).damage).toMatch(/after byte 11/);
  });

  it("finds nothing in an empty file or a lone BOM", () => {
    expect(parseLog(Buffer.alloc(0))).toEqual({ records: [], end: 0 });
    expect(parseLog(BOM)).toEqual({ records: [], end: 0 });
  });
});
