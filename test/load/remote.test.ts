import { readFileSync } from "node:fs";
import path from "node:path";
import { handle_file } from "@gradio/client";
import Fastify from "fastify";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { connect } from "../helpers.js";
import { launcher, mediaFiles, standIn } from "./fixtures.js";

const { serve, closeAll } = launcher();
afterAll(async () => {
  await closeAll();
});

function shout(text: string, times: number) {
  if (text === "fail") throw new tr.Error("the remote app refused 'fail'");
  return `${text.toUpperCase()}${"!".repeat(times)}`;
}
const shoutApp = () =>
  new tr.Interface({
    fn: shout,
    inputs: [new tr.Textbox({ label: "Words", lines: 2 }), new tr.Slider({ minimum: 1, maximum: 5, step: 1, value: 2, label: "Times" })],
    outputs: new tr.Textbox({ label: "Shouted" }),
    title: "Shouter",
    description: "Makes text loud.",
    examples: [["hello", 1], ["tradio", 3]],
  });

function chat(message: string, history: [string, string][] = []) {
  history.push([message, `reply ${history.length + 1}`]);
  return [history, history];
}
const chatApp = () => new tr.Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"], title: "Chat" });

/** Mirrors an image and reports its size: a file in, a file and a label out. */
async function mirror(input: tr.Pixels | null) {
  const img = input!;
  const out = await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: img.channels as 3 } }).flop().png().toBuffer();
  return [out, `${img.width}x${img.height}`];
}
const imageApp = () =>
  new tr.Interface({ fn: mirror, inputs: new tr.Image({ label: "Photo" }), outputs: [new tr.Image({ label: "Mirrored" }), new tr.Label({ label: "Size" })] });

let png: string;
beforeAll(async () => {
  ({ png } = await mediaFiles());
});

