import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

/** A span of text and its category (a string), its confidence (a number), or null for plain text. */
export type HighlightedPair = [text: string, category: string | number | null];

/** An entity over `text[start, end)`, as NER pipelines give it (`entity_group` for grouped results). */
export type HighlightedEntity =
  | { entity: string; start: number; end: number }
  | { entity_group: string; start: number; end: number };

/** Text with entities marked by character offsets; the gaps between entities become plain text. */
export interface HighlightedEntities {
  text: string;
  entities: HighlightedEntity[];
}

/** Gradio 4's HighlightedToken, one element of the wire list. */
export interface HighlightedToken {
  token: string;
  class_or_confidence: string | number | null;
}

export type HighlightedTextOut = HighlightedPair[] | HighlightedEntities;

export interface HighlightedTextOptions extends ComponentOptions {
  /** Category → CSS colour. */
  colorMap?: Record<string, string>;
  /** Merge neighbouring spans of the same category (joined by `adjacentSeparator`). */
  combineAdjacent?: boolean;
  /** Joins merged spans; default "". */
  adjacentSeparator?: string;
  /** Show the legend of categories. */
  showLegend?: boolean;
  value?: HighlightedTextOut;
}

function isColorMap(v: unknown): boolean {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((c) => typeof c === "string");
}

/**
 * Text with highlighted spans, each tagged with a category or a confidence. Gradio shortcuts:
 * "highlightedtext", "highlight". The function returns `[text, category]` pairs or
 * `{ text, entities: [{ entity, start, end }] }`; as an input the function receives pairs.
 *
 * @example
 * new tr.HighlightedText({ colorMap: { PER: "green", LOC: "blue" } })  // returns [["Ada", "PER"], [" in ", null], ["Paris", "LOC"]]
 */
export class HighlightedText extends Component<HighlightedPair[], HighlightedTextOut, HighlightedToken[]> {
  readonly type = "highlightedtext";
  readonly className = "HighlightedText";
  readonly colorMap: Record<string, string> | undefined;
  readonly combineAdjacent: boolean;
  readonly adjacentSeparator: string;
  readonly showLegend: boolean;
  private readonly initial: HighlightedToken[] | null;

