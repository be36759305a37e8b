import type { StatusMessage } from "@gradio/client";
import type { Slot } from "./slots.svelte.js";
import type { RunStatus } from "./types.js";

/** Ticks (every 100 ms) while some job runs, so status overlays show the elapsed time. */
export class Clock {
  now = $state(performance.now());
  private running = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;

  /** A job started (`+1`) or ended (`-1`). */
  count(delta: 1 | -1): void {
    this.running += delta;
    this.now = performance.now();
    if (this.running > 0 && !this.ticker) {
      this.ticker = setInterval(() => (this.now = performance.now()), 100);
    } else if (this.running <= 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }
}

/** Why a job failed, as its outputs (or a toast) show it. */
export interface Failure {
  title: string;
  message: string;
}

/**
 * The RunStatus one job shows on each of its outputs, from submit to the last message of the client:
 * queued (with the queue position), running (with progress), streaming (a generator's values show
 * through), then an error or nothing.
 */
export class JobStatus {
  readonly start = performance.now();

  constructor(
    private readonly outputs: readonly Slot[],
    private readonly clock: Clock,
  ) {}

  /** Submitted: every output shows "queued" and the clock ticks. */
  begin(): void {
    for (const s of this.outputs) s.status = { stage: "queued", start: this.start };
    this.clock.count(1);
  }

  /** A value arrived: it shows through, with only the timer on top. */
  received(): void {
    for (const s of this.outputs) if (s.status && s.status.stage !== "error") s.status = { ...s.status, stage: "streaming", progress: undefined };
  }

  /** A `status` message that is neither "error" nor "complete": the queue position, the start, progress. */
  update(msg: StatusMessage): void {
    const running = msg.original_msg === "process_starts" || msg.stage === "generating";
    for (const s of this.outputs) {
      const prev = s.status ?? { stage: "queued" as const, start: this.start };
      s.status = {
        ...prev,
        stage: prev.stage === "streaming" ? "streaming" : running || prev.stage === "running" ? "running" : "queued",
        position: running ? undefined : (msg.position ?? prev.position),
        size: running ? undefined : (msg.size ?? prev.size),
        eta: msg.eta ?? prev.eta,
        progress: msg.progress_data ?? prev.progress,
      };
    }
  }

  /** The job is over (finished, failed or dropped by Clear): the clock stops counting it. */
  end(): void {
    this.clock.count(-1);
  }

  /** The outputs show the failure, or nothing once the job succeeded. */
  settle(failure: Failure | null): void {
    for (const s of this.outputs) s.status = failure ? { stage: "error", start: this.start, title: failure.title, message: failure.message } : null;
  }
}

/** The failure an error `status` message describes. */
export function failureOf(msg: StatusMessage): Failure {
  return { title: msg.title || "Error", message: errorText(msg.message) };
}

function errorText(message: unknown): string {
  if (typeof message === "string") return message;
  if (Array.isArray(message)) return message.map((m) => (typeof m === "object" && m && "message" in m ? String(m.message) : String(m))).join("\n");
  return "An error occurred";
}
