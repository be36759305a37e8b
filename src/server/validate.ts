import { HttpError } from "../core/errors.js";

/** Request bodies are checked by hand at the edge: every refusal is a 4xx with a message. */
export function body(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(400, "TR_ERR_BAD_REQUEST", "request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

const SESSION = /^[A-Za-z0-9_-]{1,128}$/;

export function sessionHash(value: unknown, required = true): string | null {
  if (value === undefined || value === null || value === "") {
    if (required) throw new HttpError(400, "TR_ERR_BAD_REQUEST", "session_hash is required");
    return null;
  }
  if (typeof value !== "string" || !SESSION.test(value)) {
    throw new HttpError(400, "TR_ERR_BAD_REQUEST", "session_hash must be 1-128 letters, digits, '-' or '_'");
  }
  return value;
}

export function optionalString(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new HttpError(400, "TR_ERR_BAD_REQUEST", `${name} must be a string`);
  return value;
}

/**
 * A failure while reading a multipart body: the parser's own complaints about a malformed body become
 * a 400 (limits already carry 413); file system errors stay server errors.
 */
export function multipartFailure(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  const e = err as { statusCode?: unknown; syscall?: unknown; message?: unknown };
  if (typeof e?.statusCode === "number" || e?.syscall !== undefined || !(err instanceof Error)) return err;
  return new HttpError(400, "TR_ERR_BAD_REQUEST", `malformed multipart body: ${String(e.message)}`);
}
