import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as tr from "../src/index.js";
import type { Graph } from "../src/graph/graph.js";
import { Runtime } from "../src/runtime/runtime.js";
import { restore } from "../src/features/flagging/csv-format.js";
import flaggingDemo from "../demo/flagging/app.js";
import { bigCell } from "./fixtures/flag-rows.js";
import { configOf, connect, post, start } from "./helpers.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tradio-flag-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const readLog = (dir: string): string[][] => parse(readFileSync(path.join(dir, "log.csv")), { bom: true });
const greet = (text: string, n: number | null) => `${text}:${n}`;
const config = (iface: { graph: Graph }) => configOf(iface);
const flagDependency = (cfg: any) => cfg.dependencies.find((d: any) => d.api_name === "flag");
const buttonsIn = (cfg: any, ids: number[]) => ids.map((id) => cfg.components.find((c: any) => c.id === id));
const outputButtonsRow = (cfg: any) => {
  const row = cfg.components.find((c: any) => c.props.elem_classes?.includes("output-buttons"));
  const find = (node: any): any => (node.id === row.id ? node : node.children?.map(find).find(Boolean));
  return (find(cfg.layout).children ?? []).map((n: any) => n.id) as number[];
};

describe("the graph a page needs", () => {
  it("manual without options: one Flag button in the output row with its own event, the /flag API event and a hidden option box", async () => {
    const cfg = await config(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", flaggingDir: tmp() }));
    expect(cfg.allow_flagging).toBe("manual");
    const dep = flagDependency(cfg);
    const buttons = buttonsIn(cfg, outputButtonsRow(cfg));
    expect(buttons.map((b: any) => [b.type, b.props.value, b.props.elem_classes])).toEqual([["button", "Flag", ["flag"]]]);
    const byId = (id: number) => cfg.components.find((c: any) => c.id === id);
    const predict = cfg.dependencies.find((d: any) => d.api_name === "predict");
    // The button's own event: the visible inputs and outputs, its option bound on the server; not in the API.
    const clicked = cfg.dependencies.filter((d: any) => d.targets.some(([id]: [number]) => id === buttons[0].id));
    expect(clicked).toHaveLength(1);
    expect(clicked[0]).toMatchObject({ api_name: null, show_api: false, backend_fn: true, outputs: [], concurrency_limit: null });
    expect(clicked[0].inputs).toEqual([...predict.inputs, ...predict.outputs]);
    // The API's /flag: the visible inputs, the visible outputs, then the option; no button runs it.
    expect(dep.targets).toEqual([]);
    expect(dep.inputs.slice(0, 3)).toEqual([...predict.inputs, ...predict.outputs]);
    expect(byId(dep.inputs[3])).toMatchObject({ type: "textbox", props: { label: "flag option", visible: false, value: "" } });
    expect(dep.outputs).toEqual([]);
    expect(dep.concurrency_limit).toBeNull();
    // Outputs stay read-only although the flag events read them; the server says so for every component.
    expect(byId(predict.outputs[0]).props.interactive).toBe(false);
    expect(byId(predict.inputs[0]).props.interactive).toBe(true);
  });

  it("options: a string gives `Flag as <x>`, a [label, value] pair sets both", async () => {
    const cfg = await config(
      new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", flaggingDir: tmp(), flaggingOptions: ["incorrect", ["Looks odd", "odd"]] }),
    );
    const buttons = buttonsIn(cfg, outputButtonsRow(cfg));
    expect(buttons.map((b: any) => b.props.value)).toEqual(["Flag as incorrect", "Looks odd"]);
    expect(cfg.flagging_options).toEqual([
      ["Flag as incorrect", "incorrect"],
      ["Looks odd", "odd"],
    ]);
    for (const b of buttons) expect(cfg.dependencies.filter((d: any) => d.targets.some(([id]: [number]) => id === b.id))).toHaveLength(1);
  });

  it("auto and never: no buttons", async () => {
    for (const mode of ["auto", "never"] as const) {
      const cfg = await config(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", allowFlagging: mode }));
      expect(cfg.allow_flagging).toBe(mode);
      expect(outputButtonsRow(cfg)).toEqual([]);
      expect(flagDependency(cfg).targets).toEqual([]);
    }
  });

  it("validates the flagging options", () => {
    const make = (extra: object) => () => new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", ...extra } as any);
    expect(make({ flaggingCallback: {} })).toThrowCode("TR_ERR_OPTION_INVALID", /"flaggingCallback"/);
    expect(make({ flaggingCallback: { setup() {}, flag() {} } })).not.toThrow();
    expect(make({ flaggingOptions: [["only label"]] })).toThrowCode("TR_ERR_OPTION_INVALID", /"flaggingOptions"/);
    expect(make({ allowFlagging: true })).toThrowCode("TR_ERR_OPTION_INVALID", /"allowFlagging"/);
  });
});

describe("manual flagging through @gradio/client", () => {
  const dir = tmp();
  let app: Awaited<ReturnType<typeof start>>;
  let png: Buffer;
  beforeAll(async () => {
    png = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#ff0000" } }).png().toBuffer();
    app = await start(
      new tr.Interface({
        fn: (photo: string | null, note: string) => [photo, { red: 0.9, blue: 0.1 }],
        inputs: [new tr.Image({ type: "filepath", label: "photo" }), new tr.Textbox({ label: "note" })],
        outputs: [new tr.Image({ label: "result" }), new tr.Label({ label: "guess" })],
        flaggingDir: dir,
        flaggingOptions: ["incorrect", "other"],
      }),
    );
  });
  afterAll(() => app.close());

  it("lists /flag with one parameter per input and output, then the option", async () => {
    const api = (await (await connect(app.base)).view_api()) as any;
    expect(api.named_endpoints["/flag"].parameters.map((p: any) => p.parameter_name)).toEqual(["photo", "note", "result", "guess", "flag_option"]);
    expect(api.named_endpoints["/flag"].returns).toEqual([]);
  });

  it("flags uploaded inputs and served outputs, copying the files beside the log", async () => {
    const { handle_file } = await import("@gradio/client");
    const client = await connect(app.base);
    const [result, guess] = (await client.predict("/predict", [handle_file(new Blob([new Uint8Array(png)], { type: "image/png" })), "=HYPERLINK(1)"])).data as any[];
    const flagged = await client.predict("/flag", [handle_file(new Blob([new Uint8Array(png)], { type: "image/png" })), "=HYPERLINK(1)", result, guess, "incorrect"]);
    expect(flagged.data).toEqual([]);

    const [header, row] = readLog(dir);
    expect(header).toEqual(["photo", "note", "result", "guess", "flag", "username", "timestamp"]);
    expect(row[0]).toMatch(/^photo\/[0-9a-f]{64}\.png$/);
    expect(readFileSync(path.join(dir, row[0])).equals(png)).toBe(true);
    expect(row[1]).toBe("'=HYPERLINK(1)");
    expect(row[2]).toMatch(/^result\/[0-9a-f]{64}\.png$/);
    expect(readFileSync(path.join(dir, row[2])).equals(png)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, row[3]), "utf8"))).toEqual(guess);
    expect(row.slice(4, 6)).toEqual(["incorrect", ""]);

    // The folder now works as examples.
    const again = new tr.Interface({
      fn: (photo: string | null, note: string) => note,
      inputs: [new tr.Image({ type: "filepath", label: "photo" }), new tr.Textbox({ label: "note" })],
      outputs: "text",
      examples: dir,
      allowFlagging: "never",
    });
    const cfg = await config(again);
    const samples = cfg.components.find((c: any) => c.type === "dataset").props.samples;
    expect(samples).toHaveLength(1);
    expect(samples[0][1]).toBe("=HYPERLINK(1)");
    expect(readFileSync(samples[0][0].path).equals(png)).toBe(true);
  });

  it("never copies a path the client made up", async () => {
    const before = existsSync(path.join(dir, "photo")) ? readdirSync(path.join(dir, "photo")).length : 0;
    for (const p of ["/etc/passwd", "../../../../etc/passwd", path.join(here, "flagging.test.ts")]) {
      const r = await post(app.base, "/gradio_api/run/flag", { data: [{ path: p, meta: { _type: "gradio.FileData" } }, "x", null, null, "other"] });
      expect(r.status, p).toBe(422);
      expect(r.json.code).toBe("TR_ERR_FILE_PATH");
      expect(r.json.error).toMatch(/flag: "photo"/);
    }
    const after = existsSync(path.join(dir, "photo")) ? readdirSync(path.join(dir, "photo")).length : 0;
    expect(after).toBe(before);
  });

  it("refuses an option the app does not offer, with the list of those it does", async () => {
    const r = await post(app.base, "/gradio_api/run/flag", { data: [null, "x", null, null, "spam"] });
    expect(r.status).toBe(422);
    expect(r.json.code).toBe("TR_ERR_INVALID_VALUE");
    expect(r.json.error).toMatch(/one of "incorrect", "other"/);
    const client = await connect(app.base);
    await expect(client.predict("/flag", [null, "x", null, null, ""])).rejects.toMatchObject({ message: expect.stringMatching(/must be one of/) });
  });
});

