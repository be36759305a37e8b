// Gradio's two-step HTTP API (POST /gradio_api/call/<api>, then GET its event stream), the MCP tool list
// at /gradio_api/mcp/schema, and the config's mcp_server flag: what the page's "Use via API" panel documents.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { configOf, post, start } from "./helpers.js";

type App = Awaited<ReturnType<typeof start>>;

/** The SSE messages of a stream as [event, data] pairs. */
async function events(res: Response): Promise<[string, unknown][]> {
  const text = await res.text();
  return text
    .split("\n\n")
    .filter((block) => block.trim())
    .map((block) => {
      const name = /^event: (.*)$/m.exec(block)?.[1] ?? "";
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? "null";
      return [name, JSON.parse(data)];
    });
}

describe("POST /gradio_api/call/<api> then GET /gradio_api/call/<api>/<event_id>", () => {
  let app: App;
  let gen: App;
  let bad: App;
  beforeAll(async () => {
    const greet = new tr.Interface({ fn: (name: string, n: number | null) => `Hello ${name}${"!".repeat(n ?? 0)}`, inputs: ["text", "number"], outputs: "text", allowFlagging: "never" });
    const count = new tr.Interface({
      fn: async function* (n: number | null) {
        for (let i = 1; i <= (n ?? 0); i++) yield `${i}`;
      },
      inputs: "number",
      outputs: "text",
      apiName: "count",
      allowFlagging: "never",
    });
    const fail = new tr.Interface({
      fn: () => {
        throw new tr.Error("no greeting today");
      },
      inputs: "text",
      outputs: "text",
      apiName: "fail",
      allowFlagging: "never",
    });
    [app, gen, bad] = await Promise.all([start(greet), start(count), start(fail)]);
  });
  afterAll(() => Promise.all([app?.close(), gen?.close(), bad?.close()]));

  it("answers an event id, then streams the outputs as `complete`", async () => {
    const made = await post(app.base, "/gradio_api/call/predict", { data: ["World", 2] });
    expect(made.status).toBe(200);
    expect(made.json.event_id).toMatch(/^[0-9a-f]{32}$/);
    const res = await fetch(`${app.base}/gradio_api/call/predict/${made.json.event_id}`);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(await events(res)).toEqual([["complete", ["Hello World!!"]]]);
    // Read once.
    expect((await fetch(`${app.base}/gradio_api/call/predict/${made.json.event_id}`)).status).toBe(404);
  });

  it("streams a generator's values as `generating` before `complete`", async () => {
    const made = await post(gen.base, "/gradio_api/call/count", { data: [3] });
    const got = await events(await fetch(`${gen.base}/gradio_api/call/count/${made.json.event_id}`));
    expect(got.at(-1)).toEqual(["complete", ["3"]]);
    expect(got.filter(([e]) => e === "generating").length).toBeGreaterThanOrEqual(1);
  });

  it("ends with `error` and the shown message for tr.Error and for bad input", async () => {
    const failed = await post(bad.base, "/gradio_api/call/fail", { data: ["x"] });
    expect(await events(await fetch(`${bad.base}/gradio_api/call/fail/${failed.json.event_id}`))).toEqual([["error", "no greeting today"]]);
    const wrong = await post(app.base, "/gradio_api/call/predict", { data: [{ not: "text" }, 1] });
    const got = await events(await fetch(`${app.base}/gradio_api/call/predict/${wrong.json.event_id}`));
    expect(got).toHaveLength(1);
    expect(got[0][0]).toBe("error");
    expect(String(got[0][1])).toMatch(/Textbox|string/i);
  });

  it("refuses an unknown endpoint, a body without data, and an unknown or mismatched event id", async () => {
    expect((await post(app.base, "/gradio_api/call/nope", { data: [] })).status).toBe(404);
    expect((await post(app.base, "/gradio_api/call/predict", { dta: [] })).status).toBe(422);
    expect((await fetch(`${app.base}/gradio_api/call/predict/0123456789abcdef0123456789abcdef`)).status).toBe(404);
    const made = await post(app.base, "/gradio_api/call/predict", { data: ["a", 0] });
    expect((await fetch(`${app.base}/gradio_api/call/other/${made.json.event_id}`)).status).toBe(404);
  });

  it("refuses a cross-site POST", async () => {
    expect((await post(app.base, "/gradio_api/call/predict", { data: ["a", 0] }, { origin: "https://evil.example" })).status).toBe(403);
  });
});

describe("with a login", () => {
  let app: App;
  beforeAll(async () => {
    app = await start(new tr.Interface({ fn: (s: string) => `hi ${s}`, inputs: "text", outputs: "text", allowFlagging: "never" }), {
      mcpServer: true,
      auth: [
        ["ada", "lovelace1"],
        ["bob", "builder12"],
      ],
    });
  });
  afterAll(() => app.close());

  const login = async (user: string, pass: string) => {
    const res = await fetch(`${app.base}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `username=${user}&password=${pass}` });
    return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  };

  it("needs the login for both steps, and only the login that made a call reads it", async () => {
    expect((await post(app.base, "/gradio_api/call/predict", { data: ["x"] })).status).toBe(401);
    const ada = await login("ada", "lovelace1");
    const bob = await login("bob", "builder12");
    const made = await post(app.base, "/gradio_api/call/predict", { data: ["x"] }, { cookie: ada });
    expect(made.status).toBe(200);
    expect((await fetch(`${app.base}/gradio_api/call/predict/${made.json.event_id}`, { headers: { cookie: bob } })).status).toBe(404);
    expect(await events(await fetch(`${app.base}/gradio_api/call/predict/${made.json.event_id}`, { headers: { cookie: ada } }))).toEqual([["complete", ["hi x"]]]);
  });

  it("lists the MCP tools at /gradio_api/mcp/schema for a login or a bearer token, not for anyone", async () => {
    expect((await fetch(`${app.base}/gradio_api/mcp/schema`)).status).toBe(401);
    const ada = await login("ada", "lovelace1");
    const tools = await (await fetch(`${app.base}/gradio_api/mcp/schema`, { headers: { cookie: ada } })).json();
    expect(tools).toEqual([expect.objectContaining({ name: "predict", inputSchema: expect.objectContaining({ type: "object" }) })]);
    const made = await post(app.base, "/gradio_api/mcp/tokens", { label: "t" }, { cookie: ada });
    expect((await fetch(`${app.base}/gradio_api/mcp/schema`, { headers: { authorization: `Bearer ${made.json.token}` } })).status).toBe(200);
  });
});

describe("the config's mcp_server flag", () => {
  it("is true only when the app serves MCP", async () => {
    const iface = new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", allowFlagging: "never" });
    expect((await configOf(iface)).mcp_server).toBe(false);
    const on = await start(iface, { mcpServer: true });
    const off = await start(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text", allowFlagging: "never" }));
    try {
      expect((await (await fetch(`${on.base}/config`)).json()).mcp_server).toBe(true);
      expect((await (await fetch(`${off.base}/config`)).json()).mcp_server).toBe(false);
      expect((await fetch(`${off.base}/gradio_api/mcp/schema`)).status).toBe(404);
    } finally {
      await Promise.all([on.close(), off.close()]);
    }
  });
});
