import type { Progress, ProgressUnit, RequestInfo } from "../core/context.js";

type TrackOptions = { desc?: string; total?: number; unit?: string };

/** Builds the progress helper, forwarding each report to `emit` in the protocol's `progress_data` shape. */
export function makeProgress(emit: (data: ProgressUnit[]) => void): Progress {
  const report = ((fraction: number, desc?: string) => {
    if (typeof fraction !== "number" || !Number.isFinite(fraction)) return;
    emit([{ index: null, length: null, unit: "steps", progress: Math.min(1, Math.max(0, fraction)), desc: desc ?? null }]);
  }) as Progress;
  report.track = (<T>(items: Iterable<T> | AsyncIterable<T>, opts: TrackOptions = {}) => {
    const total = opts.total ?? (Array.isArray(items) ? items.length : ((items as { length?: number }).length ?? null));
    const unit = (index: number): ProgressUnit[] => [{ index, length: total, unit: opts.unit ?? "steps", progress: null, desc: opts.desc ?? null }];
    const asyncWalk = async function* () {
      let index = 0;
      emit(unit(index));
      for await (const item of items as AsyncIterable<T>) {
        yield item;
        emit(unit(++index));
      }
    };
    if (!(Symbol.iterator in Object(items))) return { [Symbol.asyncIterator]: asyncWalk };
    // A plain array or other iterable can be walked with `for...of` as well as `for await`.
    const syncWalk = function* () {
      let index = 0;
      emit(unit(index));
      for (const item of items as Iterable<T>) {
        yield item;
        emit(unit(++index));
      }
    };
    return { [Symbol.iterator]: syncWalk, [Symbol.asyncIterator]: asyncWalk };
  }) as Progress["track"];
  return report;
}

/** The caller of a call made from the author's code. */
export function codeRequest(): RequestInfo {
  return { username: null, headers: {}, sessionHash: null, client: { host: null } };
}