describe("never", () => {
  it("refuses /flag with a clear error on /run and on the queue, and does not list it", async () => {
    const dir = tmp();
    const app = await start(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", allowFlagging: "never", flaggingDir: dir }));
    try {
      const r = await post(app.base, "/gradio_api/run/flag", { data: ["a", 1, "a:1", ""] });
      expect(r.status).toBe(422);
      expect(r.json.code).toBe("TR_ERR_INVALID_VALUE");
      expect(r.json.error).toMatch(/allowFlagging: "never"/);
      const client = await connect(app.base);
      expect(Object.keys(((await client.view_api()) as any).named_endpoints)).toEqual(["/predict"]);
      await expect(client.predict("/flag", ["a", 1, "a:1", ""])).rejects.toMatchObject({ message: expect.stringMatching(/flagging is turned off/) });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe("an empty flag", () => {
  it("is refused with 422 TR_ERR_FLAG_EMPTY when every input and output is empty, on /run and on the queue; a flag with any value is kept", async () => {
    const dir = tmp();
    const iface = new tr.Interface({ fn: (text: string, n: number | null) => `${text}:${n}`, inputs: ["text", "number"], outputs: "text", flaggingDir: dir });
    const app = await start(iface);
    try {
      for (const data of [[null, null, null, ""], ["", null, "", ""]]) {
        const r = await post(app.base, "/gradio_api/run/flag", { data });
        expect(r.status).toBe(422);
        expect(r.json.code).toBe("TR_ERR_FLAG_EMPTY");
        expect(r.json.error).toMatch(/nothing to flag/);
      }
      const client = await connect(app.base);
      await expect(client.predict("/flag", ["", null, null, ""])).rejects.toMatchObject({ message: expect.stringMatching(/nothing to flag/) });
      expect(existsSync(path.join(dir, "log.csv")) ? readLog(dir).length : 1).toBe(1);
      // A zero is a value.
      expect((await post(app.base, "/gradio_api/run/flag", { data: ["", 0, "", ""] })).status).toBe(200);
      expect(readLog(dir)).toHaveLength(2);
    } finally {
      await app.close();
    }
  });
});

describe("a bounded flagging folder", () => {
  /** Bytes of every file under a folder. */
  const du = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
      const p = path.join(dir, e.name);
      return n + (e.isDirectory() ? du(p) : e.isFile() ? statSync(p).size : 0);
    }, 0);
  const upload = async (base: string, bytes: Buffer, name: string): Promise<string> => {
    const form = new FormData();
    form.append("files", new Blob([new Uint8Array(bytes)]), name);
    const res = await fetch(`${base}/gradio_api/upload`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    return ((await res.json()) as string[])[0]!;
  };
  const fileData = (p: string) => ({ path: p, meta: { _type: "gradio.FileData" } });
  const echoFile = (opts: object = {}) =>
    new tr.Interface({ fn: (f: string | null, note: string) => note, inputs: [new tr.File({ label: "doc" }), new tr.Textbox({ label: "note" })], outputs: "text", ...opts });

  it("stores a file flagged again and again once: 20 flags of one 4 MiB upload (and 5 uploads of the same bytes) take 4 MiB, not 100", async () => {
    const dir = tmp();
    const app = await start(echoFile({ flaggingDir: dir }), { maxStoreSize: 64 * 1024 ** 2 });
    try {
      const bytes = Buffer.alloc(4 * 1024 ** 2, 7);
      const stored = await upload(app.base, bytes, "big.bin");
      for (let i = 0; i < 20; i++) {
        const r = await post(app.base, "/gradio_api/run/flag", { data: [fileData(stored), `flag ${i}`, `flag ${i}`, ""] });
        expect(r.status, r.text).toBe(200);
      }
      // The same bytes uploaded again (new paths in the store), through @gradio/client as a page would send them.
      const { handle_file } = await import("@gradio/client");
      const client = await connect(app.base);
      for (let i = 0; i < 5; i++) await client.predict("/flag", [handle_file(new File([new Uint8Array(bytes)], "big.bin")), `again ${i}`, `again ${i}`, ""]);
    } finally {
      await app.close();
    }
    const [header, ...rows] = readLog(dir);
    expect(header.slice(0, 3)).toEqual(["doc", "note", "output"]);
    expect(rows).toHaveLength(25);
    const cells = new Set(rows.map((r) => r[0]));
    expect(cells.size).toBe(1);
    expect([...cells][0]).toMatch(/^doc\/[0-9a-f]{64}\.bin$/);
    expect(readdirSync(path.join(dir, "doc"))).toHaveLength(1);
    expect(readFileSync(path.join(dir, [...cells][0]!)).equals(Buffer.alloc(4 * 1024 ** 2, 7))).toBe(true);
    expect(du(dir)).toBeLessThan(4 * 1024 ** 2 + 64 * 1024);
  }, 60_000);

  it("refuses a flag past maxFlaggedBytes with 507 TR_ERR_STORE_FULL, writing nothing of it; the log stays whole, also after a restart", async () => {
    const dir = tmp();
    const limit = 256 * 1024;
    const app = await start(echoFile({ flaggingDir: dir, maxFlaggedBytes: limit, flagsPerMinute: null }));
    let accepted = 0;
    try {
      // A file bigger than the room left is refused before anything is copied.
      const big = await upload(app.base, Buffer.alloc(limit, 1), "big.bin");
      const r = await post(app.base, "/gradio_api/run/flag", { data: [fileData(big), "big", "big", ""] });
      expect([r.status, r.json.code]).toEqual([507, "TR_ERR_STORE_FULL"]);
      expect(r.json.error).toMatch(/no room in the flagging folder.*maxFlaggedBytes.*nothing was saved/);
      expect(existsSync(path.join(dir, "doc"))).toBe(false);
      // Rows of 10 000 characters until the folder is full.
      const text = (i: number) => `${i} ${"x".repeat(10_000)}`;
      let last: Awaited<ReturnType<typeof post>> | undefined;
      for (let i = 0; i < 100; i++) {
        last = await post(app.base, "/gradio_api/run/flag", { data: [null, text(i), "", ""] });
        if (last.status !== 200) break;
        accepted++;
      }
      expect([last!.status, last!.json.code]).toEqual([507, "TR_ERR_STORE_FULL"]);
      expect(accepted).toBeGreaterThan(5);
      expect(du(dir)).toBeLessThanOrEqual(limit);
      // Through the queue (as the page sends it) the message says why.
      const client = await connect(app.base);
      await expect(client.predict("/flag", [null, text(1000), "", ""])).rejects.toMatchObject({ message: expect.stringMatching(/no room in the flagging folder/) });
    } finally {
      await app.close();
    }
    const rows = readLog(dir).slice(1);
    expect(rows.map((r) => r[1])).toEqual(Array.from({ length: accepted }, (_, i) => `${i} ${"x".repeat(10_000)}`));
    // A launch measures the folder: it is still full.
    const again = await start(echoFile({ flaggingDir: dir, maxFlaggedBytes: limit }));
    try {
      const r = await post(again.base, "/gradio_api/run/flag", { data: [null, "x".repeat(10_000), "", ""] });
      expect([r.status, r.json.code]).toEqual([507, "TR_ERR_STORE_FULL"]);
      // A small flag still fits.
      expect((await post(again.base, "/gradio_api/run/flag", { data: [null, "short", "", ""] })).status).toBe(200);
    } finally {
      await again.close();
    }
    expect(readLog(dir).slice(1)).toHaveLength(accepted + 1);
    expect(du(dir)).toBeLessThanOrEqual(limit);
  }, 60_000);

  it("counts what the folder held before launch", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "old-notes.bin"), Buffer.alloc(100 * 1024));
    const app = await start(echoFile({ flaggingDir: dir, maxFlaggedBytes: 100 * 1024 + 4096 }));
    try {
      const r = await post(app.base, "/gradio_api/run/flag", { data: [null, "x".repeat(2000), "", ""] });
      expect([r.status, r.json.code]).toEqual([507, "TR_ERR_STORE_FULL"]);
      expect(r.json.error).toMatch(/holds 100\.0 KiB/);
      expect(existsSync(path.join(dir, "log.csv"))).toBe(false);
    } finally {
      await app.close();
    }
  });

  it("automatic flags keep to the bound too: past it the run still answers, and the refusal is logged", async () => {
    const dir = tmp();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const iface = new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", allowFlagging: "auto", flaggingDir: dir, maxFlaggedBytes: 4096 });
    const app = await start(iface);
    try {
      for (let i = 0; i < 10; i++) expect((await post(app.base, "/gradio_api/run/predict", { data: ["y".repeat(300), i] })).status).toBe(200);
      await expect.poll(() => errors.mock.calls.some((c) => /automatic flag could not be saved: flag: no room in the flagging folder/.test(String(c[0])))).toBe(true);
    } finally {
      await app.close();
      errors.mockRestore();
    }
    const rows = readLog(dir).slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(10);
    for (const row of rows) expect(row[0]).toBe("y".repeat(300));
    expect(statSync(path.join(dir, "log.csv")).size).toBeLessThanOrEqual(4096);
  });

  it("bounds the SQLite logger's folder too", async () => {
    const dir = tmp();
    const logger = new tr.SQLiteLogger();
    const app = await start(echoFile({ flaggingDir: dir, flaggingCallback: logger, maxFlaggedBytes: 64 * 1024, flagsPerMinute: null }));
    try {
      const big = await upload(app.base, Buffer.alloc(40 * 1024, 2), "a.bin");
      expect((await post(app.base, "/gradio_api/run/flag", { data: [fileData(big), "first", "", ""] })).status).toBe(200);
      const other = await upload(app.base, Buffer.alloc(40 * 1024, 3), "b.bin");
      const r = await post(app.base, "/gradio_api/run/flag", { data: [fileData(other), "second", "", ""] });
      expect([r.status, r.json.code]).toEqual([507, "TR_ERR_STORE_FULL"]);
      expect(readdirSync(path.join(dir, "doc"))).toHaveLength(1);
    } finally {
      await app.close();
      logger.close();
    }
  });

  it("limits flags per client address: 60 a minute by default, then 429 TR_ERR_RATE_LIMITED with retry-after; other addresses are not held up", async () => {
    const dir = tmp();
    const app = await start(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", flaggingDir: dir }), { trustProxy: true });
    const flag = (i: number, from: string) => post(app.base, "/gradio_api/run/flag", { data: [`t${i}`, i, "", ""] }, { "x-forwarded-for": from });
    try {
      for (let i = 0; i < 60; i++) expect((await flag(i, "203.0.113.7")).status).toBe(200);
      const res = await fetch(`${app.base}/gradio_api/run/flag`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.7" },
        body: JSON.stringify({ data: ["one too many", 60, "", ""] }),
      });
      expect(res.status).toBe(429);
      const body = (await res.json()) as any;
      expect(body.code).toBe("TR_ERR_RATE_LIMITED");
      expect(body.error).toMatch(/at most 60 a minute, flagsPerMinute/);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(60);
      expect((await flag(61, "198.51.100.3")).status).toBe(200);
    } finally {
      await app.close();
    }
    const rows = readLog(dir).slice(1);
    expect(rows).toHaveLength(61);
    expect(rows.some((r) => r[0] === "one too many")).toBe(false);
  }, 60_000);

  it("flagsPerMinute sets the rate, and the page's queue gets the same refusal", async () => {
    const dir = tmp();
    const app = await start(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", flaggingDir: dir, flagsPerMinute: 3 }));
    try {
      const client = await connect(app.base);
      for (let i = 0; i < 3; i++) await client.predict("/flag", [`t${i}`, i, "", ""]);
      await expect(client.predict("/flag", ["late", 0, "", ""])).rejects.toMatchObject({ message: expect.stringMatching(/too many flags from this address \(at most 3 a minute, flagsPerMinute\); try again in \d+ s/) });
      const r = await post(app.base, "/gradio_api/run/flag", { data: ["late", 1, "", ""] });
      expect([r.status, r.json.code]).toEqual([429, "TR_ERR_RATE_LIMITED"]);
    } finally {
      await app.close();
    }
    expect(readLog(dir).slice(1).map((r) => r[0])).toEqual(["t0", "t1", "t2"]);
  });

  it("validates maxFlaggedBytes and flagsPerMinute, naming them", () => {
    const make = (extra: object) => () => new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", ...extra } as any);
    for (const name of ["maxFlaggedBytes", "flagsPerMinute"]) {
      for (const bad of [0, -1, 1.5, "1GB", Infinity, true]) expect(make({ [name]: bad }), `${name}: ${String(bad)}`).toThrowCode("TR_ERR_OPTION_INVALID", new RegExp(`"${name}"`));
      expect(make({ [name]: null })).not.toThrow();
      expect(make({ [name]: 1000 })).not.toThrow();
    }
  });
});

describe("auto", () => {
  it("flags every client run, inputs and outputs, but not calls from code", async () => {
    const dir = tmp();
    const iface = new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", allowFlagging: "auto", flaggingDir: dir });
    const app = await start(iface);
    try {
      expect(await iface("from code", 0)).toBe("from code:0");
      const client = await connect(app.base);
      expect((await client.predict("/predict", ["via queue", 1])).data).toEqual(["via queue:1"]);
      expect((await post(app.base, "/gradio_api/run/predict", { data: ["via run", 2] })).status).toBe(200);
      await expect.poll(() => (existsSync(path.join(dir, "log.csv")) ? readLog(dir).length : 0)).toBe(3);
    } finally {
      await app.close();
    }
    const rows = readLog(dir).slice(1).map((r) => r.slice(0, 5));
    expect(rows.sort()).toEqual([
      ["via queue", "1", "via queue:1", "", ""],
      ["via run", "2", "via run:2", "", ""],
    ]);
  });

  it("flags each call of a batch the queue runs together", async () => {
    const dir = tmp();
    const iface = new tr.Interface({
      fn: (texts: string[], ns: (number | null)[]) => [texts.map((t, i) => `${t}:${ns[i]}`)],
      batch: true,
      inputs: ["text", "number"],
      outputs: "text",
      allowFlagging: "auto",
      flaggingDir: dir,
    });
    const call = (i: number) => ({ data: [`b${i}`, i], opts: { sessionKey: null, root: "http://h", request: { username: `u${i}`, headers: {}, sessionHash: null, client: { host: null } } } });
    const outcomes = await new Runtime(iface.graph).runBatch(iface.graph.events[0], [call(1), call(2), call(3)]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    await expect.poll(() => (existsSync(path.join(dir, "log.csv")) ? readLog(dir).length : 0)).toBe(4);
    expect(readLog(dir).slice(1).map((r) => [...r.slice(0, 3), r[4]]).sort()).toEqual([
      ["b1", "1", "b1:1", "u1"],
      ["b2", "2", "b2:2", "u2"],
      ["b3", "3", "b3:3", "u3"],
    ]);
  });

  it("close() waits for automatic flags still being written", async () => {
    const dir = tmp();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const written: unknown[][] = [];
    const callback: tr.FlaggingCallback = {
      setup() {},
      async flag(values) {
        await gate;
        written.push(values);
      },
    };
    const app = await start(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", allowFlagging: "auto", flaggingCallback: callback, flaggingDir: dir }));
    expect((await post(app.base, "/gradio_api/run/predict", { data: ["slow", 1] })).json.data).toEqual(["slow:1"]);
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(written).toEqual([["slow", 1, "slow:1"]]);
  });

  it("logs a flag that fails instead of failing the run", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const callback: tr.FlaggingCallback = { setup() {}, flag: () => Promise.reject(new Error("disk full")) };
    const app = await start(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", allowFlagging: "auto", flaggingCallback: callback }));
    try {
      expect((await post(app.base, "/gradio_api/run/predict", { data: ["x", 1] })).json.data).toEqual(["x:1"]);
      await app.close();
      expect(error).toHaveBeenCalledWith("tradio: an automatic flag could not be saved: disk full");
    } finally {
      error.mockRestore();
    }
  });
});

describe("flags with auth", () => {
  it("logs the username", async () => {
    const dir = tmp();
    const app = await start(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", flaggingDir: dir }), { auth: ["ada", "lovelace1"] });
    try {
      expect((await post(app.base, "/gradio_api/run/flag", { data: ["a", 1, "a:1", ""] })).status).toBe(401);
      const client = await connect(app.base, { auth: ["ada", "lovelace1"] });
      await client.predict("/flag", ["a", 1, "a:1", ""]);
      expect(readLog(dir)[1].slice(0, 5)).toEqual(["a", "1", "a:1", "", "ada"]);
    } finally {
      await app.close();
    }
  });
});

describe("nothing is lost", () => {
  it("200 concurrent flags through the API give 200 intact rows (CSV)", async () => {
    const dir = tmp();
    // One address flags 200 times at once: past the default rate limit.
    const app = await start(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", flaggingDir: dir, flagsPerMinute: null }));
    try {
      const client = await connect(app.base);
      const text = (i: number) => `flag ${i}, "quoted"\nline ${i}`;
      await Promise.all(Array.from({ length: 200 }, (_, i) => client.predict("/flag", [text(i), i, `${text(i)}:${i}`, ""])));
    } finally {
      await app.close();
    }
    const [header, ...rows] = readLog(dir);
    expect(header).toHaveLength(6);
    expect(rows).toHaveLength(200);
    for (const row of rows) {
      expect(row).toHaveLength(6);
      const i = Number(row[1]);
      expect(row[0]).toBe(`flag ${i}, "quoted"\nline ${i}`);
      expect(row[2]).toBe(`${row[0]}:${i}`);
    }
    expect(new Set(rows.map((r) => r[1])).size).toBe(200);
  });

  it("200 concurrent flags through the API give 200 rows (SQLite)", async () => {
    const dir = tmp();
    const logger = new tr.SQLiteLogger();
    const app = await start(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", flaggingDir: dir, flaggingCallback: logger, flagsPerMinute: 1000 }));
    try {
      const client = await connect(app.base);
      await Promise.all(Array.from({ length: 200 }, (_, i) => client.predict("/flag", [`t${i}`, i, `t${i}:${i}`, ""])));
    } finally {
      await app.close();
      logger.close();
    }
    const Driver = createRequire(import.meta.url)("better-sqlite3") as typeof Database;
    const db = new Driver(path.join(dir, "log.db"), { readonly: true });
    const rows = db.prepare("SELECT * FROM flags").all() as Record<string, string>[];
    db.close();
    expect(rows).toHaveLength(200);
    for (const r of rows) expect(r.output).toBe(`${r.text}:${r.n}`);
  });

  it("a process killed while flagging leaves a log that parses, with every complete row intact", async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "fixtures/flag-writer.ts"), dir], { stdio: ["ignore", "pipe", "pipe"] });
    const acknowledged = new Set<number>();
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        for (const line of d.toString().split("\n")) if (line) acknowledged.add(Number(line));
        if (acknowledged.size >= 36) resolve();
      });
      child.on("exit", (code) => reject(new Error(`the writer stopped by itself (${code}): ${stderr}`)));
    });
    child.kill("SIGKILL");
    await once(child, "exit");

    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await new tr.CSVLogger().setup([new tr.Number({ label: "n" }), new tr.Textbox({ label: "text" })], dir);
    } finally {
      warn.mockRestore();
    }
    // Strict parsing: any torn or mixed row would throw or show a wrong column count.
    const [header, ...rows] = readLog(dir);
    expect(header).toEqual(["n", "text", "flag", "username", "timestamp"]);
    expect(rows.length).toBeGreaterThanOrEqual(acknowledged.size);
    const seen = new Set<number>();
    for (const row of rows) {
      expect(row).toHaveLength(5);
      const n = Number(row[0]);
      expect(restore(row[1]) === bigCell(n), `row ${n}`).toBe(true);
      seen.add(n);
    }
    expect(seen.size).toBe(rows.length);
    for (const n of acknowledged) expect(seen.has(n), `row ${n} was acknowledged`).toBe(true);
  });

  it("two Interfaces with different columns share a folder: each launches and flags into its own log", async () => {
    const dir = tmp();
    const first = await start(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", flaggingDir: dir }));
    const second = await start(new tr.Interface({ fn: (t: string) => t, inputs: "text", outputs: "text", flaggingDir: dir }));
    try {
      await (await connect(second.base)).predict("/flag", ["solo", "solo", ""]);
      await (await connect(first.base)).predict("/flag", ["a", 1, "a:1", ""]);
      await (await connect(second.base)).predict("/flag", ["again", "again", ""]);
    } finally {
      await first.close();
      await second.close();
    }
    expect(readdirSync(dir).filter((f) => f.endsWith(".csv")).sort()).toEqual(["dataset1.csv", "log.csv"]);
    const log = (name: string) => parse(readFileSync(path.join(dir, name)), { bom: true }) as string[][];
    expect(log("log.csv").map((r) => r.slice(0, 2))).toEqual([["t", "output"], ["solo", "solo"], ["again", "again"]]);
    expect(log("dataset1.csv").map((r) => r.slice(0, 3))).toEqual([["text", "n", "output"], ["a", "1", "a:1"]]);
    // Launched again, each finds its own log; examples from the folder read the log that fits the inputs.
    const cfg = await config(new tr.Interface({ fn: greet, inputs: ["text", "number"], outputs: "text", examples: dir }));
    expect(cfg.components.find((c: any) => c.type === "dataset").props.samples).toEqual([["a", 1]]);
  });
});

