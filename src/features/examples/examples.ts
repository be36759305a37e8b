import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Component } from "../../components/component.js";
import type { ComponentContext } from "../../core/context.js";
import { OptionError } from "../../core/errors.js";
import { Block, type ResolveContext } from "../../graph/graph.js";
import type { GraphBuilder } from "../../graph/builder.js";
import type { EventDef, EventRuntime } from "../../graph/graph.js";
import { flaggedExamples, flaggingLogIn } from "./flagged.js";

/**
 * Examples as rows, one value per visible input: a list of lists, a flat list for one input, or a folder
 * of files for one input. Checked at construction so a wrong row count names the row.
 */
export function normaliseExamples(
  examples: unknown[] | string | undefined,
  inputs: readonly Component<any, any>[],
  /** The last inputs (an Interface's additional inputs), which rows may leave out: they get the inputs' own values. */
  optional: readonly Component<any, any>[] = [],
): unknown[][] | null {
  const rows = normaliseRows(examples, inputs, optional.length);
  if (rows === null || optional.length === 0) return rows;
  const k = inputs.filter((c) => !c.stateful).length;
  return rows.map((row) => (row.length === k ? row : [...row, ...optional.map((c) => c.value ?? null)]));
}

function normaliseRows(examples: unknown[] | string | undefined, inputs: readonly Component<any, any>[], optional: number): unknown[][] | null {
  if (examples === undefined) return null;
  const k = inputs.filter((c) => !c.stateful).length;
  if (typeof examples === "string") {
    if (!existsSync(examples) || !statSync(examples).isDirectory()) {
      throw new OptionError("TR_ERR_EXAMPLES", `Interface: option "examples" names a folder that does not exist: ${examples}`);
    }
    // A flagging folder (or a Gradio examples folder with a log.csv): one example per row.
    if (flaggingLogIn(examples, inputs) !== undefined) return flaggedExamples(examples, inputs);
    if (k - optional !== 1) throw new OptionError("TR_ERR_EXAMPLES", `Interface: option "examples" as a folder of files needs exactly one input, got ${k - optional}`);
    return readdirSync(examples)
      .filter((f) => !f.startsWith("."))
      .sort()
      .map((f) => [path.join(examples, f)]);
  }
  const main = k - optional;
  const rows = main === 1 && !examples.every((e) => Array.isArray(e) && (e.length === 1 || e.length === k)) ? examples.map((e) => [e]) : examples;
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) throw new OptionError("TR_ERR_EXAMPLES", `Interface: examples[${i}] must be a list with one value per input`);
    if (row.length !== k && row.length !== main) {
      const expected = optional > 0 ? `${main} inputs (or ${k} with the additional inputs)` : `${k} inputs`;
      throw new OptionError("TR_ERR_EXAMPLES", `Interface: examples[${i}] has ${row.length} values, but the interface has ${expected}`);
    }
  });
  return rows as unknown[][];
}

/**
 * The examples table (Gradio's Dataset), added while the graph is built. Sample values are turned into
 * wire values when the config is built (file URLs depend on the request's root) and kept per runtime and
 * root; with `cacheExamples` the outputs of every example are computed once as well, so a click fills the
 * outputs too.
 */
export function addExamples(
  builder: GraphBuilder,
  predict: EventDef,
  rows: unknown[][],
  opts: { perPage: number; cache: boolean },
): Block {
  const visibleIn = predict.inputs.filter((c) => !c.stateful);
  const visibleOut = predict.outputs.filter((c) => !c.stateful);
  const useCache = opts.cache && !predict.inputs.some((c) => c.stateful);
  const memo = new WeakMap<EventRuntime, Map<string, Promise<Record<string, unknown>>>>();
  const resolve = (ctx: ResolveContext) => {
    let byRoot = memo.get(ctx.runtime);
    if (!byRoot) memo.set(ctx.runtime, (byRoot = new Map()));
    let hit = byRoot.get(ctx.root);
    if (!hit) {
      const made = resolveSamples(predict, rows, visibleIn, ctx, useCache);
      made.catch(() => byRoot.delete(ctx.root));
      byRoot.set(ctx.root, made);
      hit = made;
    }
    return hit;
  };
  return builder.add(
    new Block(
      "dataset",
      {
        component_ids: visibleIn.map((c) => c.id),
        components: visibleIn.map((c) => c.type),
        headers: visibleIn.map((c) => c.label ?? ""),
        samples_per_page: opts.perPage,
        output_ids: useCache ? visibleOut.map((c) => c.id) : [],
        label: "Examples",
      },
      resolve,
    ),
  );
}

async function resolveSamples(
  predict: EventDef,
  rows: unknown[][],
  visibleIn: readonly Component<any, any>[],
  ctx: ResolveContext,
  useCache: boolean,
): Promise<Record<string, unknown>> {
  const trusted: ComponentContext = { files: ctx.files, root: ctx.root, trusted: true };
  const samples: unknown[][] = [];
  for (const row of rows) samples.push(await Promise.all(row.map((v, i) => visibleIn[i].exampleValue(v, trusted))));
  if (!useCache) return { samples };
  const cached: unknown[][] = [];
  for (const sample of samples) {
    const data = predict.inputs.map((c) => (c.stateful ? null : sample[visibleIn.indexOf(c)]));
    const wire = await ctx.runtime.run(predict, data, { sessionKey: null, root: ctx.root, trusted: true });
    cached.push(wire.filter((_, i) => !predict.outputs[i].stateful));
  }
  return { samples, cached_outputs: cached };
}
