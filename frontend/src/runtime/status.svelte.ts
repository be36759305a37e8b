import type { StatusMessage } from "@gradio/client";
import type { Slot } from "./slots.svelte.js";
import type { DepState, RunStatus } from "./types.js";

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

/** Why a job failed, as its outputs (and a toast) show it. */
export interface Failure {
  title: string;
  message: string;
  /** False for a cancelled job: nothing is shown. */
  visible?: boolean;
  /** Seconds a toast shows it (null: until dismissed); undefined: the page's default. */
  duration?: number | null;
}

/** What a job shows when the server it ran on went away (restarted, or the connection broke). */
export const LOST: Failure = {
  title: "Connection lost",
  message: "The connection to the server was lost; this result is gone. Submit again.",
};

/** What a job shows when it could not reach the server at all. */
export const UNREACHABLE: Failure = {
  title: "Server unreachable",
  message: "Could not reach the server. Check that it is running and that you are online, then submit again.",
};

/**
 * The RunStatus one job shows on each of its outputs, from submit to the last message of the client:
 * queued (with the queue position and its estimate), running (with progress, and the run's own time
 * against its usual duration), streaming (a generator's values show through), then an error or nothing.
 */
export class JobStatus {
  readonly start = performance.now();
  private runStart: number | undefined;

  /** `hidden` (a dependency's show_progress "hidden"): the outputs show no status while it runs, only its error. */
  constructor(
    private readonly outputs: readonly Slot[],
    private readonly clock: Clock,
    private readonly hidden = false,
  ) {}

  /** The outputs whose status follows the run (none when hidden). */
  private get shown(): readonly Slot[] {
    return this.hidden ? [] : this.outputs;
  }

  /** Submitted: every output shows "queued" and the clock ticks. */
  begin(): void {
    for (const s of this.shown) s.status = { stage: "queued", start: this.start };
    if (!this.hidden) this.clock.count(1);
  }

  /** The function has started (its first message of running, progress or a value): the run's time counts from now. */
  private started(): number {
    return (this.runStart ??= performance.now());
  }

  /** A value arrived: it shows through, with only the timer on top. */
  received(): void {
    const runStart = this.started();
    for (const s of this.shown) if (s.status && s.status.stage !== "error") s.status = { ...s.status, stage: "streaming", runStart, progress: undefined };
  }

  /** A `status` message that is neither "error" nor "complete": the queue position, the start, progress. */
  update(msg: StatusMessage): void {
    const starts = msg.original_msg === "process_starts";
    const running = starts || msg.stage === "generating" || msg.progress_data !== undefined || this.runStart !== undefined;
    const runStart = running ? this.started() : undefined;
    const queued = !running && typeof msg.position === "number";
    for (const s of this.shown) {
      const prev = s.status ?? { stage: "queued" as const, start: this.start };
      s.status = {
        ...prev,
        stage: prev.stage === "streaming" ? "streaming" : running ? "running" : "queued",
        runStart,
        position: running ? undefined : (msg.position ?? prev.position),
        size: running ? undefined : (msg.size ?? prev.size),
        // In the queue, `eta` is the queue's estimate of the result; at the start, the event's average run.
        queueEta: queued ? (msg.eta ?? null) : running ? undefined : prev.queueEta,
        queueEtaAt: queued ? performance.now() : running ? undefined : prev.queueEtaAt,
        eta: starts ? (msg.eta ?? null) : running ? prev.eta : undefined,
        progress: msg.progress_data ?? prev.progress,
      };
    }
  }

  /** The job is over (finished, failed or dropped by Clear): the clock stops counting it. */
  end(): void {
    if (!this.hidden) this.clock.count(-1);
  }

  /** The outputs show the failure, or nothing once the job succeeded or was stopped. */
  settle(failure: Failure | null): void {
    const shown = failure && failure.visible !== false ? failure : null;
    // The message once, on the first output (and in the toast); the others say only that they failed.
    this.outputs.forEach((s, i) => (s.status = shown ? { stage: "error", start: this.start, title: shown.title, message: shown.message, brief: i > 0, toasted: true } : null));
  }
}

/** What @gradio/client says when the server sent no message (an app's exception, without showError). */
const HIDDEN = "An error occurred";

/** The failure an error `status` message describes. */
export function failureOf(msg: StatusMessage): Failure {
  const message = errorText(msg.message);
  return {
    title: msg.title || "Error",
    message: message === HIDDEN || message === "" ? "An error occurred in the app. Its log on the server has the details." : message,
    visible: msg.visible,
    duration: msg.duration,
  };
}

function errorText(message: unknown): string {
  if (typeof message === "string") return message;
  if (Array.isArray(message)) return message.map((m) => (typeof m === "object" && m && "message" in m ? String(m.message) : String(m))).join("\n");
  return HIDDEN;
}

/** What each dependency is doing, by id (reactive): the buttons that start it read it. */
export class DepStates {
  // Replaced on each change (a few entries): each state keeps its identity, so a timer can tell it is still shown.
  private map = $state.raw<Record<number, DepState>>({});

  get(id: number): DepState | undefined {
    return this.map[id];
  }
  set(id: number, state: DepState): void {
    this.map = { ...this.map, [id]: state };
  }
  delete(id: number): void {
    if (!(id in this.map)) return;
    const { [id]: _gone, ...rest } = this.map;
    this.map = rest;
  }
  clear(): void {
    this.map = {};
  }
}
