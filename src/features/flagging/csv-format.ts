import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

/** Written at the start of a new log so spreadsheets read it as UTF-8. */
export const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const RISKY_START = /^[=+\-@\t\r\n]/;
// Some importers split cells on other separators too, so a formula may also start after one.
const RISKY_INSIDE = /[,;|]\s*[=+\-@]/;

function risky(text: string): boolean {
  return !NUMBER.test(text) && (RISKY_START.test(text) || RISKY_INSIDE.test(text));
}

/**
 * A cell a spreadsheet would run as a formula (CVE-2022-24770) gets a `'` in front. Text that already
 * starts with `'` before such content gets one more, so `restore` gives back exactly what was flagged.
 */
export function neutralise(text: string): string {
  return risky(text.replace(/^'+/, "")) ? `'${text}` : text;
}

/** Undoes `neutralise`. */
export function restore(cell: string): string {
  return cell.startsWith("'") && risky(cell.replace(/^'+/, "")) ? cell.slice(1) : cell;
}

/** One CSV record (every field quoted, CRLF as RFC 4180 says), cells neutralised. */
export function csvRecord(cells: string[]): Buffer {
  return Buffer.from(stringify([cells.map(neutralise)], { quoted: true, quoted_empty: true, record_delimiter: "\r\n" }));
}

export interface ParsedLog {
  /** Every complete record (terminated by a line break), header first. */
  records: string[][];
  /** Byte offset just after the last complete record. */
  end: number;
  /** Set when the bytes after `end` are not the torn end of the last record but damage inside the file. */
  damage?: string;
}

/**
 * Reads a log, keeping only records that end with a line break: a write cut short by a crash leaves
 * an unterminated last record, an unclosed quote, or a stray `\r`, all after the last complete record.
 */
export function parseLog(buf: Buffer): ParsedLog {
  const records: string[][] = [];
  let end = 0;
  let error: (Error & { code?: string }) | undefined;
  try {
    parse(buf, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[], ctx: { bytes: number }) => {
        if (buf[ctx.bytes - 1] === 0x0a) {
          records.push(record);
          end = ctx.bytes;
        }
        return null;
      },
    });
  } catch (err) {
    error = err as Error & { code?: string };
  }
  const tail = buf.subarray(end);
  if (error && error.code !== "CSV_QUOTE_NOT_CLOSED" && tail.includes(0x0a)) {
    return { records, end, damage: `${error.message} (after byte ${end})` };
  }
  return { records, end };
}
