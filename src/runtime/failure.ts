import { codeOf, TradioError, ValidationError, type CodedError, type ErrorCode, type ShownFailure } from "../core/errors.js";

/** Where a failure of a run came from: decides what its caller is told. */
export type RunFailure =
  | { kind: "input"; code: ErrorCode; message: string; status?: number; retryAfter?: number } // the caller sent a bad value, or too much: 4xx/507
  | { kind: "user"; code: ErrorCode; message: string; title: string; duration: number | null } // tr.Error: shown as is
  | { kind: "cancelled" } // the caller cancelled or went away
  | { kind: "internal"; code: ErrorCode; message: string; error: unknown }; // anything else: logged; shown with showError

/** A failed run, carrying its classified failure through every layer above the run path unchanged. */
export class RunError extends globalThis.Error implements CodedError {
  readonly code: ErrorCode;
  constructor(readonly failure: RunFailure) {
    super(failure.kind === "cancelled" ? "Cancelled" : failure.message);
    this.code = failure.kind === "cancelled" ? "TR_ERR_CANCELLED" : failure.code;
  }
}

/** A failure of the function's own making (it returned something its outputs cannot show). */
export function returnError(message: string, error: unknown = null): RunError {
  return new RunError({ kind: "internal", code: "TR_ERR_RETURN", message, error });
}

export function cancelled(): RunError {
  return new RunError({ kind: "cancelled" });
}

/** Classifies anything thrown inside a run. */
export function toRunError(err: unknown): RunError {
  if (err instanceof RunError) return err;
  if (err instanceof TradioError) return new RunError({ kind: "user", code: err.code, message: err.message, title: err.title, duration: err.duration });
  if (err instanceof ValidationError) {
    const extra = { ...(err.statusCode !== 422 && { status: err.statusCode }), ...(err.retryAfter !== undefined && { retryAfter: err.retryAfter }) };
    return new RunError({ kind: "input", code: err.code, message: err.message, ...extra });
  }
  const message = err instanceof globalThis.Error ? err.message : String(err);
  return new RunError({ kind: "internal", code: codeOf(err) ?? "TR_ERR_FUNCTION", message, error: err });
}

/**
 * The one place that decides what a failure shows its caller: a tr.Error and a bad input as they are,
 * a cancel as "Cancelled", anything else only with `showError` (Gradio's rule).
 */
export function present(failure: RunFailure, showError: boolean): ShownFailure {
  switch (failure.kind) {
    case "user":
      return { message: failure.message, title: failure.title, duration: failure.duration, code: failure.code, status: 500, visible: true };
    case "input":
      return {
        message: failure.message,
        title: "Error",
        duration: null,
        code: failure.code,
        status: failure.status ?? 422,
        ...(failure.retryAfter !== undefined && { retryAfter: failure.retryAfter }),
        visible: true,
      };
    case "cancelled":
      return { message: "Cancelled", title: "Cancelled", duration: null, code: "TR_ERR_CANCELLED", status: 499, visible: false };
    case "internal":
      return { message: showError ? failure.message : null, title: "Error", duration: null, code: failure.code, status: 500, visible: true };
  }
}

/**
 * What a call from the author's code throws: the function's own exception as it was, so a stack trace
 * points at the author's line; otherwise an Error with the failure's message and code.
 */
export function thrownToCode(err: RunError): globalThis.Error {
  const f = err.failure;
  if (f.kind === "internal" && f.error instanceof globalThis.Error) return f.error;
  if (f.kind === "user") return new TradioError(f.message, { title: f.title, duration: f.duration, code: f.code });
  if (f.kind === "input") return new ValidationError(f.message, f.code, { status: f.status, retryAfter: f.retryAfter });
  return err;
}
