import { mkdir, open, readFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import lockfile from "proper-lockfile";
import { type Component } from "../../components/component.js";
import type { FlaggingCallback } from "./callback.js";
import { columnLabels, folderNames, renderCells } from "./columns.js";
import { BOM, csvRecord, parseLog, restore } from "./csv-format.js";
import { writeNewFile } from "./files.js";
import { countFlagged } from "./budget.js";
import { checkOptions, describe } from "../../core/options.js";
import { OptionError, TradioFailure } from "../../core/errors.js";

export interface CSVLoggerOptions {
  /**
   * Name of the log inside the flagging dir. Without it the log is `log.csv`, or, when that holds other
   * columns (another app flags into the same folder), the first of `dataset1.csv`, `dataset2.csv`, …
   * whose columns match, else the first free one, as Gradio 5 names them. A given name is used as it is,
   * and a log there with other columns is refused.
   */
  filename?: string;
}

/** Most `datasetN.csv` logs one folder may hold. */
const MAX_LOGS = 1000;

/** The log names tried in order when no filename is given. */
export function logCandidates(): string[] {
  return ["log.csv", ...Array.from({ length: MAX_LOGS }, (_, i) => `dataset${i + 1}.csv`)];
}

// Loggers in this process that are choosing or creating a log in a folder take turns, so two apps
// sharing a folder cannot both claim the same new file.
const folderTurns = new Map<string, Promise<unknown>>();
function inTurn<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const prev = folderTurns.get(dir) ?? Promise.resolve();
  const next = prev.then(work, work);
  const settled = next.catch(() => {});
  folderTurns.set(dir, settled);
  void settled.then(() => {
    if (folderTurns.get(dir) === settled) folderTurns.delete(dir);
  });
  return next;
}

interface Pending {
  record: Buffer;
  resolve: (row: number) => void;
  reject: (err: unknown) => void;
}

async function writeAll(fh: FileHandle, data: Buffer): Promise<void> {
  for (let offset = 0; offset < data.length; ) {
    const { bytesWritten } = await fh.write(data, offset);
    offset += bytesWritten;
  }
}

/**
 * The default flagging callback (Gradio's CSVLogger): `<flaggingDir>/log.csv`, a header once (one
 * column per component label, then `flag`, `username`, `timestamp`), one row per flag. Media and
 * structured values go to files under `<flaggingDir>/<label>/` and the cell holds their relative path.
 *
 * Rows are never lost or mixed: each flag's row is appended whole in one write and flushed to disk
 * before `flag()` resolves (rows that arrive during a write share the next one); a row cut short by a
 * crash is moved aside on the next `setup()`; a log whose columns differ is never appended to: apps with
 * other columns sharing the folder get `dataset1.csv`, `dataset2.csv`, … (see `CSVLoggerOptions.filename`).
 * Several processes (on one host, or sharing the folder over a network file system) may flag into one
 * log: each write holds a lock file beside the log (`log.csv.lock`, a folder made atomically), so rows
 * of different processes never interleave, and rows others appended meanwhile are counted.
 */
export class CSVLogger implements FlaggingCallback {
  /** The name asked for, or undefined for the automatic `log.csv` / `datasetN.csv` choice. */
  readonly filename: string | undefined;
  private components: Component<any, any>[] = [];
  private folders: string[] = [];
  private header: string[] = [];
  private dir = "";
  private file = "";
  private rows = 0;
  private ready = false;
  /** Whether the chosen log is known to carry this logger's header (false while it is absent or empty). */
  private claimed = false;
  private readonly queue: Pending[] = [];
  private writing = false;
  /** The log's size after this process's last write: a different size means others appended since. */
  private knownSize = -1;

