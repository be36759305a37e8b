/** Who is calling, as the function sees it (Gradio's `gr.Request`). */
export interface RequestInfo {
  /** The logged-in user when the app has `auth`, else null. */
  username: string | null;
  /** Request headers of the call (lower-case names); empty for calls from code. */
  headers: Record<string, string | string[] | undefined>;
  /** The page load's session id; state is keyed by it. */
  sessionHash: string | null;
  /** Client address. */
  client: { host: string | null };
}

/** Reports progress to the page: a fraction in [0, 1] and an optional description. */
export interface Progress {
  (fraction: number, desc?: string): void;
  /** Wraps an iterable and reports progress as it is consumed. */
  track<T>(items: Iterable<T> | AsyncIterable<T>, opts?: { desc?: string; total?: number; unit?: string }): AsyncIterable<T>;
}

/** Passed as the function's last argument on every call. */
export interface CallContext {
  request: RequestInfo;
  progress: Progress;
  /** Aborted when the caller cancels or goes away; long functions should stop when it fires. */
  signal: AbortSignal;
}

export interface ProgressUnit {
  index: number | null;
  length: number | null;
  unit: string | null;
  progress: number | null;
  desc: string | null;
}

/** Builds the progress helper, forwarding each report to `emit` in the protocol's `progress_data` shape. */
export function makeProgress(emit: (data: ProgressUnit[]) => void): Progress {
  const report = ((fraction: number, desc?: string) => {
    if (typeof fraction !== "number" || !Number.isFinite(fraction)) return;
    emit([{ index: null, length: null, unit: "steps", progress: Math.min(1, Math.max(0, fraction)), desc: desc ?? null }]);
  }) as Progress;
  report.track = <T>(items: Iterable<T> | AsyncIterable<T>, opts: { desc?: string; total?: number; unit?: string } = {}) => {
    const total = opts.total ?? (Array.isArray(items) ? items.length : (items as { length?: number }).length ?? null);
    return (async function* () {
      let index = 0;
      emit([{ index, length: total, unit: opts.unit ?? "steps", progress: null, desc: opts.desc ?? null }]);
      for await (const item of items as AsyncIterable<T>) {
        yield item;
        index++;
        emit([{ index, length: total, unit: opts.unit ?? "steps", progress: null, desc: opts.desc ?? null }]);
      }
    })();
  };
  return report;
}

export function codeRequest(): RequestInfo {
  return { username: null, headers: {}, sessionHash: null, client: { host: null } };
}
