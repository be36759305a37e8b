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

/** Gradio's string shortcuts and the component each one makes (the types drive the function's signature). */
export interface Shortcuts {
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
}

export type Shortcut = keyof Shortcuts;

const factories: { [K in Shortcut]: () => Shortcuts[K] } = {
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
};

export const shortcutNames = Object.keys(factories) as Shortcut[];

/** A component or one of Gradio's shortcuts (case-insensitive at run time, as in Gradio). */
export type ComponentSpec = Component<any, any> | Shortcut;

export function resolveComponent(spec: unknown, where: string): Component<any, any> {
  if (spec instanceof Component) return spec;
  if (typeof spec === "string") {
    const key = spec.toLowerCase().replace(/[-_ ]/g, "") as Shortcut;
    const make = factories[key];
    if (make) return make();
    throw new TypeError(`${where}: unknown component "${spec}" (known shortcuts: ${shortcutNames.join(", ")})`);
  }
  throw new TypeError(`${where}: expected a component or a shortcut string, got ${spec === null ? "null" : typeof spec}`);
}