  constructor(opts: CSVLoggerOptions = {}) {
    checkOptions("CSVLogger", opts as Record<string, unknown>, { filename: "string" });
    const filename = opts.filename;
    if (filename !== undefined && (!filename || filename !== path.basename(filename) || filename.startsWith("."))) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `CSVLogger: option "filename" must be a plain file name, got ${describe(filename)}`);
    }
    this.filename = filename;
  }

  /** The log's path (known after `setup`). */
  get path(): string {
    return this.file;
  }

  /** Rows in the log, header excluded. */
  get rowCount(): number {
    return this.rows;
  }

  async setup(components: Component<any, any>[], dir: string): Promise<void> {
    this.ready = false;
    this.components = [...components];
    this.dir = path.resolve(dir);
    this.folders = folderNames(this.components);
    this.header = [...columnLabels(this.components), "flag", "username", "timestamp"];
    await inTurn(this.dir, () => this.choose());
    this.ready = true;
  }

  async flag(values: unknown[], option = "", username: string | null = null): Promise<number> {
    if (!this.ready) throw new TradioFailure("TR_ERR_CALL", "CSVLogger: call setup(components, dir) before flag()");
    if (!Array.isArray(values) || values.length !== this.components.length) {
      throw new OptionError("TR_ERR_CALL", `CSVLogger: flag() needs ${this.components.length} values (one per component), got ${describe(values)}${Array.isArray(values) ? ` of length ${values.length}` : ""}`);
    }
    const timestamp = new Date().toISOString();
    const cells = await renderCells(this.components, values, this.dir, this.folders);
    return this.append(csvRecord([...cells, option ?? "", username ?? "", timestamp]));
  }

  /** Picks the log (see `CSVLoggerOptions.filename`), repairing a torn last row of the one it keeps. */
  private async choose(): Promise<void> {
    const names = this.filename !== undefined ? [this.filename] : logCandidates();
    for (const name of names) {
      const file = path.join(this.dir, name);
      const found = await this.inspect(file, this.filename !== undefined);
      if (found === "other") continue;
      this.file = file;
      this.rows = found === "empty" ? 0 : found;
      this.claimed = found !== "empty";
      return;
    }
    throw new TradioFailure("TR_ERR_FLAGGING", `CSVLogger: ${this.dir} already holds ${MAX_LOGS + 1} logs with other columns; use another flaggingDir`);
  }

  /**
   * What a log holds: "empty" (absent, or nothing whole in it), "other" (another header; refused when
   * `strict`), or this logger's header and that many rows, after cutting off a last row a crash left incomplete.
   */
  private async inspect(file: string, strict: boolean): Promise<"empty" | "other" | number> {
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return "empty";
      throw err;
    }
    const log = parseLog(buf);
    if (log.records.length > 0) {
      const found = log.records[0].map(restore);
      if (found.length !== this.header.length || found.some((h, i) => h !== this.header[i])) {
        if (!strict) return "other";
        throw new TradioFailure(
          "TR_ERR_FLAGGING",
          `CSVLogger: ${file} has the columns ${JSON.stringify(found)}, but this interface flags ${JSON.stringify(this.header)}; ` +
            `use another flaggingDir or filename, or move the old log away`,
        );
      }
    }
    if (log.damage) {
      throw new TradioFailure("TR_ERR_FLAGGING", `CSVLogger: ${file} is damaged before its last row (${log.damage}); repair it or move it away`);
    }
    const end = log.records.length > 0 ? log.end : 0;
    if (end < buf.length) {
      const tail = buf.subarray(end);
      const aside = `${file}.${new Date().toISOString().replace(/[:.]/g, "-")}.torn`;
      await writeNewFile(aside, tail);
      const fh = await open(file, "r+");
      try {
        await fh.truncate(end);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      console.warn(`tradio: ${file} ended with an incomplete row (${tail.length} bytes from a write cut short); moved them to ${aside}`);
    }
    return log.records.length === 0 ? "empty" : log.records.length - 1;
  }

  /** Rows other processes appended between two of this one's writes (whole rows: they wrote under the lock). */
  private async countSince(fh: FileHandle, from: number, to: number): Promise<number> {
    if (to < from) return (await this.countAll()) - this.rows;
    const buf = Buffer.alloc(to - from);
    await fh.read(buf, 0, buf.length, from);
    return parseLog(buf).records.length;
  }

  private async countAll(): Promise<number> {
    const log = parseLog(await readFile(this.file));
    return Math.max(0, log.records.length - 1);
  }

  private append(record: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (!this.writing) void this.writeQueued();
    });
  }

  /** Group commit: rows that arrive while a write is in flight go out together in the next write. */
  private async writeQueued(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        try {
          const before = await this.write(Buffer.concat(batch.map((p) => p.record)), batch.length);
          batch.forEach((p, i) => p.resolve(before + i + 1));
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** Appends whole rows; until this logger's header is in its log, in turn with the folder's other loggers. */
  private write(rows: Buffer, count: number): Promise<number> {
    if (this.claimed) return this.writeRows(rows, count);
    return inTurn(this.dir, async () => {
      // Another app may have started the chosen log since setup; choose again.
      await this.choose();
      return this.writeRows(rows, count);
    });
  }

  /** Appends whole rows in one write, under the log's lock, and flushes them; a failed write is cut back off. Returns the row count before. */
  private async writeRows(rows: Buffer, count: number): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    // The lock is a folder beside the log; a lock left by a killed process goes stale after 10 s.
    const release = await lockfile.lock(this.file, { realpath: false, stale: 10_000, update: 2_000, retries: { retries: 600, minTimeout: 5, maxTimeout: 50, factor: 1.5 } });
    try {
      return await this.writeLocked(rows, count);
    } finally {
      await release().catch(() => undefined);
    }
  }

  private async writeLocked(rows: Buffer, count: number): Promise<number> {
    const fh = await open(this.file, "a+");
    let size = -1;
    try {
      size = (await fh.stat()).size;
      // A new (or emptied) log gets its header in the same write as its first rows.
      if (size === 0) this.rows = 0;
      else if (this.knownSize >= 0 && size !== this.knownSize) this.rows += await this.countSince(fh, this.knownSize, size);
      else if (this.knownSize < 0 && size > 0) this.rows = await this.countAll();
      const data = size === 0 ? Buffer.concat([BOM, csvRecord(this.header), rows]) : rows;
      await writeAll(fh, data);
      await fh.datasync();
      countFlagged(this.dir, data.length);
      this.claimed = true;
      this.knownSize = (await fh.stat()).size;
    } catch (err) {
      if (size >= 0) await fh.truncate(size).catch(() => {});
      this.knownSize = -1;
      throw err;
    } finally {
      await fh.close();
    }
    const before = this.rows;
    this.rows += count;
    return before;
  }
}
