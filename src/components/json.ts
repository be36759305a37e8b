import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import { MAX_DEPTH, nestedDeeperThan } from "../core/limits.js";
import { type ComponentContext } from "../core/context.js";
import { type OptionKind } from "../core/options.js";

/** Any value JSON can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface JsonOptions extends ComponentOptions {
  /** Initial value; anything JSON can carry. */
  value?: unknown;
  /** Show every node of the tree expanded (Gradio's `open`). */
  open?: boolean;
}

/**
 * A JSON viewer. Gradio shortcut: "json". The function may return anything JSON can carry (objects with
 * `toJSON`, like Date, are converted as `JSON.stringify` converts them); functions, symbols, BigInt,
 * Map, Set and circular structures are refused. As an input it passes the parsed JSON on as it is.
 *
 * @example
 * new tr.JSON({ label: "Parsed" })   // the function returns { name: "Ada", languages: ["en", "fr"] }
 */
export class Json extends Component<JsonValue, unknown, JsonValue> {
  readonly type = "json";
  static readonly displayName = "JSON";
  readonly className = "JSON";
  readonly open: boolean;
  private readonly initial: JsonValue;

  constructor(opts: JsonOptions = {}) {
    super(opts);
    const owner = this.owner;
    this.open = opts.open ?? false;
    this.initial = this.toWire(opts.value, (m) => {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" is invalid: ${m}`);
    });
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return { open: "boolean" };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      open: this.open,
      value: this.initial,
    };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return this.initial;
  }

  apiInfo(): JSONSchema {
    return { type: {}, description: "any valid json" };
  }
  exampleInput(): unknown {
    return { foo: "bar" };
  }
  override pythonType(): string {
    return "Dict[Any, Any]";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): JsonValue {
    if (payload === undefined) return null;
    if (nestedDeeperThan(payload, MAX_DEPTH)) this.fail(`expected a JSON value nested at most ${MAX_DEPTH} levels deep, got arrays and objects nested deeper`, "TR_ERR_TOO_COMPLEX");
    return payload as JsonValue;
  }

  postprocess(value: unknown, _ctx?: ComponentContext): JsonValue {
    return this.toWire(value, (m) => this.fail(`the function returned ${m}`));
  }

  /** A plain JSON copy of `value`, or `bad(...)` naming what JSON cannot carry and where. */
  private toWire(value: unknown, bad: (message: string) => never): JsonValue {
    if (value === null || value === undefined) return null;
    return toJson(value, "", "", new Set(), bad, 0);
  }
}

/** Converts as `JSON.stringify` would (toJSON, NaN → null, undefined properties dropped) but refuses what it would lose or choke on. */
function toJson(v: unknown, key: string, where: string, open: Set<object>, bad: (message: string) => never, depth: number): JsonValue {
  const place = where === "" ? "" : ` at ${where.length > 60 ? where.slice(0, 60) + "…" : where}`;
  if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") {
    v = (v as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) ? v : null;
    case "undefined":
      return null;
    case "function":
      return bad(`a function${place}, which JSON cannot carry`);
    case "symbol":
      return bad(`a symbol${place}, which JSON cannot carry`);
    case "bigint":
      return bad(`the BigInt ${v}n${place}, which JSON cannot carry (convert it to a number or a string)`);
  }
  if (v === null) return null;
  const obj = v as object;
  if (obj instanceof Map || obj instanceof Set) {
    return bad(`a ${obj instanceof Map ? "Map" : "Set"}${place}, which JSON cannot carry (convert it to an object or an array)`);
  }
  if (open.has(obj)) return bad(`a circular structure${place}, which JSON cannot carry`);
  if (depth >= MAX_DEPTH) return bad(`arrays and objects nested more than ${MAX_DEPTH} levels deep${place}, more than a JSON value may`);
  open.add(obj);
  let out: JsonValue;
  if (Array.isArray(obj)) {
    out = obj.map((item, i) => toJson(item, String(i), `${where}[${i}]`, open, bad, depth + 1));
  } else {
    const o: { [key: string]: JsonValue } = {};
    for (const [k, item] of Object.entries(obj)) {
      if (item === undefined) continue;
      o[k] = toJson(item, k, /^[A-Za-z_$][\w$]*$/.test(k) ? (where === "" ? k : `${where}.${k}`) : `${where}[${JSON.stringify(k)}]`, open, bad, depth + 1);
    }
    out = o;
  }
  open.delete(obj);
  return out;
}
