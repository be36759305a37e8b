// The graph is built once and frozen: launching, mounting and flagging read it and never change it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { GraphBuilder } from "../src/graph/builder.js";
import { Block } from "../src/graph/graph.js";
import { configOf, connect, post, start } from "./helpers.js";

/** Everything a graph holds, as plain data: its config as the page sees it, plus the parts the config leaves out. */
async function snapshot(iface: tr.Interface<any, any>) {
  const g = iface.graph;
  return JSON.stringify({
    config: await configOf(iface),
    events: g.events.map((e) => ({ ...e, fn: typeof e.fn, onSuccess: e.onSuccess.length, inputs: e.inputs.map((c) => c.id), outputs: e.outputs.map((c) => c.id) })),
    components: g.components.map((c) => [c.id, c.label, c.props()]),
    lifecycle: [g.lifecycle.onLaunch.length, g.lifecycle.onClose.length],
  });
}

const meta = { title: null, description: null, article: null, css: null, theme: "default", thumbnail: null };

describe("the graph", () => {
  it("is frozen once built: its lists, events, layout and config cannot be changed", () => {
    const iface = new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "label", allowFlagging: "auto", flaggingDir: mkdtempSync(path.join(tmpdir(), "tradio-g-")) });
    const g = iface.graph;
    for (const part of [g, g.events, g.components, g.blocks, g.layout, g.layout.children, g.meta, g.config, g.events[0], g.events[0].inputs, g.events[0].onSuccess]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => (g.events as unknown[]).push({})).toThrow(TypeError);
    expect(() => (g.events[0].onSuccess as unknown[]).push(() => {})).toThrow(TypeError);
    expect(() => ((g.meta as { title: string | null }).title = "changed")).toThrow(TypeError);
    // A component's place and label are fixed with its graph.
    const box = g.components[0];
    expect(() => ((box as { id: number }).id = 99)).toThrow(TypeError);
    expect(() => ((box as { label: string | undefined }).label = "changed")).toThrow(TypeError);
  });

  it("refuses additions after build, and a component in two graphs", () => {
    const builder = new GraphBuilder(meta);
    const box = builder.add(new tr.Textbox());
    builder.build();
    expect(() => builder.add(new Block("row"))).toThrowCode("TR_ERR_GRAPH_FROZEN");
    expect(() => builder.addEvent({ apiName: "x", inputs: [], outputs: [], targets: [], fn: null })).toThrowCode("TR_ERR_GRAPH_FROZEN");
    expect(() => builder.build()).toThrowCode("TR_ERR_GRAPH_FROZEN");
    expect(() => new GraphBuilder(meta).add(box)).toThrowCode("TR_ERR_COMPONENT_REUSED");
  });

  it("is left unchanged by launch (with its options), mounting, calls, flags and interpretation", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tradio-g-"));
    const iface = new tr.Interface({
      fn: (s: string) => ({ [s]: 1 }),
      inputs: "text",
      outputs: "label",
      examples: [["a"], ["b"]],
      cacheExamples: true,
      interpretation: "default",
      flaggingOptions: ["good", "bad"],
      flaggingDir: dir,
    });
    const before = await snapshot(iface);
    const app = await start(iface, { stateSessionCapacity: 5, stateTtl: 10, allowedPaths: [dir], maxFileSize: 1000, fetchAllowList: ["10.0.0.1"] });
    const server = Fastify();
    await server.register((f) => tr.mountApp(f, iface, { prefix: "/m", showError: true }).then(() => undefined), { prefix: "/m" });
    try {
      const client = await connect(app.base);
      await client.predict("/predict", ["x"]);
      await client.predict("/interpret", ["hello world"]);
      await client.predict("/flag", ["x", { label: "x" }, "good"]);
      expect((await post(app.base, "/gradio_api/run/predict", { data: ["y"] })).status).toBe(200);
      await iface("z");
      await iface.interpret(["two words"]);
      expect(await snapshot(iface)).toBe(before);
    } finally {
      await server.close();
      await app.close();
    }
  });
});