describe("examples from a flagging folder", () => {
  it("loads each row's inputs back as they were flagged", async () => {
    const dir = tmp();
    const make = (examples?: string) =>
      new tr.Interface({
        fn: (text: string, n: number | null, ok: boolean, tags: string[]) => text,
        inputs: [new tr.Textbox({ label: "text" }), new tr.Number({ label: "n" }), new tr.Checkbox({ label: "ok" }), new tr.CheckboxGroup({ label: "tags", choices: ["a", "b"] })],
        outputs: "text",
        flaggingDir: dir,
        examples,
      });
    const app = await start(make());
    try {
      const client = await connect(app.base);
      await client.predict("/flag", ["=1+1", -2.5, true, ["a", "b"], "=1+1", ""]);
      await client.predict("/flag", ["", 0, false, [], "", ""]);
    } finally {
      await app.close();
    }
    const cfg = await config(make(dir));
    expect(cfg.components.find((c: any) => c.type === "dataset").props.samples).toEqual([
      ["=1+1", -2.5, true, ["a", "b"]],
      ["", 0, false, []],
    ]);
  });

  it("refuses a cell that points outside the folder", () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "log.csv"), '"img","flag","username","timestamp"\r\n"../secret.png","","",""\r\n');
    expect(() => new tr.Interface({ fn: () => "x", inputs: "image", outputs: "text", examples: dir })).toThrowCode("TR_ERR_EXAMPLES", /\.\.\/secret\.png/);
  });
});

