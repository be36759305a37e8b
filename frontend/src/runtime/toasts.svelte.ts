import type { LogMessage } from "@gradio/client";
import type { Toast } from "./types.js";

/** The notices in the page's corner: `tr.Info` / `tr.Warning` logs of a job, and errors with no output to show them. */
export class Toasts {
  list = $state<Toast[]>([]);
  private lastId = 0;

  /** Shows a toast; it closes itself after `duration` seconds (null or 0: stays until dismissed). */
  show(level: Toast["level"], title: string, message: string, duration: number | null | undefined = 10): void {
    const id = ++this.lastId;
    // The newest three: more would cover a phone's screen.
    if (this.list.length >= 3) this.list.splice(0, this.list.length - 2);
    this.list.push({ id, level, title, message });
    if (duration !== null && duration !== undefined && duration > 0) setTimeout(() => this.close(id), duration * 1000);
  }

  /** A log message of a running job (`visible: false` ones are not shown). */
  log(msg: LogMessage): void {
    const level = (msg.level as Toast["level"]) || "info";
    if (msg.visible !== false) this.show(level, msg.title || level[0].toUpperCase() + level.slice(1), String(msg.log ?? ""), msg.duration);
  }

  close(id: number): void {
    const i = this.list.findIndex((t) => t.id === id);
    if (i >= 0) this.list.splice(i, 1);
  }
}
