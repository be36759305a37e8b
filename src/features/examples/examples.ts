import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Component, ComponentContext } from "../../components/component.js";
import { Block } from "../../graph/blocks.js";
import { State } from "../../components/state.js";
import type { App } from "../../graph/graph.js";
import { runEvent } from "../../runtime/run.js";
import { flaggedExamples } from "./flagged.js";

/**
 * Examples as rows, one value per visible input: a list of lists, a flat list for one input, or a folder
 * of files for one input. Checked at construction so a wrong row count names the row.
 */
export function normaliseExamples(examples: unknown[] | string | undefined, inputs: Component<any, any>[]): unknown[][] | null {
  if (examples === undefined) return null;
  const k = inputs.filter((c) => !(c instanceof State)).length;
  if (typeof examples === "string") {
    if (!existsSync(examples) || !statSync(examples).isDirectory()) {
      throw new TypeError(`Interface: option "examples" names a folder that does not exist: ${examples}`);
    }
    // A flagging folder (or a Gradio examples folder with a log.csv): one example per row.
    if (existsSync(path.join(examples, "log.csv"))) return flaggedExamples(examples, inputs);
    if (k !== 1) throw new TypeError(`Interface: option "examples" as a folder of files needs exactly one input, got ${k}`);
    return readdirSync(examples)
      .filter((f) => !f.startsWith("."))
      .sort()
      .map((f) => [path.join(examples, f)]);
  }
  const rows = k === 1 && !examples.every((e) => Array.isArray(e) && e.length === 1) ? examples.map((e) => [e]) : examples;
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) throw new TypeError(`Interface: examples[${i}] must be a list with one value per input`);
    if (row.length !== k) throw new TypeError(`Interface: examples[${i}] has ${row.length} values, but the interface has ${k} inputs`);
  });
  return rows as unknown[][];
}

/**
 * The examples table (Gradio's Dataset). Sample values are turned into wire values when the config is
 * built (file URLs depend on the request's root) and kept per root; with `cacheExamples` the outputs of
 * every example are computed once as well, so a click fills the outputs too.
 */
export function examplesBlock(
  app: App,
  rows: unknown[][],
  inputs: Component<any, any>[],
  outputs: Component<any, any>[],
  perPage: number,
  cache: boolean,
): Block {
  const visibleIn = inputs.filter((c) => !(c instanceof State));
  const visibleOut = outputs.filter((c) => !(c instanceof State));
  const useCache = cache && !inputs.some((c) => c instanceof State);
  const block = new Block("dataset", {
    component_ids: visibleIn.map((c) => c.id),
    components: visibleIn.map((c) => c.type),
    headers: visibleIn.map((c) => c.label ?? ""),
    samples_per_page: perPage,
    output_ids: useCache ? visibleOut.map((c) => c.id) : [],
    label: "Examples",
  });
  const memo = new Map<string, Promise<Record<string, unknown>>>();
  block.resolve = (ctx: ComponentContext) => {
    let hit = memo.get(ctx.root);
    if (!hit) {
      hit = resolveSamples(app, rows, visibleIn, inputs, ctx, useCache);
      hit.catch(() => memo.delete(ctx.root));
      memo.set(ctx.root, hit);
    }
    return hit;
  };
  return block;
}

async function resolveSamples(
  app: App,
  rows: unknown[][],
  visibleIn: Component<any, any>[],
  inputs: Component<any, any>[],
  ctx: ComponentContext,
  useCache: boolean,
): Promise<Record<string, unknown>> {
  const trusted: ComponentContext = { ...ctx, trusted: true };
  const samples: unknown[][] = [];
  for (const row of rows) samples.push(await Promise.all(row.map((v, i) => visibleIn[i].exampleValue(v, trusted))));
  if (!useCache) return { samples };
  const event = app.events[0];
  const cached: unknown[][] = [];
  for (const sample of samples) {
    const data = inputs.map((c) => (c instanceof State ? null : sample[visibleIn.indexOf(c)]));
    const wire = await runEvent(app, event, data, { sessionKey: null, root: ctx.root, trusted: true });
    cached.push(wire.filter((_, i) => !(event.outputs[i] instanceof State)));
  }
  return { samples, cached_outputs: cached };
}
