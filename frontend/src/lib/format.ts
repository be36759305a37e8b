import type { FileData } from "$protocol";

export function isFileData(v: unknown): v is FileData {
  return typeof v === "object" && v !== null && typeof (v as FileData).path === "string";
}

export function fileName(v: unknown): string {
  if (v instanceof File) return v.name;
  if (v instanceof Blob) return "file";
  if (isFileData(v)) return v.orig_name || v.path.split(/[\\/]/).pop() || "file";
  if (typeof v === "string") return v.split(/[\\/]/).pop() || v;
  return "";
}

export function fileUrl(v: unknown): string | null {
  if (isFileData(v)) return v.url ?? null;
  if (typeof v === "string" && /^(https?:|data:|blob:)/.test(v)) return v;
  return null;
}

export function humanSize(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "";
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** A short text for an example cell of any component type. */
export function sampleText(type: string, v: unknown): string {
  if (v === null || v === undefined) return "";
  if (isFileData(v)) return fileName(v);
  if (type === "checkbox") return v ? "✓" : "✗";
  if (Array.isArray(v)) {
    if (type === "dataframe") return `${v.length} rows`;
    if (type === "gallery") return `${v.length} ${v.length === 1 ? "item" : "items"}: ${v.map((x) => fileName((x as { image?: unknown; video?: unknown })?.image ?? (x as { video?: unknown })?.video ?? x)).join(", ")}`;
    return v.map((x) => (isFileData(x) ? fileName(x) : typeof x === "object" ? JSON.stringify(x) : String(x))).join(", ");
  }
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (type === "dataframe" && Array.isArray(o.data)) return `${(o.headers as string[] | undefined)?.join(", ") ?? ""} (${o.data.length} rows)`;
    if (type === "label" && "label" in o) return String(o.label ?? "");
    if (typeof o.type === "string" && typeof o.plot === "string") return `${o.type === "matplotlib" ? "image" : o.type} plot`;
    return JSON.stringify(v);
  }
  return String(v);
}

let counter = 0;
/** A unique DOM id for label/for pairs. */
export function uid(prefix = "tr"): string {
  return `${prefix}-${++counter}`;
}

/** Seconds with one decimal: "1.3s". */
export const seconds = (ms: number): string => `${Math.max(0, ms / 1000).toFixed(1)}s`;

/** Below this an estimate says nothing on a one-decimal clock ("0.0/0.0s"): only the elapsed time is shown. */
const SHOWN_ETA = 0.1;

/**
 * A run's elapsed time against its usual duration (`eta`, seconds): "0.8/3.0s"; past the estimate only
 * the elapsed time, marked as longer than usual; with no estimate worth showing, the elapsed time alone.
 */
export function runTiming(ranMs: number, eta: number | null | undefined): string {
  const ran = Math.max(0, ranMs);
  if (typeof eta !== "number" || !(eta > 0)) return seconds(ran);
  if (ran / 1000 > eta) return `${seconds(ran)} (longer than usual)`;
  return eta >= SHOWN_ETA ? `${(ran / 1000).toFixed(1)}/${eta.toFixed(1)}s` : seconds(ran);
}
