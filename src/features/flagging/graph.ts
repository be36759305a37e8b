import path from "node:path";
import type { Component } from "../../components/component.js";
import { Textbox } from "../../components/textbox.js";
import { Block } from "../../graph/graph.js";
import type { EventDraft, GraphBuilder } from "../../graph/builder.js";
import type { FlaggingCallback } from "./callback.js";
import { CSVLogger } from "./csv-logger.js";
import { DEFAULT_FLAGS_PER_MINUTE, Flagger, normaliseOptions, type FlaggingMode } from "./flagger.js";
import { DEFAULT_MAX_FLAGGED_BYTES } from "./budget.js";
import { flaggingCallbacks } from "./registry.js";

export interface FlaggingGraphOptions {
  mode: FlaggingMode;
  options?: (string | [string, string])[];
  dir?: string;
  callback?: FlaggingCallback | string;
  /** The folder's bound in bytes (default 1 GiB); null: none. */
  maxBytes?: number | null;
  /** Flags per client address a minute (default 60); null: no limit. */
  perMinute?: number | null;
}

/**
 * Adds flagging to an Interface's graph while it is built: one event per flag button (it binds the
 * button's option, so the page needs no rules of its own), the `/flag` API event (one wire value per
 * visible input, one per visible output, then the option, received as sent), and with `auto` a success
 * hook on `predict`. The flagging log is opened when the app is launched. Returns the flag buttons.
 */
export function addFlagging(builder: GraphBuilder, predict: EventDraft, opts: FlaggingGraphOptions): Block[] {
  const visibleIn = predict.inputs.filter((c) => !c.stateful);
  const visibleOut = predict.outputs.filter((c) => !c.stateful);
  const components: Component<any, any>[] = [...visibleIn, ...visibleOut];
  const options = normaliseOptions(opts.options);
  const callback = typeof opts.callback === "string" ? flaggingCallbacks.get(opts.callback)() : (opts.callback ?? new CSVLogger());
  const flagger = new Flagger({
    mode: opts.mode,
    options,
    dir: path.resolve(opts.dir ?? "flagged"),
    callback,
    components,
    maxBytes: opts.maxBytes === undefined ? DEFAULT_MAX_FLAGGED_BYTES : opts.maxBytes,
    perMinute: opts.perMinute === undefined ? DEFAULT_FLAGS_PER_MINUTE : opts.perMinute,
  });
  builder.setConfig("allow_flagging", opts.mode);
  builder.setConfig("flagging_options", options);
  if (opts.mode !== "never") builder.lifecycle({ onLaunch: (runtime) => flagger.setup(runtime), onClose: () => flagger.settled() });

  const buttons =
    opts.mode === "manual"
      ? (options.length ? options : [["Flag", ""] as const]).map(([label, value]) => {
          const button = builder.add(new Block("button", { value: label, variant: "secondary", elem_classes: ["flag"] }));
          builder.addEvent({
            apiName: null,
            inputs: components,
            outputs: [],
            targets: [[button.id, "click"]],
            fn: async (args, ctx, scope) => (await flagger.fromClient([...args, value], ctx.request, scope.files, scope.runtime), []),
            preprocess: false,
            concurrencyLimit: null,
            showApi: false,
          });
          return button;
        })
      : [];

  // The API's flag: the same values, then the option.
  const option = builder.add(new Textbox({ label: "flag option", visible: false, value: "" }));
  builder.addEvent({
    apiName: "flag",
    inputs: [...components, option],
    outputs: [],
    targets: [],
    fn: async (args, ctx, scope) => (await flagger.fromClient(args, ctx.request, scope.files, scope.runtime), []),
    preprocess: false,
    concurrencyLimit: null,
    showApi: opts.mode !== "never",
    description: `Saves a sample to the app's flagging log: the inputs and outputs of /${predict.apiName}, then the flag option`,
  });

  if (opts.mode === "auto") {
    // Flags each successful run of a client once its answer is on its way.
    predict.onSuccess.push((data, wire, ctx, files, runtime) => {
      const values = [
        ...visibleIn.map((c) => data[predict.inputs.indexOf(c)] ?? null),
        ...visibleOut.map((c) => wire[predict.outputs.indexOf(c)] ?? null),
      ];
      flagger.auto(values, ctx.request.username, files, runtime);
    });
  }
  return buttons;
}