  constructor(opts: HighlightedTextOptions = {}) {
    super(opts);
    const owner = this.constructor.name;
    this.colorMap = opts.colorMap === undefined ? undefined : { ...opts.colorMap };
    this.combineAdjacent = opts.combineAdjacent ?? false;
    this.adjacentSeparator = opts.adjacentSeparator ?? "";
    this.showLegend = opts.showLegend ?? false;
    this.initial =
      opts.value === undefined || opts.value === null
        ? null
        : this.toWire(opts.value, (m) => {
            throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" is invalid: ${m}`);
          });
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      colorMap: isColorMap,
      combineAdjacent: "boolean",
      adjacentSeparator: "string",
      showLegend: "boolean",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      color_map: this.colorMap ?? null,
      show_legend: this.showLegend,
      combine_adjacent: this.combineAdjacent,
      adjacent_separator: this.adjacentSeparator,
      value: this.initial,
    };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return this.initial;
  }

  apiInfo(): JSONSchema {
    return {
      title: "HighlightedTextData",
      type: "array",
      items: {
        title: "HighlightedToken",
        type: "object",
        properties: {
          token: { type: "string" },
          class_or_confidence: { anyOf: [{ type: "string" }, { type: "number" }, { type: "null" }] },
        },
        required: ["token", "class_or_confidence"],
      },
    };
  }
  exampleInput(): unknown {
    return [
      { token: "The ", class_or_confidence: null },
      { token: "fox", class_or_confidence: "animal" },
    ];
  }
  override pythonType(): string {
    return "List[Dict(token: str, class_or_confidence: str | float | None)]";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): HighlightedPair[] {
    if (payload === null || payload === undefined) return [];
    if (!Array.isArray(payload)) this.fail(`expected a list of {token, class_or_confidence} objects, got ${describe(payload)}`);
    return payload.map((t, i): HighlightedPair => {
      if (t === null || typeof t !== "object" || Array.isArray(t)) {
        this.fail(`item ${i} must be an object {token, class_or_confidence}, got ${describe(t)}`);
      }
      const { token, class_or_confidence: category } = t as Record<string, unknown>;
      if (typeof token !== "string") this.fail(`item ${i}: "token" must be a string, got ${describe(token ?? null)}`);
      return [token, this.category(category, `item ${i}: "class_or_confidence"`, (m) => this.fail(m))];
    });
  }

  postprocess(value: HighlightedTextOut, _ctx?: ComponentContext): HighlightedToken[] | null {
    if (value === null || value === undefined) return null;
    return this.toWire(value, (m) => this.fail(`the function returned an invalid value: ${m}`));
  }

  private toWire(value: unknown, bad: (message: string) => never): HighlightedToken[] {
    let pairs: HighlightedPair[];
    if (Array.isArray(value)) {
      pairs = value.map((p, i): HighlightedPair => {
        if (!Array.isArray(p) || p.length !== 2) {
          bad(`item ${i} must be a [text, category] pair, got ${describe(p)}${Array.isArray(p) ? ` of length ${p.length}` : ""}`);
        }
        if (typeof p[0] !== "string") bad(`item ${i}: the text must be a string, got ${describe(p[0])}`);
        return [p[0], this.category(p[1], `item ${i}: the category`, bad)];
      });
    } else if (value !== null && typeof value === "object" && "text" in value && "entities" in value) {
      pairs = this.fromEntities(value as { text: unknown; entities: unknown }, bad);
    } else {
      return bad(`expected a list of [text, category] pairs or {text, entities}, got ${describe(value)}`);
    }
    if (this.combineAdjacent) pairs = this.combine(pairs);
    return pairs.map(([token, c]) => ({ token, class_or_confidence: c }));
  }

  private category(c: unknown, where: string, bad: (message: string) => never): string | number | null {
    if (c === null || c === undefined) return null;
    if (typeof c === "string") return c;
    if (typeof c === "number" && Number.isFinite(c)) return c;
    return bad(`${where} must be a string, a finite number or null, got ${describe(c)}`);
  }

  /** Entities (sorted by start, not overlapping) → spans covering the whole text, with null for the gaps. */
  private fromEntities(value: { text: unknown; entities: unknown }, bad: (message: string) => never): HighlightedPair[] {
    const { text, entities } = value;
    if (typeof text !== "string") bad(`"text" must be a string, got ${describe(text)}`);
    if (!Array.isArray(entities)) return bad(`"entities" must be a list, got ${describe(entities)}`);
    const spans = entities.map((e, i) => {
      if (e === null || typeof e !== "object" || Array.isArray(e)) bad(`entities[${i}] must be an object {entity, start, end}, got ${describe(e)}`);
      const { entity, entity_group, start, end } = e as Record<string, unknown>;
      const name = entity ?? entity_group;
      if (typeof name !== "string") bad(`entities[${i}] needs an "entity" (or "entity_group") string, got ${describe(name ?? null)}`);
      if (typeof start !== "number" || !Number.isInteger(start) || typeof end !== "number" || !Number.isInteger(end)) {
        bad(`entities[${i}] needs integer "start" and "end" offsets`);
      }
      if (start < 0 || end > text.length || start > end) {
        bad(`entities[${i}] spans [${start}, ${end}), outside the text's ${text.length} characters (or reversed)`);
      }
      return { name, start, end, i };
    });
    spans.sort((a, b) => a.start - b.start || a.end - b.end);
    const pairs: HighlightedPair[] = [];
    let at = 0;
    for (const s of spans) {
      if (s.start < at) bad(`entities[${s.i}] (from ${s.start} to ${s.end}) overlaps the entity before it, which ends at ${at}`);
      if (s.start > at) pairs.push([text.slice(at, s.start), null]);
      pairs.push([text.slice(s.start, s.end), s.name]);
      at = s.end;
    }
    if (at < text.length || pairs.length === 0) pairs.push([text.slice(at), null]);
    return pairs;
  }

  /** Neighbouring spans of the same category merged into one; empty spans dropped. */
  private combine(pairs: HighlightedPair[]): HighlightedPair[] {
    const out: HighlightedPair[] = [];
    for (const [text, c] of pairs) {
      const last = out[out.length - 1];
      if (last !== undefined && last[1] === c) last[0] += this.adjacentSeparator + text;
      else if (text !== "" || out.length === 0) out.push([text, c]);
    }
    return out;
  }
}
