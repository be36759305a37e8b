/**
 * An error whose message the caller sees, on the page and through the API (Gradio's `gr.Error`).
 * Any other exception reaches the caller as a generic message unless the app runs with `showError`.
 */
export class TradioError extends globalThis.Error {
  override name = "Error";
  readonly title: string;
  /** Seconds the page shows the message; null keeps it until dismissed. */
  readonly duration: number | null;
  constructor(message: string, opts: { title?: string; duration?: number | null } = {}) {
    super(message);
    this.title = opts.title ?? "Error";
    this.duration = opts.duration ?? null;
  }
}

/** A request the server refuses with a 4xx status and a message. */
export class HttpError extends globalThis.Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}
