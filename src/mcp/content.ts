import { readFile, stat } from "node:fs/promises";
import type { Component } from "../components/component.js";
import type { FileData } from "../core/files.js";
import type { EventDef } from "../graph/graph.js";

/** A part of a tool's result (MCP content). */
export type Content =
  | { type: "text"; text: string }
  | { type: "image"; data: string; mimeType: string }
  | { type: "audio"; data: string; mimeType: string }
  | { type: "resource_link"; uri: string; name: string; mimeType?: string };

export interface ToolResult {
  [key: string]: unknown;
  content: Content[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** Files larger than this go as links only, not inline. */
const MAX_INLINE = 8 * 1024 * 1024;
const STRUCTURED = new Set(["label", "json", "dataframe", "highlightedtext", "chatbot"]);

const isFile = (v: unknown): v is FileData => v !== null && typeof v === "object" && (v as FileData).meta?._type === "gradio.FileData";

function link(f: FileData): Content {
  return { type: "resource_link", uri: f.url ?? f.path, name: f.orig_name ?? "file", ...(f.mime_type ? { mimeType: f.mime_type } : {}) };
}

/** A stored file's bytes as base64 (PNG for images), or null when too large or gone. */
async function inline(f: FileData, png: boolean): Promise<{ data: string; mimeType: string } | null> {
  try {
    if ((await stat(f.path)).size > MAX_INLINE) return null;
    let bytes = await readFile(f.path);
    let mimeType = f.mime_type ?? "application/octet-stream";
    if (png && mimeType !== "image/png") {
      const { default: sharp } = await import("sharp");
      bytes = await sharp(bytes).png().toBuffer();
      mimeType = "image/png";
    }
    return { data: bytes.toString("base64"), mimeType };
  } catch {
    return null;
  }
}

/**
 * An endpoint's outputs (wire values) as an MCP result: text as text; an image as PNG image content plus
 * its file URL; audio as audio content plus its URL; a file as a resource link; Label, JSON, Dataframe,
 * HighlightedText and Chatbot as structured content with a text rendering.
 */
export async function toResult(event: EventDef, wire: readonly unknown[], names: string[]): Promise<ToolResult> {
  const content: Content[] = [];
  const structured: Record<string, unknown> = {};
  let k = 0;
  for (const [i, c] of event.outputs.entries()) {
    if (c.stateful) continue;
    const name = names[k++] ?? `output_${k}`;
    const value = wire[i];
    if (value === null || value === undefined) continue;
    await add(c, name, value, content, structured);
  }
  if (content.length === 0) content.push({ type: "text", text: "(no output)" });
  return Object.keys(structured).length > 0 ? { content, structuredContent: structured } : { content };
}

async function add(c: Component<any, any>, name: string, value: unknown, content: Content[], structured: Record<string, unknown>): Promise<void> {
  if (STRUCTURED.has(c.type)) {
    structured[name] = value;
    content.push({ type: "text", text: JSON.stringify(value) });
    return;
  }
  const files = (Array.isArray(value) ? value : [value]).filter(isFile);
  if (files.length > 0) {
    for (const f of files) {
      const kind = c.type === "image" ? "image" : c.type === "audio" ? "audio" : null;
      const data = kind ? await inline(f, kind === "image") : null;
      if (data && kind) content.push({ type: kind, ...data });
      content.push(link(f));
    }
    return;
  }
  content.push({ type: "text", text: typeof value === "string" ? value : JSON.stringify(value) });
}

/** Output names, as the endpoint's outputs are labelled. */
export function outputNames(event: EventDef): string[] {
  const used = new Set<string>();
  return event.outputs
    .filter((c) => !c.stateful)
    .map((c, i) => {
      let name = (c.label ?? `output_${i}`).toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "") || `output_${i}`;
      while (used.has(name)) name = `${name}_${i}`;
      used.add(name);
      return name;
    });
}
