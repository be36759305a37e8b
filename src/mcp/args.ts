import { Ajv, type ValidateFunction } from "ajv";
import type { FileStore } from "../core/files.js";
import { ValidationError } from "../core/errors.js";
import { extensionFor } from "../core/files.js";
import { underlying } from "./schema.js";
import type { Tool } from "./tools.js";

const MEDIA = new Set(["image", "audio", "video", "file", "model3d", "gallery"]);
/** data: URIs are decoded in memory: bounded like a JSON body. */
const MAX_DATA_URI = 16 * 1024 * 1024;

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = new WeakMap<Tool, ValidateFunction>();

/** A tool's arguments are checked against its input schema first; a refusal names the parameter. */
function check(tool: Tool, args: Record<string, unknown>): void {
  let validate = validators.get(tool);
  if (!validate) validators.set(tool, (validate = ajv.compile(tool.inputSchema)));
  if (validate(args)) return;
  const e = validate.errors?.[0];
  if (!e) throw new ValidationError(`invalid arguments for ${tool.name}`);
  const where = e.instancePath.split("/").filter(Boolean);
  const param = where[0] ?? (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ?? (e.params as { additionalProperty?: string }).additionalProperty;
  const what =
    e.keyword === "additionalProperties" ? `is not a parameter of ${tool.name} (its parameters: ${tool.params.map((p) => p.name).join(", ") || "none"})` : e.keyword === "required" ? "is required" : e.message;
  throw new ValidationError(`${tool.name}: parameter "${param}"${where.length > 1 ? ` at ${where.slice(1).join("/")}` : ""} ${what}`);
}

/** A file given as a URL is fetched by the component (under the app's SSRF rules); a data: URI is stored first. */
async function mediaValue(value: unknown, files: FileStore, param: string): Promise<unknown> {
  if (typeof value !== "string") return value;
  if (/^https?:\/\//i.test(value)) {
    const name = decodeURIComponent(new URL(value).pathname.split("/").pop() || "file");
    return { path: value, url: value, orig_name: name, meta: { _type: "gradio.FileData" } };
  }
  const m = /^data:([^;,]*)((?:;[^;,]*)*?);base64,(.*)$/s.exec(value);
  if (!m) throw new ValidationError(`parameter "${param}" must be an http(s) URL or a base64 data: URI`);
  if (m[3].length > (MAX_DATA_URI * 4) / 3 + 4) throw new ValidationError(`parameter "${param}": a data: URI may carry at most ${MAX_DATA_URI / 1024 / 1024} MiB`, "TR_ERR_FILE_TOO_LARGE");
  const bytes = Buffer.from(m[3], "base64");
  const path = await files.save(bytes, `${param}${extensionFor(m[1]) || ".bin"}`);
  return { path, orig_name: `${param}${extensionFor(m[1])}`, meta: { _type: "gradio.FileData" } };
}

/** The tool's arguments as the endpoint's data: one wire value per input, state slots null. */
export async function argumentsToData(tool: Tool, args: unknown, files: FileStore): Promise<unknown[]> {
  const given = (args ?? {}) as Record<string, unknown>;
  if (typeof given !== "object" || Array.isArray(given)) throw new ValidationError(`${tool.name}: arguments must be an object`);
  check(tool, given);
  const byComponent = new Map(tool.params.map((p) => [p.component, p.name]));
  const data: unknown[] = [];
  for (const c of tool.event.inputs) {
    const name = byComponent.get(c);
    if (name === undefined) {
      data.push(null);
      continue;
    }
    const value = given[name] ?? null;
    // A Dataframe takes bare rows from an agent (its tool schema says so) and adds its own headers.
    const table = underlying(c) as { rowsToWire?: (rows: unknown[]) => unknown };
    if (typeof table.rowsToWire === "function" && Array.isArray(value)) data.push(table.rowsToWire.call(table, value));
    else if (!MEDIA.has(c.type) || value === null) data.push(value);
    else if (Array.isArray(value)) data.push(await Promise.all(value.map((v) => mediaValue(v, files, name))));
    else data.push(await mediaValue(value, files, name));
  }
  return data;
}
