import { OptionError } from "../core/errors.js";
import { Registry } from "../core/registry.js";
import { Component } from "./component.js";
import { Textbox } from "./textbox.js";
import { NumberComponent } from "./number.js";
import { Slider } from "./slider.js";
import { Checkbox } from "./checkbox.js";
import { CheckboxGroup } from "./checkbox-group.js";
import { Radio } from "./radio.js";
import { Dropdown } from "./dropdown.js";
import { Image } from "./image.js";
import { Audio } from "./audio.js";
import { File } from "./file.js";
import { Label } from "./label.js";
import { Chatbot } from "./chatbot.js";
import { State } from "./state.js";
import { Json } from "./json.js";
import { HTML } from "./html.js";
import { Markdown } from "./markdown.js";
import { HighlightedText } from "./highlighted-text.js";
import { Dataframe } from "./dataframe.js";
import { Video } from "./video.js";
import { Plot } from "./plot.js";
import { LinePlot } from "./line-plot.js";
import { ScatterPlot } from "./scatter-plot.js";
import { BarPlot } from "./bar-plot.js";
import { Gallery } from "./gallery.js";
import { Model3D } from "./model3d.js";
import { ColorPicker } from "./color-picker.js";
import { Code } from "./code.js";
import { DateTime } from "./datetime.js";

/** Gradio's string shortcuts that tradio ships, and the component each one makes. */
interface BuiltInShortcuts {
  text: Textbox;
  textbox: Textbox;
  textarea: Textbox;
  number: NumberComponent;
  slider: Slider;
  checkbox: Checkbox;
  checkboxgroup: CheckboxGroup;
  radio: Radio;
  dropdown: Dropdown;
  image: Image;
  webcam: Image<"pixels">;
  audio: Audio;
  microphone: Audio;
  file: File;
  label: Label;
  chatbot: Chatbot;
  state: State<any>;
  json: Json;
  html: HTML;
  markdown: Markdown;
  highlightedtext: HighlightedText;
  highlight: HighlightedText;
  dataframe: Dataframe;
  numpy: Dataframe<"numpy">;
  video: Video;
  playablevideo: Video;
  playable_video: Video;
  plot: Plot;
  lineplot: LinePlot;
  scatterplot: ScatterPlot;
  barplot: BarPlot;
  gallery: Gallery;
  model3d: Model3D;
  colorpicker: ColorPicker;
  code: Code;
  datetime: DateTime;
}

/**
 * Every shortcut and the component it makes (the types drive the function's signature). A component
 * registered from outside adds its own by declaration merging: `declare module "tradio" { interface Shortcuts { rating: Rating } }`.
 */
export interface Shortcuts extends BuiltInShortcuts {}

export type Shortcut = keyof Shortcuts;

const factories: { [K in keyof BuiltInShortcuts]: () => BuiltInShortcuts[K] } = {
  text: () => new Textbox(),
  textbox: () => new Textbox(),
  textarea: () => new Textbox({ lines: 7 }),
  number: () => new NumberComponent(),
  slider: () => new Slider(),
  checkbox: () => new Checkbox(),
  checkboxgroup: () => new CheckboxGroup(),
  radio: () => new Radio(),
  dropdown: () => new Dropdown(),
  image: () => new Image(),
  webcam: () => new Image({ sources: ["webcam"] }),
  audio: () => new Audio(),
  microphone: () => new Audio({ sources: ["microphone"] }),
  file: () => new File(),
  label: () => new Label(),
  chatbot: () => new Chatbot(),
  state: () => new State(),
  json: () => new Json(),
  html: () => new HTML(),
  markdown: () => new Markdown(),
  highlightedtext: () => new HighlightedText(),
  highlight: () => new HighlightedText(),
  dataframe: () => new Dataframe(),
  // Gradio's gr.Numpy: a Dataframe whose function gets rows of numbers.
  numpy: () => new Dataframe({ type: "numpy" }),
  video: () => new Video(),
  // Gradio's PlayableVideo: recordings in MP4 where the browser can make them ("playable_video" is looked up as "playablevideo").
  playablevideo: () => new Video({ format: "mp4" }),
  playable_video: () => new Video({ format: "mp4" }),
  plot: () => new Plot(),
  lineplot: () => new LinePlot(),
  scatterplot: () => new ScatterPlot(),
  barplot: () => new BarPlot(),
  gallery: () => new Gallery(),
  model3d: () => new Model3D(),
  colorpicker: () => new ColorPicker(),
  code: () => new Code(),
  datetime: () => new DateTime(),
};

/**
 * Components by type name and shortcut (`inputs: "rating"`): tradio registers its own here, and a
 * component from outside registers the same way. Its TypeScript type joins the Shortcuts interface:
 *
 * @example
 * tr.components.register("rating", () => new Rating());
 * declare module "tradio" { interface Shortcuts { rating: Rating } }
 */
export const components = new Registry<() => Component<any, any>>("components");
for (const [name, make] of Object.entries(factories)) components.register(name, make);

/** Gradio's shortcuts that tradio ships. */
export const shortcutNames = Object.keys(factories) as (keyof BuiltInShortcuts)[];

/** A component or one of Gradio's shortcuts (case-insensitive at run time, as in Gradio). */
export type ComponentSpec = Component<any, any> | Shortcut;

export function resolveComponent(spec: unknown, where: string): Component<any, any> {
  if (spec instanceof Component) return spec;
  if (typeof spec === "string") {
    const make = components.find(spec.toLowerCase().replace(/[-_ ]/g, ""));
    if (make) return make();
    throw new OptionError("TR_ERR_COMPONENT_UNKNOWN", `${where}: unknown component "${spec}" (known shortcuts: ${components.names().join(", ")})`);
  }
  throw new OptionError("TR_ERR_COMPONENT_UNKNOWN", `${where}: expected a component or a shortcut string, got ${spec === null ? "null" : typeof spec}`);
}
