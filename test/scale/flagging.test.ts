// Three processes flag into one CSV log at once: every row lands whole, none interleaved, and each
// flag() resolves with its own row number.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import { expect, it } from "vitest";
import { restore } from "../../src/features/flagging/csv-format.js";
import { bigCell } from "../fixtures/flag-rows.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

it("500 flags from 3 processes into one log: none lost, none interleaved, row numbers 1..500", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tradio-flag3-"));
  try {
    const counts = { a: 167, b: 167, c: 166 };
    const outputs = await Promise.all(
      Object.entries(counts).map(([tag, n]) =>
        run(process.execPath, ["--import", "tsx", path.join(here, "../fixtures/flag-many.ts"), dir, tag, String(n)], { timeout: 100_000, maxBuffer: 1 << 20 }),
      ),
    );
    const numbers = outputs.flatMap((o) => JSON.parse(o.stdout) as number[]);
    expect(numbers.sort((x, y) => x - y)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));

    // Strict parsing: a torn or mixed row would throw or show a wrong column count.
    const [header, ...rows] = parse(readFileSync(path.join(dir, "log.csv")), { bom: true }) as string[][];
    expect(header).toEqual(["n", "text", "tag", "flag", "username", "timestamp"]);
    expect(rows).toHaveLength(500);
    const seen = new Set<string>();
    for (const row of rows) {
      expect(row).toHaveLength(6);
      const n = Number(row[0]);
      const text = restore(row[1]);
      expect(text === (n % 5 === 0 ? bigCell(n) : `small ${n}`), `row ${row[2]}/${n}`).toBe(true);
      expect(row[3]).toBe(row[2]);
      seen.add(`${row[2]}/${n}`);
    }
    expect(seen.size).toBe(500);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
