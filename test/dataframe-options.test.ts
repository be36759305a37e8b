// Dataframe's Gradio 4/5 options (columnCount, rowCount as [n, mode], columnLimits, type "numpy") met by
// @gradio/client, by /gradio_api/info and by an MCP agent.
import { Client as McpClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { connect, start } from "./helpers.js";

type App = Awaited<ReturnType<typeof start>>;

let app: App;
beforeAll(async () => {
  app = await start(
    new tr.Interface({
      fn: (matrix: number[][], table: (string | number | boolean | null)[][]) => [
        matrix.flat().reduce((a, b) => a + b, 0),
        // one column wider than it came, to meet the output's columnLimits
        table.map((row) => [...row, "+"]),
      ],
      inputs: [
        new tr.Dataframe({ label: "Matrix", type: "numpy", rowCount: [2, "fixed"], columnCount: [2, "fixed"] }),
        new tr.Dataframe({ label: "Table", colCount: 2, columnLimits: [1, 3] }),
      ],
      outputs: [new tr.Number({ label: "Sum" }), new tr.Dataframe({ label: "Wider", columnLimits: [null, 3] })],
      allowFlagging: "never",
    }),
    { mcpServer: true },
  );
});
afterAll(() => app?.close());

const table = (headers: string[], data: unknown[][]) => ({ headers, data, metadata: null });

describe("Dataframe options through @gradio/client", () => {
  it("gives a numpy input rows of numbers and keeps fixed counts", async () => {
    const client = await connect(app.base);
    const ok = await client.predict("/predict", [table(["1", "2"], [[1, "2.5"], [3, 4]]), table(["a"], [["x"]])]);
    // rows returned: the output's own headers name them
    expect(ok.data).toEqual([10.5, table(["1", "2"], [["x", "+"]])]);

    await expect(client.predict("/predict", [table(["1", "2"], [[1, 2]]), table(["a"], [])])).rejects.toMatchObject({
      message: 'Dataframe "Matrix": expected 2 rows (the row count is fixed), got 1',
    });
    await expect(client.predict("/predict", [table(["1", "2", "3"], [[1, 2, 3], [4, 5, 6]]), table(["a"], [])])).rejects.toMatchObject({
      message: 'Dataframe "Matrix": expected 2 columns (the column count is fixed), got 3',
    });
    await expect(client.predict("/predict", [table(["1", "2"], [[1, 2], ["three", 4]]), table(["a"], [])])).rejects.toMatchObject({
      message: 'Dataframe "Matrix": row 1, column "1": type "numpy" needs a number, got the string "three"',
    });
  });

  it("enforces columnLimits on the input and on the returned table", async () => {
    const client = await connect(app.base);
    const square = table(["1", "2"], [[0, 0], [0, 0]]);
    await expect(client.predict("/predict", [square, table(["a", "b", "c", "d"], [[1, 2, 3, 4]])])).rejects.toMatchObject({
      message: 'Dataframe "Table": got 4 columns; columnLimits allows 1 to 3',
    });
    // two columns in come back as three, within the output's limit; three in come back as four, past it
    // (a bad return is an app error: its message is hidden unless showError)
    expect(((await client.predict("/predict", [square, table(["a", "b"], [[1, 2]])])).data as unknown[])[1]).toEqual(table(["1", "2", "3"], [["1", "2", "+"]]));
    await expect(client.predict("/predict", [square, table(["a", "b", "c"], [[1, 2, 3]])])).rejects.toMatchObject({ message: "An error occurred" });
  });

  it("describes the counts and limits in /gradio_api/info and the config", async () => {
    const info = (await (await fetch(`${app.base}/gradio_api/info`)).json()) as any;
    const [matrix, t] = info.named_endpoints["/predict"].parameters;
    expect(matrix.type.properties.data).toMatchObject({ minItems: 2, maxItems: 2, items: { minItems: 2, maxItems: 2, items: { anyOf: [{ type: "number" }, { type: "null" }] } } });
    expect(matrix.type.properties.headers).toMatchObject({ minItems: 2, maxItems: 2 });
    expect(t.type.properties.data.items).toMatchObject({ minItems: 1, maxItems: 3 });
    const config = (await (await fetch(`${app.base}/config`)).json()) as any;
    const props = (label: string) => config.components.find((c: any) => c.props.label === label).props;
    expect(props("Matrix")).toMatchObject({ row_count: [2, "fixed"], col_count: [2, "fixed"], type: "numpy", datatype: "number", column_limits: null });
    expect(props("Table")).toMatchObject({ col_count: [2, "dynamic"], column_limits: [1, 3] });
  });
});

describe("Dataframe options through MCP", () => {
  it("bounds the tool's input schema and takes bare rows", async () => {
    const client = new McpClient({ name: "tradio-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${app.base}/gradio_api/mcp/`)));
    try {
      const { tools } = await client.listTools();
      const schema = tools[0].inputSchema as any;
      expect(schema.properties.Matrix ?? Object.values(schema.properties)[0]).toMatchObject({
        type: "array",
        minItems: 2,
        maxItems: 2,
        items: { type: "array", minItems: 2, maxItems: 2, items: { type: ["number", "null"] } },
      });
      const [mName, tName] = Object.keys(schema.properties);
      const result = await client.callTool({ name: tools[0].name, arguments: { [mName]: [[1, 2], [3, 4]], [tName]: [["x", "y"]] } });
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.content)).toContain("10");
      const bad = await client.callTool({ name: tools[0].name, arguments: { [mName]: [[1, 2, 3], [3, 4, 5]], [tName]: [] } }).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(McpError);
      expect((bad as McpError).message).toMatch(/must NOT have more than 2 items/);
    } finally {
      await client.close();
    }
  });
});

describe("a Gradio numpy demo, ported", () => {
  it("transposes a matrix: numpy in, the \"numpy\" shortcut out, with an example", async () => {
    const transpose = (m: number[][]) => (m[0] ?? []).map((_, c) => m.map((row) => row[c]));
    const iface = new tr.Interface({
      fn: transpose,
      inputs: new tr.Dataframe({ type: "numpy", datatype: "number", rowCount: 5, colCount: 3 }),
      outputs: "numpy",
      examples: [[[[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11], [12, 13, 14]]]],
      allowFlagging: "never",
    });
    const transposed = await start(iface);
    try {
      const client = await connect(transposed.base);
      const result = await client.predict("/predict", [table(["1", "2", "3"], [[1, 2, 3], [4, 5, 6]])]);
      expect(result.data).toEqual([table(["1", "2"], [[1, 4], [2, 5], [3, 6]])]);
      const config = (await (await fetch(`${transposed.base}/config`)).json()) as any;
      const dataset = config.components.find((c: any) => c.type === "dataset");
      expect(JSON.stringify(dataset.props.samples)).toContain("[12,13,14]");
    } finally {
      await transposed.close();
    }
  });
});
