import { Component, type ComponentOptions, type EmptyOptions, type JSONSchema, type Maybe } from "./component.js";
import { OptionError } from "../core/errors.js";
import { describe, oneOf, type OptionKind } from "../core/options.js";

export type DateTimeType = "timestamp" | "datetime" | "string";

/** What the function receives for each `type`: seconds since the epoch (Gradio's default), a Date, or the text. */
export type DateTimeIn<T extends DateTimeType> = T extends "datetime" ? Date : T extends "string" ? string : number;
/** What the function may return: a Date, seconds since the epoch, a date string, or null. */
export type DateTimeOut = Date | number | string | null;

export interface DateTimeOptions<T extends DateTimeType = "timestamp", R extends boolean = false> extends ComponentOptions, EmptyOptions<R> {
  /** Pick a time as well as a date. Default true. */
  includeTime?: boolean;
  /** What the function receives: "timestamp" (seconds, default, as in Gradio), "datetime" (a Date) or "string" ("2024-05-01 13:30:00"). */
  type?: T;
  /** IANA time zone ("Europe/Paris", "America/New_York") the text is read and written in. Default: the server's. */
  timezone?: string;
}

const TYPES: readonly DateTimeType[] = ["timestamp", "datetime", "string"];
const NOW = /^\s*now\s*(?:-\s*(\d+)\s*([smhdw]))?\s*$/i;
const TEXT = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock fields of an instant in a zone. */
function wall(ms: number, zone: string): number[] {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return [+parts.year, +parts.month, +parts.day, +parts.hour, +parts.minute, +parts.second];
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(ms: number, zone: string): number {
  const [y, mo, d, h, mi, s] = wall(ms, zone);
  return Date.UTC(y, mo - 1, d, h, mi, s) - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * A date, or a date and time. Gradio shortcut: "datetime".
 *
 * On the wire it is text, `"2024-05-01 13:30:00"` (or `"2024-05-01"` with `includeTime: false`), read in
 * `timezone`; ISO text with an offset (`"2024-05-01T11:30:00Z"`) and Gradio's relative `"now"`,
 * `"now - 2h"` (s, m, h, d, w) are understood too. The function receives, by `type`, seconds since the epoch,
 * a `Date`, or the text; it may return any of them.
 *
 * @example
 * new tr.DateTime({ type: "datetime", timezone: "Europe/Paris", label: "Meeting" })   // fn(when: Date)
 */
export class DateTime<T extends DateTimeType = "timestamp", R extends boolean = false> extends Component<Maybe<DateTimeIn<T>, R>, DateTimeOut, string | null> {
  readonly type = "datetime";
  readonly className = "DateTime";
  readonly includeTime: boolean;
  readonly dateType: T;
  readonly timezone: string | undefined;

  constructor(opts: DateTimeOptions<T, R> = {}) {
    super(opts);
    this.includeTime = opts.includeTime ?? true;
    this.dateType = opts.type ?? ("timestamp" as T);
    this.timezone = opts.timezone;
    const v = opts.value;
    if (v !== undefined && v !== null && this.toInstant(v) === undefined) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `DateTime: option "value" must be a Date, seconds since the epoch or a date string, got ${describe(v)}`);
    }
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      required: "boolean",
      includeTime: "boolean",
      type: oneOf(...TYPES),
      timezone: (v) => typeof v === "string" && validZone(v),
    };
  }

  /** The zone text is read and written in. */
  get zone(): string {
    return this.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      include_time: this.includeTime,
      type: this.dateType,
      timezone: this.timezone ?? null,
    };
  }

  apiInfo(): JSONSchema {
    return { type: "string" };
  }
  exampleInput(): unknown {
    return this.includeTime ? "2020-10-01 05:20:15" : "2020-10-01";
  }
  override pythonType(): string {
    return this.dateType === "datetime" ? "datetime" : this.dateType === "string" ? "str" : "float";
  }

  protected override emptyHint(): string {
    return this.includeTime ? "pick a date and time" : "pick a date";
  }

  preprocess(payload: unknown): Maybe<DateTimeIn<T>, R> {
    if (payload === null || payload === undefined || payload === "") return this.empty() as Maybe<DateTimeIn<T>, R>;
    if (typeof payload !== "string") this.fail(`expected a date as text ("2024-05-01 13:30:00"), got ${describe(payload)}`);
    const ms = this.parse(payload);
    if (ms === undefined) this.fail(`${describe(payload)} is not a date; expected ${this.includeTime ? '"YYYY-MM-DD HH:MM:SS"' : '"YYYY-MM-DD"'} or "now - 2h"`);
    if (this.dateType === "datetime") return new Date(ms) as Maybe<DateTimeIn<T>, R>;
    if (this.dateType === "string") return this.format(ms) as Maybe<DateTimeIn<T>, R>;
    return (ms / 1000) as Maybe<DateTimeIn<T>, R>;
  }

  postprocess(value: DateTimeOut): string | null {
    if (value === null || value === undefined) return null;
    const ms = this.toInstant(value);
    if (ms === undefined) this.fail(`the function returned ${describe(value)}, expected a Date, seconds since the epoch, a date string or null`);
    return this.format(ms);
  }

  /** A Date, seconds or text as ms since the epoch; undefined when it is none of them. */
  private toInstant(v: unknown): number | undefined {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
    if (typeof v === "number") return Number.isFinite(v) && Math.abs(v) < 8.64e12 ? v * 1000 : undefined;
    if (typeof v === "string") return this.parse(v);
    return undefined;
  }

  /** Text → ms since the epoch: "now[ - N unit]", or a date (and time) read in the zone unless it carries an offset. */
  parse(text: string): number | undefined {
    const now = NOW.exec(text);
    if (now) return Date.now() - Number(now[1] ?? 0) * UNIT_MS[(now[2] ?? "s").toLowerCase()];
    const m = TEXT.exec(text);
    if (!m) return undefined;
    const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((x) => (x === undefined ? undefined : Number(x))) as number[];
    const frac = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
    const asUtc = Date.UTC(y, mo - 1, d, h, mi, s, frac);
    if (new Date(asUtc).getUTCDate() !== d) return undefined; // 2023-02-30
    if (m[8]) {
      if (m[8].toUpperCase() === "Z") return asUtc;
      const sign = m[8][0] === "-" ? -1 : 1;
      const digits = m[8].slice(1).replace(":", "");
      return asUtc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    // Wall-clock time in the zone: the offset at a first guess, then again at the result (DST edges).
    const zone = this.zone;
    let ms = asUtc - offsetAt(asUtc, zone);
    const again = offsetAt(ms, zone);
    if (again !== asUtc - ms) ms = asUtc - again;
    return ms;
  }

  /** ms since the epoch → the wire text in the zone. */
  format(ms: number): string {
    const [y, mo, d, h, mi, s] = wall(ms, this.zone);
    const p = (n: number, w = 2) => String(n).padStart(w, "0");
    const date = `${p(y, 4)}-${p(mo)}-${p(d)}`;
    return this.includeTime ? `${date} ${p(h)}:${p(mi)}:${p(s)}` : date;
  }
}
