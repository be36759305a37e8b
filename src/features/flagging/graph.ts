import path from "node:path";
import type { App, EventDef } from "../../graph/graph.js";
import type { Component } from "../../components/component.js";
import { Block } from "../../graph/blocks.js";
import { State } from "../../components/state.js";
import { Textbox } from "../../components/textbox.js";
import type { FlaggingCallback } from "./callback.js";
import { CSVLogger } from "./csv-logger.js";
import { Flagger, normaliseOptions, type FlaggingMode } from "./flagger.js";

export interface FlaggingGraphOptions {
  mode: FlaggingMode;
  options?: (string | [string, string])[];
  dir?: string;
  callback?: FlaggingCallback;
}

export interface FlaggingGraph {
  flagger: Flagger;
  /** The flag buttons ("manual" only), for the output column's `output-buttons` row. */
  buttons: Block[];
  /** The `/flag` event. */
  event: EventDef;
}

/**
 * Adds flagging to an Interface's graph: the flag buttons (`elem_classes: ["flag"]`, `flag_value`),
 * a hidden `flag option` textbox and the `/flag` event. Its data is one wire value per visible input,
 * one per visible output, then the option value (a button's `flag_value`); the function receives them
 * as sent (no preprocessing) and answers no data. With `auto`, `predict` flags each successful run.
 */
export function addFlagging(app: App, predict: EventDef, opts: FlaggingGraphOptions): FlaggingGraph {
  const visibleIn = predict.inputs.filter((c) => !(c instanceof State));
  const visibleOut = predict.outputs.filter((c) => !(c instanceof State));
  const components = [...visibleIn, ...visibleOut];
  const options = normaliseOptions(opts.options);
  const flagger = new Flagger({
    mode: opts.mode,
    options,
    dir: path.resolve(opts.dir ?? "flagged"),
    callback: opts.callback ?? new CSVLogger(),
    components,
    files: () => app.files,
  });

  const buttons =
    opts.mode === "manual"
      ? (options.length ? options : [["Flag", ""] as const]).map(([label, value]) =>
          app.add(new Block("button", { value: label, variant: "secondary", elem_classes: ["flag"], flag_value: value })),
        )
      : [];
  const option = app.add(new Textbox({ label: "flag option", visible: false, value: "" }));
  // As in Gradio, outputs stay read-only on the page although the flag event reads them.
  for (const c of visibleOut) readOnly(c);

  const event = app.addEvent({
    apiName: "flag",
    inputs: [...components, option],
    outputs: [],
    targets: buttons.map((b): [number, string] => [b.id, "click"]),
    fn: async (args, ctx) => {
      await flagger.fromClient(args, ctx.request.username);
      return [];
    },
    preprocess: false,
    batch: false,
    maxBatchSize: 1,
    concurrencyLimit: null,
    showApi: opts.mode !== "never",
    live: false,
  });

  if (opts.mode === "auto") {
    predict.onSuccess = (data, wire, ctx) => {
      const values = [
        ...visibleIn.map((c) => data[predict.inputs.indexOf(c)] ?? null),
        ...visibleOut.map((c) => wire[predict.outputs.indexOf(c)] ?? null),
      ];
      flagger.auto(values, ctx.request.username);
    };
  }
  return { flagger, buttons, event };
}

function readOnly(c: Component<any, any>): void {
  const props = c.props;
  c.props = function (this: Component<any, any>) {
    return { ...props.call(this), interactive: false };
  };
}