describe("demo/flagging", () => {
  it("offers the guide's four options and logs a flag with its option", async () => {
    const dir = (flaggingDemo.options as { flaggingDir: string }).flaggingDir;
    expect(dir).toBe(path.join(here, "../demo/flagging/flagged"));
    const existed = existsSync(dir);
    const app = await start(flaggingDemo);
    try {
      const cfg = await (await fetch(app.base + "/config")).json();
      expect(buttonsIn(cfg, outputButtonsRow(cfg)).map((b: any) => b.props.value)).toEqual([
        "Flag as incorrect",
        "Flag as ambiguous",
        "Flag as offensive",
        "Flag as other",
      ]);
      const { handle_file } = await import("@gradio/client");
      const blue = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#2050e0" } }).png().toBuffer();
      const client = await connect(app.base);
      const image = handle_file(new Blob([new Uint8Array(blue)], { type: "image/png" }));
      const [label] = (await client.predict("/predict", [image])).data as any[];
      expect(label.label).toBe("blue");
      const rowsBefore = existsSync(path.join(dir, "log.csv")) ? readLog(dir).length : 1;
      await client.predict("/flag", [handle_file(new Blob([new Uint8Array(blue)], { type: "image/png" })), label, "incorrect"]);
      const rows = readLog(dir);
      expect(rows).toHaveLength(rowsBefore + 1);
      expect(rows[0]).toEqual(["image", "colour", "flag", "username", "timestamp"]);
      expect(rows.at(-1)!.slice(2, 4)).toEqual(["incorrect", ""]);
    } finally {
      await app.close();
      if (!existed) rmSync(dir, { recursive: true, force: true });
    }
  });
});
