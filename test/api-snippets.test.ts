// The "Use via API" panel's snippets (frontend/src/lib/api-snippets.ts): example arguments from the app's
// examples, Python literals, shell quoting, files, and the MCP client configs. The browser test runs the
// JavaScript and curl snippets for real; these cover the values a demo does not have.
import { describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { buildInfo } from "../src/protocol/config.js";
import { curlSnippet, exampleArgs, jsSnippet, mcpBridgeConfig, mcpHttpConfig, pyLiteral, pySnippet, serverName, type Arg } from "../frontend/src/lib/api-snippets.js";
import { configOf } from "./helpers.js";

const URL_ = "https://host.example/apps/x";

describe("example arguments", () => {
  it("take the app's first example for the endpoint's inputs, else each component's own example", async () => {
    const withExamples = new tr.Interface({ fn: (a: string, n: number | null) => a + n, inputs: ["text", "number"], outputs: "text", examples: [["first", 3], ["second", 4]], allowFlagging: "never" });
    const config = await configOf(withExamples);
    const info = buildInfo(withExamples.graph);
    expect(exampleArgs(config, "/predict", info.named_endpoints["/predict"], URL_)).toEqual([
      { name: "a", value: "first" },
      { name: "n", value: 3 },
    ]);
    const bare = new tr.Interface({ fn: (a: string) => a, inputs: "text", outputs: "text", allowFlagging: "never" });
    const bareInfo = buildInfo(bare.graph);
    expect(exampleArgs(await configOf(bare), "/predict", bareInfo.named_endpoints["/predict"], URL_)).toEqual([{ name: "a", value: "Hello!!" }]);
  });

  it("name a file by its URL", async () => {
    const img = new tr.Interface({ fn: (x: string | null) => x ?? "", inputs: new tr.Image({ type: "filepath" }), outputs: "text", allowFlagging: "never" });
    const args = exampleArgs(await configOf(img), "/predict", buildInfo(img.graph).named_endpoints["/predict"], URL_);
    expect(args).toEqual([{ name: "x", value: { file: "https://raw.githubusercontent.com/gradio-app/gradio/main/test/test_files/bus.png" } }]);
  });
});

describe("snippets", () => {
  const args: Arg[] = [
    { name: "text", value: "it's \"quoted\"" },
    { name: "flag", value: true },
    { name: "nothing", value: null },
    { name: "rows", value: [[1, 2], [3, 4]] },
    { name: "pic", value: { file: "https://f.example/a.png" } },
  ];

  it("write Python literals (True, None, nested lists) and handle_file for files", () => {
    expect(pyLiteral({ a: [true, false, null], b: "x" })).toBe('{\n    "a": [\n        True,\n        False,\n        None\n    ],\n    "b": "x"\n}');
    const py = pySnippet(URL_, "/predict", args);
    expect(py).toContain("from gradio_client import Client, handle_file");
    expect(py).toContain(`client = Client("${URL_}/")`);
    expect(py).toContain('text="it\'s \\"quoted\\"",');
    expect(py).toContain("flag=True,");
    expect(py).toContain("nothing=None,");
    expect(py).toContain('pic=handle_file("https://f.example/a.png"),');
    expect(py).toContain('api_name="/predict",');
  });

  it("write JavaScript that fetches a file as a blob and passes the rest as JSON", () => {
    const js = jsSnippet(URL_, "/predict", args);
    expect(js).toContain('const pic_file = await (await fetch("https://f.example/a.png")).blob();');
    expect(js).toContain("  pic: pic_file,");
    expect(js).toContain('  text: "it\'s \\"quoted\\"",');
    expect(js).not.toContain("handle_file");
  });

  it("quote curl's body for the shell (a single quote inside) and send files as FileData", () => {
    const sh = curlSnippet(URL_, "/predict", args);
    const body = /-d '((?:[^']|'\\'')*)'/.exec(sh)![1].replace(/'\\''/g, "'");
    expect(JSON.parse(body).data).toEqual(["it's \"quoted\"", true, null, [[1, 2], [3, 4]], { path: "https://f.example/a.png", meta: { _type: "gradio.FileData" } }]);
    expect(sh).toContain(`curl -N ${URL_}/gradio_api/call/predict/$EVENT_ID`);
  });

  it("write MCP client configs, with the bearer header only when the app has a login", () => {
    expect(serverName("My App: v2!")).toBe("my-app-v2");
    expect(JSON.parse(mcpHttpConfig("app", `${URL_}/gradio_api/mcp/`, null))).toEqual({ mcpServers: { app: { url: `${URL_}/gradio_api/mcp/` } } });
    expect(JSON.parse(mcpHttpConfig("app", "u", "T")).mcpServers.app.headers).toEqual({ Authorization: "Bearer T" });
    const bridge = JSON.parse(mcpBridgeConfig("app", "u", "T")).mcpServers.app;
    expect(bridge).toEqual({ command: "npx", args: ["mcp-remote", "u", "--header", "Authorization:${AUTH_HEADER}"], env: { AUTH_HEADER: "Bearer T" } });
  });

  it("log in as the reader when the app has a login (the password left for them to fill in)", () => {
    expect(jsSnippet(URL_, "/predict", [], "ada")).toContain(`Client.connect("${URL_}/", { auth: ["ada", "<YOUR_PASSWORD>"] })`);
    expect(pySnippet(URL_, "/predict", [], "ada")).toContain(`Client("${URL_}/", auth=("ada", "<YOUR_PASSWORD>"))`);
    const sh = curlSnippet(URL_, "/predict", [], "o'brien");
    expect(sh).toContain(`curl -s -c cookies.txt -X POST ${URL_}/login`);
    expect(sh).toContain(`--data-urlencode 'username=o'\\''brien'`);
    expect(sh).toContain(`curl -N -b cookies.txt ${URL_}/gradio_api/call/predict/$EVENT_ID`);
  });
});
