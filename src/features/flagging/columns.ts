import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Component } from "../../components/component.js";
import { OptionError } from "../../core/errors.js";
import { countFlagged } from "./budget.js";
import { copyNewFile, flagKind, hashFile, hashText, isUrl, pathOf, storeOnce, writeNewFile } from "./files.js";

/** One column per flagged component: its label (as the Interface set it), else `component <i>`. */
export function columnLabels(components: Component<any, any>[]): string[] {
  return components.map((c, i) => c.label ?? `component ${i}`);
}

/**
 * The folder under the flagging dir that holds a component's files: its label with anything that is
 * not a letter, digit, space, `_`, `-` or `.` replaced, no leading dots, unique among the columns.
 */
export function folderNames(components: Component<any, any>[]): string[] {
  const used = new Set<string>();
  return columnLabels(components).map((label, i) => {
    let name = label
      .normalize("NFC")
      .replace(/[^\p{L}\p{N} _.-]/gu, "_")
      .replace(/^[.\s]+/, "")
      .trim()
      .slice(0, 100);
    if (!name) name = `component_${i}`;
    while (used.has(name.toLowerCase())) name = `${name}_${i}`;
    used.add(name.toLowerCase());
    return name;
  });
}

/** The file's extension from its name, else from its content (uploads of bare blobs are named "blob"), else none. */
async function extensionOf(item: unknown, file: string): Promise<string> {
  for (const candidate of [file, (item as { orig_name?: unknown })?.orig_name]) {
    if (typeof candidate !== "string") continue;
    const ext = path.extname(candidate).toLowerCase();
    if (/^\.[a-z0-9]{1,10}$/.test(ext)) return ext;
  }
  const { fileTypeFromFile } = await import("file-type"); // loaded on the first flag of a file
  const sniffed = await fileTypeFromFile(file).catch(() => undefined);
  return sniffed ? `.${sniffed.ext}` : "";
}

export interface CellOptions {
  /** Structured values as JSON text in the cell instead of a .json file (the SQLite logger). */
  inlineJson?: boolean;
}

/**
 * Turns one flagged sample into cell texts, saving what belongs in files first (so a row never names a
 * file that is not on disk): media are copied to `<dir>/<folder>/<sha256>.<ext>`, structured values
 * saved as `<sha256>.json`, and the cell holds the path relative to `dir` (forward slashes). Files are
 * named by their content, so the same bytes flagged again reuse the stored copy. Several files
 * give a JSON list of paths. Text is kept as is; other values as JSON; null as an empty cell.
 */
export async function renderCells(
  components: Component<any, any>[],
  values: unknown[],
  dir: string,
  folders: string[],
  opts: CellOptions = {},
): Promise<string[]> {
  const cells: string[] = [];
  for (const [i, c] of components.entries()) {
    const v = values[i] ?? null;
    const kind = flagKind(c);
    if (v === null || v === "") {
      cells.push("");
    } else if (kind === "file") {
      const save = async (item: unknown): Promise<string> => {
        const source = pathOf(item);
        if (source === undefined) throw new OptionError("TR_ERR_CALL", `flag: "${columnLabels(components)[i]}" must be a FileData or a file path`);
        if (isUrl(source)) return source;
        const folder = path.join(dir, folders[i]);
        await mkdir(folder, { recursive: true });
        const name = `${await hashFile(source)}${await extensionOf(item, source)}`;
        countFlagged(dir, await storeOnce(path.join(folder, name), (tmp) => copyNewFile(source, tmp)));
        return `${folders[i]}/${name}`;
      };
      if (Array.isArray(v)) {
        const list: string[] = [];
        for (const item of v) list.push(await save(item));
        cells.push(JSON.stringify(list));
      } else cells.push(await save(v));
    } else if (kind === "json") {
      const text = JSON.stringify(v);
      if (opts.inlineJson) {
        cells.push(text);
      } else {
        const folder = path.join(dir, folders[i]);
        await mkdir(folder, { recursive: true });
        const name = `${hashText(text)}.json`;
        countFlagged(dir, await storeOnce(path.join(folder, name), (tmp) => writeNewFile(tmp, text)));
        cells.push(`${folders[i]}/${name}`);
      }
    } else {
      cells.push(typeof v === "string" ? v : JSON.stringify(v));
    }
  }
  return cells;
}
