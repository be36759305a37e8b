/**
 * Every error tradio raises carries a stable code from this one catalogue (in the manner of Fastify's
 * FST_ERR_… codes), so programs and tests match codes while messages stay written for people.
 */
export const ERROR_CODES = {
  // The author's code: options, components, graphs (thrown at construction, launch or registration).
  TR_ERR_OPTIONS: "options are not an object",
  TR_ERR_OPTION_UNKNOWN: "an option name is not known",
  TR_ERR_OPTION_INVALID: "an option has the wrong type or value",
  TR_ERR_OPTION_MISSING: "a required option is missing",
  TR_ERR_OPTION_CONFLICT: "options that cannot be used together",
  TR_ERR_COMPONENT_UNKNOWN: "no component has that name or shortcut",
  TR_ERR_COMPONENT_REUSED: "a component already belongs to another app",
  TR_ERR_EVENT_DUPLICATE: "two events share an API name",
  TR_ERR_GRAPH_FROZEN: "a built graph cannot be changed",
  TR_ERR_REGISTRY_DUPLICATE: "a name is registered twice",
  TR_ERR_REGISTRY_UNKNOWN: "nothing is registered under that name",
  TR_ERR_EXAMPLES: "examples that do not fit the inputs",
  TR_ERR_INTERPRETATION: "an interpretation setting that does not fit the components",
  TR_ERR_FLAGGING: "a flagging log that cannot be used",
  TR_ERR_STORE_UNSAFE: "a file store folder that is a link, belongs to another user, or others may write to",
  TR_ERR_LOAD_NAME: "a name load() cannot resolve",
  TR_ERR_LOAD_NOT_FOUND: "the model, Space or app does not exist",
  TR_ERR_LOAD_UNAUTHORIZED: "the Hub or the app refused the token or login",
  TR_ERR_LOAD_UNSUPPORTED: "a model task or app that cannot be wrapped",
  TR_ERR_LOAD_UNAVAILABLE: "the model or app did not answer",
  TR_ERR_LOAD_RATE_LIMITED: "the Hub limited the rate of calls",
  TR_ERR_CALL: "a call from code with the wrong arguments",
  TR_ERR_REDIS_UNREACHABLE: "the Redis server given by `redis` did not answer when the app started",
  // A caller's request (HTTP 4xx, or an error for a call from code).
  TR_ERR_BAD_REQUEST: "a malformed request",
  TR_ERR_NOT_FOUND: "no such route or endpoint",
  TR_ERR_INVALID_VALUE: "a value that does not fit its component",
  TR_ERR_REQUIRED: "an input marked required: true was left empty",
  TR_ERR_FILE_PATH: "a file path outside the upload folder",
  TR_ERR_FILE_NOT_ALLOWED: "a file that may not be served",
  TR_ERR_FILE_TOO_LARGE: "a file over the size limit",
  TR_ERR_STORE_FULL: "the file store is full (maxStoreSize): callers' new files are refused until old ones are deleted; or the flagging folder is (maxFlaggedBytes)",
  TR_ERR_FETCH_REFUSED: "a URL input that may not be fetched",
  TR_ERR_FETCH_FAILED: "a URL input that could not be fetched",
  TR_ERR_UNAUTHENTICATED: "no valid login",
  TR_ERR_LOGIN_FAILED: "wrong username or password",
  TR_ERR_RATE_LIMITED: "too many attempts",
  TR_ERR_FORBIDDEN: "a request from a host or origin the app does not answer",
  TR_ERR_QUEUE_FULL: "the queue is full",
  TR_ERR_TOO_COMPLEX: "a request past a documented limit (interpretation tokens, state size)",
  TR_ERR_STATE_UNSERIALISABLE: "a state value that a shared (Redis) session store cannot serialise",
  TR_ERR_FLAG_EMPTY: "a flag whose every input and output is empty",
  // What a run ends with.
  TR_ERR_APP: "the function raised tr.Error: its message is shown",
  TR_ERR_CANCELLED: "the call was cancelled",
  TR_ERR_FUNCTION: "the function failed: shown only with showError",
  TR_ERR_RETURN: "the function returned values that do not fit its outputs",
  TR_ERR_WORKER_LOST: "the worker process running the call stopped (crashed or was killed) before it answered",
  TR_ERR_INTERNAL: "tradio itself failed",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a code from the catalogue and, for requests, the HTTP status it answers with. */
export interface CodedError extends globalThis.Error {
  code: ErrorCode;
  statusCode?: number;
}

/** A mistake in the author's code (options, components): a TypeError with a code. */
export class OptionError extends TypeError implements CodedError {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A request the server refuses with a 4xx status and a message. */
export class HttpError extends globalThis.Error implements CodedError {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A value that does not fit a component, or a request the caller can correct. The message reaches the
 * caller (HTTP 422 or the queue's error message), so it names the component and says what was expected.
 */
export class ValidationError extends globalThis.Error implements CodedError {
  override name = "ValidationError";
  /** 422, unless the refusal is about room or rate rather than the value (507 full, 429 too many). */
  readonly statusCode: number;
  /** Seconds after which the same request may succeed (a 429's `retry-after`). */
  readonly retryAfter: number | undefined;
  constructor(
    message: string,
    readonly code: ErrorCode = "TR_ERR_INVALID_VALUE",
    opts: { status?: number; retryAfter?: number } = {},
  ) {
    super(message);
    this.statusCode = opts.status ?? 422;
    this.retryAfter = opts.retryAfter;
  }
}

/**
 * An error whose message the caller sees, on the page and through the API (Gradio's `gr.Error`).
 * Any other exception reaches the caller as a generic message unless the app runs with `showError`.
 *
 * @example
 * if (!text) throw new tr.Error("Please type something first", { title: "Empty input", duration: 5 });
 */
export class TradioError extends globalThis.Error implements CodedError {
  override name = "Error";
  /** TR_ERR_APP for an app's own errors; tradio's own shown failures (a loaded model's) carry theirs. */
  readonly code: ErrorCode;
  readonly title: string;
  /** Seconds the page shows the message; null keeps it until dismissed. */
  readonly duration: number | null;
  constructor(message: string, opts: { title?: string; duration?: number | null; code?: ErrorCode } = {}) {
    super(message);
    this.title = opts.title ?? "Error";
    this.duration = opts.duration ?? null;
    this.code = opts.code ?? "TR_ERR_APP";
  }
}

/** An error of any other kind, with a code (a load that failed, a state that cannot be kept). */
export class TradioFailure extends globalThis.Error implements CodedError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What a caller is shown of a failed call, on any transport (plain data: it crosses processes). */
export interface ShownFailure {
  /** The message, or null when an internal failure is hidden (no showError). */
  message: string | null;
  title: string;
  /** Seconds the page shows it; null keeps it until dismissed. */
  duration: number | null;
  code: ErrorCode;
  /** The HTTP status of a one-shot call that failed this way. */
  status: number;
  /** Seconds before trying again is worth it (sent as `retry-after` on a one-shot call). */
  retryAfter?: number;
  /** Shown on the page as an error (a cancelled call is not). */
  visible: boolean;
}

/** The code of an error, when it has one from the catalogue. */
export function codeOf(err: unknown): ErrorCode | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code in ERROR_CODES ? (code as ErrorCode) : undefined;
}
