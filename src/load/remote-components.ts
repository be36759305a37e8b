import { Audio } from "../components/audio.js";
import { Chatbot } from "../components/chatbot.js";
import { Checkbox } from "../components/checkbox.js";
import { CheckboxGroup } from "../components/checkbox-group.js";
import type { Component } from "../components/component.js";
import { Dataframe } from "../components/dataframe.js";
import { Dropdown } from "../components/dropdown.js";
import { File } from "../components/file.js";
import { HighlightedText } from "../components/highlighted-text.js";
import { HTML } from "../components/html.js";
import { Image } from "../components/image.js";
import { Json } from "../components/json.js";
import { Label } from "../components/label.js";
import { Markdown } from "../components/markdown.js";
import { NumberComponent } from "../components/number.js";
import { Radio } from "../components/radio.js";
import { Slider } from "../components/slider.js";
import { Textbox } from "../components/textbox.js";
import { TradioFailure } from "../core/errors.js";

/** One entry of a Gradio config's `components` list. */
export interface ConfigComponent {
  id: number;
  type: string;
  props?: Record<string, unknown>;
}

type Props = Record<string, unknown>;
type Opts = Record<string, unknown>;

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown) => (typeof v === "boolean" ? v : undefined);
const strings = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined);
const size = (v: unknown) => num(v) ?? str(v);

/** Drops undefined entries, so only props the remote app set become options. */
function defined(o: Opts): Opts {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Gradio 4+ sends choices as [label, value] pairs (values may be numbers); 3.x as plain strings. */
function choices(v: unknown): (string | [string, string])[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((c) => (Array.isArray(c) ? [String(c[0]), String(c[1] ?? c[0])] : String(c)));
}

function sources<T extends string>(p: Props, known: readonly T[]): T[] | undefined {
  const list = Array.isArray(p.sources) ? p.sources : typeof p.source === "string" ? [p.source] : undefined;
  const kept = list?.filter((s): s is T => known.includes(s as T));
  return kept && kept.length > 0 ? kept : undefined;
}

/** Builders per config type: the remote props that have a tradio option, renamed to camelCase. */
const BUILDERS: Record<string, (p: Props) => [new (o: any) => Component<any, any>, Opts]> = {
  textbox: (p) => [
    Textbox,
    { lines: num(p.lines), maxLines: num(p.max_lines), placeholder: str(p.placeholder), maxLength: num(p.max_length), value: str(p.value),
      type: ["text", "password", "email"].includes(p.type as string) ? p.type : undefined },
  ],
  number: (p) => [NumberComponent, { minimum: num(p.minimum), maximum: num(p.maximum), precision: num(p.precision), step: num(p.step), value: num(p.value) }],
  slider: (p) => [Slider, { minimum: num(p.minimum), maximum: num(p.maximum), step: num(p.step), value: num(p.value) }],
  checkbox: (p) => [Checkbox, { value: bool(p.value) }],
  checkboxgroup: (p) => [CheckboxGroup, { choices: choices(p.choices), value: strings(p.value) }],
  radio: (p) => [Radio, { choices: choices(p.choices), value: str(p.value) }],
  dropdown: (p) => [
    Dropdown,
    { choices: choices(p.choices), multiselect: bool(p.multiselect), allowCustomValue: bool(p.allow_custom_value),
      maxChoices: num(p.max_choices), value: str(p.value) ?? strings(p.value) },
  ],
  image: (p) => [
    Image,
    { sources: sources(p, ["upload", "webcam", "clipboard"] as const), height: size(p.height), width: size(p.width), placeholder: str(p.placeholder),
      imageMode: ["RGB", "RGBA", "L"].includes(p.image_mode as string) ? p.image_mode : undefined },
  ],
  audio: (p) => [Audio, { sources: sources(p, ["upload", "microphone"] as const) }],
  file: (p) => [File, { fileCount: p.file_count === "single" ? undefined : p.file_count ? "multiple" : undefined, fileTypes: strings(p.file_types) }],
  label: (p) => [Label, { numTopClasses: num(p.num_top_classes), color: str(p.color) }],
  chatbot: (p) => [Chatbot, { height: size(p.height), placeholder: str(p.placeholder), rtl: bool(p.rtl), showCopyButton: bool(p.show_copy_button) }],
  dataframe: (p) => [Dataframe, { headers: strings(p.headers), wrap: bool(p.wrap) }],
  highlightedtext: (p) => [
    HighlightedText,
    { colorMap: p.color_map && typeof p.color_map === "object" ? p.color_map : undefined, showLegend: bool(p.show_legend),
      combineAdjacent: bool(p.combine_adjacent), adjacentSeparator: str(p.adjacent_separator) },
  ],
  json: () => [Json, {}],
  html: (p) => [HTML, { value: str(p.value) }],
  markdown: (p) => [Markdown, { value: str(p.value) }],
};

export const REBUILT_TYPES = Object.keys(BUILDERS).sort();

/**
 * A remote app's component → the tradio component that shows it. Props tradio cannot take (a value
 * outside the choices, a size it refuses) are dropped one attempt at a time rather than failing the load.
 */
export function rebuildComponent(c: ConfigComponent, where: string): Component<any, any> {
  const build = BUILDERS[c.type];
  if (!build) {
    throw new TradioFailure("TR_ERR_LOAD_UNSUPPORTED", `load: ${where} uses a "${c.type}" component, which tradio cannot rebuild (supported: ${REBUILT_TYPES.join(", ")})`);
  }
  const p = c.props ?? {};
  const [Make, extra] = build(p);
  const common = defined({ label: str(p.label), info: str(p.info), visible: bool(p.visible) });
  const attempts = [{ ...common, ...defined(extra) }, { ...common, ...defined({ ...extra, value: undefined }) }, common];
  let last: unknown;
  for (const opts of attempts) {
    try {
      return new Make(opts);
    } catch (err) {
      last = err;
    }
  }
  throw new TradioFailure("TR_ERR_LOAD_UNSUPPORTED", `load: ${where}: could not rebuild its "${c.type}" component (${last instanceof Error ? last.message : String(last)})`);
}
