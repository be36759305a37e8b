import type { Component, JSONSchema } from "../components/component.js";
import type { EventDef, Graph } from "../graph/graph.js";
import { parameterNames } from "../protocol/config.js";
import { readDocs, type FnDocs } from "./jsdoc.js";
import { toolSchema } from "./schema.js";

export interface ToolParam {
  /** The argument's name (the endpoint's keyword name in `/info`). */
  name: string;
  component: Component<any, any>;
}

/** One API endpoint of the graph, as an MCP tool. */
export interface Tool {
  name: string;
  description: string;
  inputSchema: JSONSchema & { type: "object" };
  event: EventDef;
  params: ToolParam[];
}

/** MCP tool names: letters, digits, "_" and "-", at most 64, unique within the server. */
function toolName(apiName: string, used: Set<string>): string {
  const base = apiName.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 60) || "tool";
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}

/**
 * One tool per API endpoint of the graph (Parallel, Series and loaded apps included). The description
 * is the endpoint's `toolDescription`, else its function's JSDoc summary, else the app's description; each
 * parameter is described by its @param line, its `info` and its label.
 */
export async function buildTools(graph: Graph): Promise<Tool[]> {
  const used = new Set<string>();
  const tools: Tool[] = [];
  for (const event of graph.events) {
    if (!event.fn || !event.apiName || !event.showApi) continue;
    const docs: FnDocs | null = event.origin ? await readDocs(event.origin) : null;
    const params = parameterNames(event);
    const properties: Record<string, JSONSchema> = {};
    for (const { name, component } of params) {
      // The function's parameters line up with all inputs, state included.
      const said = docs?.params[event.inputs.indexOf(component)] ?? component.info ?? null;
      const schema = toolSchema(component);
      const description = [[component.label, said].filter(Boolean).join(": "), schema.description].filter(Boolean).join(". ");
      properties[name] = { ...schema, ...(description ? { description } : {}) };
    }
    const description =
      event.description ?? docs?.summary ?? graph.meta.description ?? (graph.meta.title ? `${graph.meta.title}: the ${event.apiName} endpoint` : `The ${event.apiName} endpoint`);
    tools.push({
      name: toolName(event.apiName, used),
      description,
      inputSchema: { type: "object", properties, required: params.map((p) => p.name), additionalProperties: false },
      event,
      params: params.map(({ name, component }) => ({ name, component })),
    });
  }
  return tools;
}
