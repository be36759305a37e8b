import type { ShownFailure } from "../core/errors.js";
import type { JobEvent } from "../queue/scheduler.js";
import { diff } from "./diff.js";
import type { CompletedFrame, ErrorOutput, Frame, SuccessOutput } from "./types.js";

/** One frame as it goes on an SSE stream. */
export function sse(frame: Frame): string {
  return `data: ${JSON.stringify(frame)}\n\n`;
}

export const HEARTBEAT = sse({ msg: "heartbeat", event_id: null });
export const CLOSE_STREAM = sse({ msg: "close_stream", event_id: null });

/** The answer to a stream opened for no known session; `why` says what became of it, when known. */
export function sessionNotFound(why?: string): string {
  return sse({ msg: "unexpected_error", message: why ? `Session not found: ${why}.` : "Session not found.", session_not_found: true, success: false, event_id: null });
}

/** The body of a success: the final frame's output and the answer of `/run/<api>`. */
export function successOutput(data: unknown[], duration: number, averageDuration = duration): SuccessOutput {
  return { data, is_generating: false, duration, average_duration: averageDuration, render_config: null, changed_state_ids: [] };
}

export function completed(output: SuccessOutput | ErrorOutput, success: boolean, eventId: string): CompletedFrame {
  return { msg: "process_completed", output, success, event_id: eventId };
}

const CANCELLED: ErrorOutput = { error: "Cancelled", title: "Cancelled", duration: null, visible: false, code: "TR_ERR_CANCELLED" };

/**
 * Turns a job's lifecycle events into its frames for one client. Streamed updates go as diffs against
 * what this client already holds (the first one whole), so each stream keeps its own copy.
 */
export class FrameWriter {
  private shown: unknown[] | null = null;

  constructor(private readonly eventId: string) {}

  /** The client may not hold what was last sent (its stream was served elsewhere): the next value goes whole. */
  forget(): void {
    this.shown = null;
  }

  /** `whole`: send a streamed value whole, not as a diff (its client has received none yet and keeps only the latest). */
  frame(e: JobEvent, whole = false): Frame {
    const event_id = this.eventId;
    switch (e.type) {
      case "queued":
        return { msg: "estimation", rank: e.rank, queue_size: e.queueSize, rank_eta: e.eta, event_id };
      case "started":
        return { msg: "process_starts", eta: e.eta, event_id };
      case "progress":
        return { msg: "progress", progress_data: e.progress, event_id };
      case "generating": {
        const previous = this.shown;
        const data = previous === null || whole ? e.data : e.data.map((v, i) => diff(previous[i], v));
        // Kept to diff the next value against; the author may mutate what it yielded, so objects are copied.
        this.shown = e.data.every((v) => v === null || typeof v !== "object") ? e.data : structuredClone(e.data);
        return { msg: "process_generating", output: { data, is_generating: true }, success: true, event_id };
      }
      case "finished":
        return completed(successOutput(e.data, e.duration, e.averageDuration), true, event_id);
      case "failed":
        return completed(errorOutput(e.error), false, event_id);
      case "cancelled":
        return completed(CANCELLED, false, event_id);
    }
  }
}

/** A failure as the protocol shows it (`error` null when hidden). */
export function errorOutput(f: ShownFailure): ErrorOutput {
  return { error: f.message, title: f.title, duration: f.duration, visible: f.visible, code: f.code };
}

