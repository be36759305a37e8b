import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Component } from "../../components/component.js";
import { State } from "../../components/state.js";
import { OptionError } from "../../core/errors.js";
import { parseLog, restore } from "../flagging/csv-format.js";
import { logCandidates } from "../flagging/csv-logger.js";
import { flagKind, isUrl } from "../flagging/files.js";

/**
 * Examples from a flagging folder (or a Gradio examples folder with a log.csv): one example per row,
 * the first columns giving the visible inputs in order. File cells are paths relative to the folder
 * (a JSON list for several files), `.json` cells are read back, other cells are text (or JSON for
 * inputs whose value is not a string). An incomplete last row (a crash mid-write) is skipped.
 */
export function flaggedExamples(dir: string, inputs: readonly Component<any, any>[], filename = flaggingLogIn(dir, inputs) ?? "log.csv"): unknown[][] {
  const visible = inputs.filter((c) => !(c instanceof State));
  const file = path.join(dir, filename);
  const log = parseLog(readFileSync(file));
  if (log.damage) throw new OptionError("TR_ERR_EXAMPLES", `Interface: option "examples": ${file} cannot be read: ${log.damage}`);
  const [header, ...rows] = log.records;
  if (!header) return [];
  if (header.length < visible.length) {
    throw new OptionError("TR_ERR_EXAMPLES", `Interface: option "examples": ${file} has ${header.length} columns, but the interface has ${visible.length} inputs`);
  }
  return rows.map((row, r) => visible.map((c, i) => cellValue(c, restore(row[i] ?? ""), dir, `${file}, row ${r + 1}`)));
}

/**
 * The flagging log of a folder that fits these inputs: of `log.csv`, `dataset1.csv`, … (one per app that
 * flagged there), the first whose first columns are the inputs' labels, else the first there is.
 */
export function flaggingLogIn(dir: string, inputs: readonly Component<any, any>[]): string | undefined {
  const present = logCandidates().filter((name) => existsSync(path.join(dir, name)));
  if (present.length <= 1) return present[0];
  const labels = inputs.filter((c) => !(c instanceof State)).map((c) => c.label);
  const fits = present.find((name) => {
    const [header] = parseLog(readFileSync(path.join(dir, name))).records;
    return header !== undefined && labels.every((label, i) => label !== undefined && header[i] !== undefined && restore(header[i]!) === label);
  });
  return fits ?? present[0];
}

function cellValue(c: Component<any, any>, cell: string, dir: string, where: string): unknown {
  const kind = flagKind(c);
  if (kind === "file") {
    if (cell === "") return null;
    if (cell.startsWith("[")) {
      const list = parseJson(cell, where);
      if (!Array.isArray(list) || !list.every((p) => typeof p === "string")) throw new OptionError("TR_ERR_EXAMPLES", `Interface: option "examples": ${where}: expected a list of paths`);
      return list.map((p) => (isUrl(p) ? p : inside(dir, p, where)));
    }
    return isUrl(cell) ? cell : inside(dir, cell, where);
  }
  if (kind === "json") {
    if (cell === "") return null;
    if (/\.json$/i.test(cell)) return parseJson(readFileSync(inside(dir, cell, where), "utf8"), where);
    return parseJson(cell, where);
  }
  if (c.apiInfo().type === "string") return cell;
  if (cell === "") return null;
  try {
    return JSON.parse(cell);
  } catch {
    return cell;
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OptionError("TR_ERR_EXAMPLES", `Interface: option "examples": ${where}: invalid JSON (${(err as Error).message})`);
  }
}

/** A path from a log cell, kept inside the folder the log is in. */
function inside(dir: string, rel: string, where: string): string {
  const root = path.resolve(dir);
  const abs = path.resolve(root, rel);
  const relative = path.relative(root, abs);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new OptionError("TR_ERR_EXAMPLES", `Interface: option "examples": ${where} names a file outside ${dir}: ${rel}`);
  }
  return abs;
}
