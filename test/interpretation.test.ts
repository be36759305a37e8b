import path from "node:path";
import { fileURLToPath } from "node:url";
import { handle_file } from "@gradio/client";
import { describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { buildInfo } from "../src/protocol/config.js";
import gender, { custom as genderCustom, interpretGender } from "../demo/gender_sentence/app.js";
import sentiment, { classify, leaveOneOut } from "../demo/sentiment/app.js";
import imageClassifier from "../demo/image_classifier/app.js";
import { configOf, connect, post, start, gate } from "./helpers.js";

const here = path.dirname(fileURLToPath(import.meta.url));
type Pairs = [string, number][];

describe("interpretation in the app graph", () => {
  it("adds an Interpret button after the flag buttons under the outputs, and an /interpret event", async () => {
    const iface = new tr.Interface({ fn: (t: string, n: number | null) => ({ a: n ?? 0 }), inputs: ["text", "number"], outputs: "label", interpretation: "default" });
    const config = await configOf(iface, "");
    const byId = new Map<number, any>(config.components.map((c: any) => [c.id, c]));
    const row = findNode(config.layout, (n) => byId.get(n.id)?.props.elem_classes?.includes("output-buttons"));
    const buttons = row.children.map((n: any) => byId.get(n.id));
    expect(buttons.at(-1)).toMatchObject({ type: "button", props: { value: "Interpret", elem_classes: ["interpret"] } });
    expect(buttons.slice(0, -1).every((b: any) => b.props.value.startsWith("Flag"))).toBe(true);
    expect(config.interpretation).toBe(true);

    const dep = config.dependencies.find((d: any) => d.api_name === "interpret");
    const inputs = iface.inputComponents.map((c) => c.id);
    expect(dep.inputs).toEqual(inputs);
    expect(dep.targets).toEqual([[buttons.at(-1).id, "click"]]);
    const views = dep.outputs.map((id: number) => byId.get(id));
    expect(views.map((v: any) => [v.type, v.props.visible, v.props.component_id, v.props.shape])).toEqual([
      ["interpretation", false, inputs[0], "text"],
      ["interpretation", false, inputs[1], "number"],
    ]);
    // Hidden outputs stay out of the layout.
    expect(findNode(config.layout, (n) => n.id === views[0].id)).toBeUndefined();

    const info = buildInfo(iface.graph) as any;
    expect(info.named_endpoints["/interpret"].parameters.map((p: any) => p.component)).toEqual(["Textbox", "Number"]);
    expect(info.named_endpoints["/interpret"].returns.map((r: any) => r.component)).toEqual(["Interpretation", "Interpretation"]);
  });

  it("has no button and no endpoint without the option", async () => {
    const iface = new tr.Interface({ fn: (t: string) => ({ a: 1 }), inputs: "text", outputs: "label" });
    expect(iface.graph.events.some((e) => e.apiName === "interpret")).toBe(false);
    expect(iface.graph.blocks.some((b) => b.props().value === "Interpret")).toBe(false);
  });
});

describe("/interpret over the API", () => {
  it("answers @gradio/client with what iface.interpret returns, one entry per input", async () => {
    const app = await start(gender);
    try {
      const client = await connect(app.base);
      const sentence = "She went to his house to get her keys.";
      const { data } = await client.predict("/interpret", [sentence]);
      expect(data).toEqual(await gender.interpret([sentence]));
      const [pairs] = data as [Pairs];
      expect(pairs.map((p) => p[0]).join("")).toBe(sentence);
      const score = new Map(pairs);
      expect(score.get("She")).toBeGreaterThan(0);
      expect(score.get("her")).toBeGreaterThan(0);
      expect(score.get("his")).toBeLessThan(0);
      expect(score.get("house")).toBe(0);
      // The Interface's prediction is unaffected.
      expect((await client.predict("/predict", [sentence])).data).toEqual([await gender(sentence)]);
    } finally {
      await app.close();
    }
  });

  it("runs the guide's custom interpretation function", async () => {
    const app = await start(genderCustom);
    try {
      const client = await connect(app.base);
      const { data } = await client.predict("/interpret", ["He said her name"]);
      expect(data).toEqual([interpretGender("He said her name")]);
    } finally {
      await app.close();
    }
  });

  it("serves plain HTTP on /run/interpret and refuses bad input with 422", async () => {
    const iface = new tr.Interface({ fn: (n: number | null) => n! * 2, inputs: "number", outputs: "number", interpretation: "default" });
    const app = await start(iface);
    try {
      const ok = await post(app.base, "/gradio_api/run/interpret", { data: [100] });
      expect(ok.status).toBe(200);
      expect(ok.json.data[0]).toEqual([
        [97, -6],
        [98, -4],
        [99, -2],
        [100, null],
        [101, 2],
        [102, 4],
        [103, 6],
      ]);
      const bad = await post(app.base, "/gradio_api/run/interpret", { data: ["100"] });
      expect(bad.status).toBe(422);
      expect(bad.json.code).toBe("TR_ERR_INVALID_VALUE");
    } finally {
      await app.close();
    }
  });

  it("sits behind the same login as /predict", async () => {
    const iface = new tr.Interface({ fn: (t: string) => t.length, inputs: "text", outputs: "number", interpretation: "default" });
    const app = await start(iface, { auth: ["ada", "lovelace"] });
    try {
      expect((await post(app.base, "/gradio_api/run/interpret", { data: ["a b"] })).status).toBe(401);
      expect((await post(app.base, "/gradio_api/queue/join", { data: ["a b"], fn_index: 2, session_hash: "abcdefgh12" })).status).toBe(401);
      const client = await connect(app.base, { auth: ["ada", "lovelace"] });
      // Dropping a word drops it and one space.
      expect((await client.predict("/interpret", ["a bb"])).data).toEqual([
        [
          ["a", 2],
          [" ", 0],
          ["bb", 3],
        ],
      ]);
    } finally {
      await app.close();
    }
  });

  it("is one queued job: the event's concurrency limit holds while each job overlaps its own calls", async () => {
    const g = gate();
    const running = { a: 0, b: 0 };
    let overlap = false;
    let most = 0;
    const fn = async (text: string) => {
      const job = text.includes("a") ? "a" : "b";
      running[job]++;
      if (running.a > 0 && running.b > 0) overlap = true;
      most = Math.max(most, running[job]);
      if (text.split(" ").length < 4) await g.opened; // perturbations wait; the two originals pass
      running[job]--;
      return text.length;
    };
    const iface = new tr.Interface({
      fn,
      inputs: "text",
      outputs: "number",
      interpretation: "default",
      interpretationConcurrency: 2,
      concurrencyLimit: 1,
    });
    const app = await start(iface);
    try {
      const client = await connect(app.base, { events: ["data", "status"] });
      const first = client.predict("/interpret", ["a a a a"]);
      await expect.poll(() => running.a).toBe(2);
      const second = client.submit("/interpret", ["b b b b"]);
      const stages: string[] = [];
      const watch = (async () => {
        for await (const m of second) if (m.type === "status") stages.push(m.stage);
      })();
      await expect.poll(() => stages.includes("pending")).toBe(true);
      expect(running.b).toBe(0);
      g.open();
      await Promise.all([first, watch]);
      expect(overlap).toBe(false);
      expect(most).toBe(2);
    } finally {
      await app.close();
    }
  });
});

describe("demos", () => {
  it("sentiment: SHAP scores add up to the change in confidence; leave-one-out credits the sentiment words", async () => {
    const review = "not good but wonderful acting";
    const app = await start(sentiment);
    try {
      const client = await connect(app.base);
      const [pairs] = (await client.predict("/interpret", [review])).data as [Pairs];
      expect(pairs.map((p) => p[0]).join("")).toBe(review);
      const total = pairs.reduce((s, [, x]) => s + x, 0);
      const top = classify(review).positive >= 0.5 ? "positive" : "negative";
      expect(total).toBeCloseTo(classify(review)[top] - classify("")[top], 9);
      const score = new Map(pairs);
      expect(score.get("wonderful")).toBeGreaterThan(0.1);
      expect(score.get("acting")).toBeCloseTo(0, 1);
    } finally {
      await app.close();
    }
    const [loo] = (await leaveOneOut.interpret([review])) as [Pairs];
    const score = new Map(loo);
    expect(score.get("wonderful")).toBeGreaterThan(0);
    expect(score.get("acting")).toBe(0);
    expect(score.get("but")).toBe(0);
  });

  it("image classifier: a real CNN's prediction and a 224×224 interpretation map over the client", async () => {
    const app = await start(imageClassifier);
    try {
      const client = await connect(app.base);
      const file = handle_file(path.join(here, "..", "demo", "image_classifier", "house.png"));
      const [label] = (await client.predict("/predict", [file])).data as [tr.LabelData];
      expect(label.confidences).toHaveLength(3);
      expect(label.confidences!.reduce((s, c) => s + c.confidence, 0)).toBeLessThanOrEqual(1.0001);
      const [map] = (await client.predict("/interpret", [file])).data as [number[][]];
      expect(map).toHaveLength(224);
      expect(map.every((row) => row.length === 224 && row.every(Number.isFinite))).toBe(true);
      const distinct = new Set(map.flat());
      expect(distinct.size).toBeGreaterThan(8); // one score per superpixel
      expect(distinct.size).toBeLessThanOrEqual(32);
    } finally {
      await app.close();
    }
  });
});

function findNode(node: any, test: (n: any) => boolean): any {
  if (test(node)) return node;
  for (const child of node.children ?? []) {
    const found = findNode(child, test);
    if (found) return found;
  }
  return undefined;
}