describe("load(url) of another tradio app", () => {
  it("rebuilds its components, labels, examples and title, and forwards calls", async () => {
    const remote = await serve(shoutApp());
    const io = await tr.load(remote.url);
    expect(io.graph.meta.title).toBe("Shouter");
    expect(io.graph.meta.description).toBe("Makes text loud.");
    expect(io.inputComponents.map((c) => [c.type, c.label])).toEqual([["textbox", "Words"], ["slider", "Times"]]);
    expect(io.inputComponents[0].props()).toMatchObject({ lines: 2 });
    expect(io.inputComponents[1].props()).toMatchObject({ minimum: 1, maximum: 5, step: 1, value: 2 });
    expect(io.outputComponents.map((c) => c.label)).toEqual(["Shouted"]);
    expect(io.options.examples).toEqual([["hello", 1], ["tradio", 3]]);
    expect(await io("hi", 3)).toBe("HI!!!");

    const local = await serve(io);
    const client = await connect(local.base);
    expect((await client.predict("/predict", ["hey", 2])).data).toEqual(["HEY!!"]);
    // Bad input is refused locally, by the rebuilt component, before any forwarding.
    await expect(client.predict("/predict", ["hey", 9])).rejects.toThrow(/Slider "Times": 9 is outside the range 1 to 5/);
    // The remote app's own errors reach the caller.
    await expect(client.predict("/predict", ["fail", 1])).rejects.toThrow(/the remote app refused 'fail'/);
  });

  it("logs in to an app with auth, and says what is missing or wrong", async () => {
    const remote = await serve(shoutApp(), { auth: ["ada", "lovelace"] });
    await expect(tr.load(remote.url)).rejects.toThrowCode("TR_ERR_LOAD_UNAUTHORIZED", /\{ auth: \[username, password\] \}/);
    await expect(tr.load(remote.url, { auth: ["ada", "wrong"] })).rejects.toThrowCode("TR_ERR_LOAD_UNAUTHORIZED", /"auth"/);
    const io = await tr.load(remote.url, { auth: ["ada", "lovelace"] });
    expect(await io("ok", 1)).toBe("OK!");
    const local = await serve(io);
    expect((await (await connect(local.base)).predict("/predict", ["yes", 2])).data).toEqual(["YES!!"]);
  });

  it("keeps one remote session per local session, so remote state survives", async () => {
    const remote = await serve(chatApp());
    const io = await tr.load(remote.url);
    expect(io.inputComponents.map((c) => c.type)).toEqual(["textbox"]);
    expect(io.outputComponents.map((c) => c.type)).toEqual(["chatbot"]);
    const local = await serve(io);
    const a = await connect(local.base);
    const b = await connect(local.base);
    await a.predict("/predict", ["one"]);
    await b.predict("/predict", ["uno"]);
    expect((await a.predict("/predict", ["two"])).data).toEqual([[["one", "reply 1"], ["two", "reply 2"]]]);
    expect((await b.predict("/predict", ["dos"])).data).toEqual([[["uno", "reply 1"], ["dos", "reply 2"]]]);
    // Calls from code have no session: each is a fresh remote session, like a local one-off call.
    expect(await io("solo")).toEqual([["solo", "reply 1"]]);
    expect(await io("solo")).toEqual([["solo", "reply 1"]]);
  });

  it("keeps remote sessions apart per login too, through an app with auth", async () => {
    const remote = await serve(chatApp(), { auth: ["ada", "lovelace"] });
    const io = await tr.load(remote.url, { auth: ["ada", "lovelace"] });
    const local = await serve(io, { auth: [["u1", "p1"], ["u2", "p2"]] });
    const u1 = await connect(local.base, { auth: ["u1", "p1"] });
    const u2 = await connect(local.base, { auth: ["u2", "p2"] });
    await u1.predict("/predict", ["a"]);
    expect((await u2.predict("/predict", ["b"])).data).toEqual([[["b", "reply 1"]]]);
    expect((await u1.predict("/predict", ["c"])).data).toEqual([[["a", "reply 1"], ["c", "reply 2"]]]);
  });

  it("forwards files both ways, downloading results (behind auth too) into its own file store", async () => {
    const remote = await serve(imageApp(), { auth: ["ada", "lovelace"] });
    const io = await tr.load(remote.url, { auth: ["ada", "lovelace"] });
    const [mirrored, size] = (await io(png)) as [{ path: string; url: string }, { label: string }];
    expect(size.label).toBe("5x7");
    expect((await sharp(mirrored.path).metadata()).width).toBe(5);
    expect(mirrored.url).toBe(`/gradio_api/file=${mirrored.path}`);

    const local = await serve(io);
    const client = await connect(local.base);
    const { data } = (await client.predict("/predict", [handle_file(new File([readFileSync(png)], path.basename(png)))])) as {
      data: [{ url: string }, { label: string }];
    };
    expect(data[1].label).toBe("5x7");
    expect(data[0].url.startsWith(local.base)).toBe(true);
    const res = await fetch(data[0].url);
    expect(res.status).toBe(200);
    expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).height).toBe(7);
  });

  it("downloads the remote app's example files", async () => {
    const remote = await serve(
      new tr.Interface({ fn: (img: tr.Pixels | null) => `${img!.width}`, inputs: new tr.Image({ label: "Photo" }), outputs: "text", examples: [[png]] }),
    );
    const io = await tr.load(remote.url);
    const [[example]] = io.options.examples as string[][];
    expect(path.basename(example)).toBe("photo.png");
    expect((await sharp(example).metadata()).width).toBe(5);
    expect(await io(example)).toBe("5");
  });

  it("wraps the endpoint the caller names, and lists them when it does not exist", async () => {
    const remote = await serve(new tr.Interface({ fn: (s: string) => s.length, inputs: "text", outputs: "number", apiName: "count" }));
    const io = await tr.load(remote.url);
    expect(await io("four")).toBe(4);
    expect(await (await tr.load(remote.url, { remoteEndpoint: "/count" }))("abc")).toBe(3);
    await expect(tr.load(remote.url, { remoteEndpoint: "/nope" })).rejects.toThrowCode("TR_ERR_LOAD_NOT_FOUND", /"\/nope".*\/count/);
  });

  it("sends a Hugging Face token to a plain URL only when it is given explicitly", async () => {
    const seen = (_: string, ctx: tr.CallContext) => String(ctx.request.headers.authorization ?? "none");
    const remote = await serve(new tr.Interface({ fn: seen, inputs: "text", outputs: "text" }));
    process.env.HF_TOKEN = "hf_from_env";
    try {
      expect(await (await tr.load(remote.url))("x")).toBe("none");
      expect(await (await tr.load(remote.url, { hfToken: "hf_given" }))("x")).toBe("Bearer hf_given");
    } finally {
      delete process.env.HF_TOKEN;
    }
  });

  it("says when nothing answers at the URL", async () => {
    await expect(tr.load("http://127.0.0.1:1/")).rejects.toThrowCode("TR_ERR_LOAD_UNAVAILABLE", /http:\/\/127\.0\.0\.1:1\//);
  });

  it("names a component type it cannot rebuild", async () => {
    const fake = Fastify();
    fake.get("/config", async () => ({
      version: "5.0.0",
      mode: "blocks",
      protocol: "sse_v3",
      api_prefix: "/gradio_api",
      components: [
        { id: 1, type: "video", props: { label: "Clip" } },
        { id: 2, type: "textbox", props: { label: "Out" } },
      ],
      dependencies: [{ id: 0, targets: [], inputs: [1], outputs: [2], api_name: "predict", backend_fn: true }],
      layout: { id: 0, children: [] },
    }));
    fake.get("/gradio_api/info", async () => ({ named_endpoints: {}, unnamed_endpoints: {} }));
    await fake.listen({ port: 0, host: "127.0.0.1" });
    try {
      const port = (fake.server.address() as { port: number }).port;
      await expect(tr.load(`http://127.0.0.1:${port}`)).rejects.toThrowCode("TR_ERR_LOAD_UNSUPPORTED", /"video".*textbox/);
    } finally {
      await fake.close();
    }
  });
});

describe("load('spaces/…')", () => {
  let hub: Awaited<ReturnType<typeof standIn>>;
  beforeAll(async () => {
    hub = await standIn();
  });
  afterAll(() => hub.stop());

  it("resolves the Space's host through the Hub API and loads it", async () => {
    const remote = await serve(shoutApp());
    hub.spaces.set("eugenesiow/shouter", remote.url);
    const io = await tr.load("spaces/eugenesiow/shouter", { title: "Loud" });
    expect(io.graph.meta.title).toBe("Loud");
    expect(await io("space", 1)).toBe("SPACE!");
  });

  it("takes the guide's webcam override for an image Space", async () => {
    const remote = await serve(imageApp());
    hub.spaces.set("eugenesiow/remove-bg", remote.url);
    const io = await tr.Interface.load("spaces/eugenesiow/remove-bg", { inputs: "webcam", title: "Remove your webcam background!" });
    expect(io.inputComponents[0].props()).toMatchObject({ sources: ["webcam"], label: "Photo" });
    expect(((await io(png)) as [unknown, { label: string }])[1].label).toBe("5x7");
  });

  it("names an unknown Space", async () => {
    await expect(tr.load("spaces/nobody/nothing")).rejects.toThrowCode("TR_ERR_LOAD_NOT_FOUND", /"nobody\/nothing"/);
  });
});
