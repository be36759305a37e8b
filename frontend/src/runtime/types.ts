/**
 * Types that exist on the page only. What the server sends (AppConfig, ComponentConfig, Dependency,
 * FileData, ProgressUnit…) is declared once, in the server's src/protocol/types.ts, imported as `$protocol`.
 */
import type { ProgressUnit } from "$protocol";

/** What an output shows while its dependency runs, or after it failed. */
export interface RunStatus {
  /** "streaming": a generator has sent values; they show through while it goes on. */
  stage: "queued" | "running" | "streaming" | "error";
  /** performance.now() when the job was submitted. */
  start: number;
  position?: number;
  size?: number;
  eta?: number | null;
  progress?: ProgressUnit[];
  title?: string;
  message?: string;
}

export interface Toast {
  id: number;
  level: "info" | "warning" | "success" | "error";
  title: string;
  message: string;
}
