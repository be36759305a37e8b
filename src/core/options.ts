import { OptionError } from "./errors.js";

/** A short description of a value for error messages ("the string \"abc\"", "an array", "null"). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return "bytes";
  const t = typeof value;
  if (t === "string") {
    const s = value as string;
    return `the string ${JSON.stringify(s.length > 40 ? s.slice(0, 40) + "…" : s)}`;
  }
  if (t === "number" || t === "boolean") return `${t} ${String(value)}`;
  if (t === "bigint") return `the BigInt ${String(value).slice(0, 40)}n`;
  if (t === "function" || t === "symbol") return `a ${t}`;
  return t === "object" ? "an object" : t;
}

/** A file name or path for an error message: its last part, cut short when long. */
export function describeName(name: string): string {
  const base = name.split(/[\\/]/).filter(Boolean).pop() ?? name;
  return JSON.stringify(base.length > 60 ? base.slice(0, 60) + "…" : base);
}

/** A check; one made by `oneOf` also says what it accepts, for the error message. */
export type OptionCheck = ((v: unknown) => boolean) & { expected?: string };
export type OptionKind = "string" | "number" | "boolean" | "string[]" | "any" | "function" | OptionCheck;

/** A check that accepts exactly these values; its error names them. */
export function oneOf(...values: readonly unknown[]): OptionCheck {
  const check: OptionCheck = (v) => values.includes(v);
  check.expected = `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  return check;
}

/** A check for a list whose every item is one of these values; its error names them. */
export function listOf(values: readonly unknown[], opts: { nonEmpty?: boolean } = {}): OptionCheck {
  const check: OptionCheck = (v) => Array.isArray(v) && (!opts.nonEmpty || v.length > 0) && v.every((x) => values.includes(x));
  check.expected = `${opts.nonEmpty ? "a non-empty " : "an "}array of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  return check;
}

/** Validates an options object: an unknown option or a wrong type throws an OptionError naming it. */
export function checkOptions(owner: string, opts: Record<string, unknown>, ...specs: Record<string, OptionKind>[]): void {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new OptionError("TR_ERR_OPTIONS", `${owner}: options must be an object, got ${describe(opts)}`);
  }
  const spec: Record<string, OptionKind> = Object.assign({}, ...specs);
  for (const [key, value] of Object.entries(opts)) {
    const kind = spec[key];
    if (kind === undefined) {
      const known = Object.keys(spec).sort().join(", ");
      throw new OptionError("TR_ERR_OPTION_UNKNOWN", `${owner}: unknown option "${key}" (known options: ${known})`);
    }
    if (value === undefined || kind === "any") continue;
    const ok =
      typeof kind === "function"
        ? kind(value)
        : kind === "string[]"
          ? Array.isArray(value) && value.every((v) => typeof v === "string")
          : typeof value === kind;
    if (!ok) {
      const want = typeof kind === "function" ? (kind.expected ?? "a valid value") : kind === "string[]" ? "an array of strings" : `a ${kind}`;
      throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "${key}" must be ${want}, got ${describe(value)}`);
    }
  }
}

export const isPositiveInt = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v > 0;
export const isPositive = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v) && v > 0;
