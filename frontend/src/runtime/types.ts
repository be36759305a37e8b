/**
 * Types that exist on the page only. What the server sends (AppConfig, ComponentConfig, Dependency,
 * FileData, ProgressUnit…) is declared once, in the server's src/protocol/types.ts, imported as `$protocol`.
 */
import type { ProgressUnit } from "$protocol";

/** What a component shows while a job writes it (or uploads it), or after the job failed. */
export interface RunStatus {
  /**
   * "queued": waiting for a slot; "running": the function runs; "streaming": a generator has sent values,
   * which show through while it goes on; "uploading": an input's file is on its way to the server.
   */
  stage: "queued" | "running" | "streaming" | "uploading" | "error";
  /** performance.now() when the job was submitted. */
  start: number;
  /** performance.now() when the function started (the queue's wait is `runStart - start`). */
  runStart?: number;
  position?: number;
  size?: number;
  /** While queued: the queue's estimate, in seconds from `queueEtaAt`, of when the result is ready. */
  queueEta?: number | null;
  queueEtaAt?: number;
  /** While running: how long a run of this event usually takes (the average of its past runs), in seconds. */
  eta?: number | null;
  progress?: ProgressUnit[];
  title?: string;
  message?: string;
  /** An error the first output of the same job shows whole: this one only says that it failed. */
  brief?: boolean;
  /** An error a toast also shows (and reads out): the component's copy is not announced again. */
  toasted?: boolean;
}

export interface Toast {
  id: number;
  level: "info" | "warning" | "success" | "error";
  title: string;
  message: string;
}

/**
 * What a dependency is doing, for the buttons that start it: running (Submit becomes Stop), stopping,
 * or, for a flag button, saved / refused with a message.
 */
export interface DepState {
  state: "running" | "stopping" | "done" | "failed" | "refused";
  message?: string;
}
