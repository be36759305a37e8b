import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { FileStore } from "../core/files.js";
import { HttpError, ValidationError } from "../core/errors.js";
import type { EventDef } from "../graph/graph.js";
import type { FinalEvent as Final, JobEvent } from "../queue/scheduler.js";
import { VERSION } from "../protocol/config.js";
import { argumentsToData } from "./args.js";
import { outputNames, toResult, type ToolResult } from "./content.js";
import type { Tool } from "./tools.js";


/** What an MCP session needs of the app: its tools, its files, and a way to run an endpoint through the queue. */
export interface ToolHost {
  name: string;
  tools: Tool[];
  files: FileStore;
  /** Runs an endpoint like any caller (same queue, limits and run path); `onEvent` hears progress. `requestId` is the MCP request's. */
  run(event: EventDef, data: unknown[], onEvent: (e: JobEvent) => void, signal: AbortSignal, requestId: string | number): Promise<Final>;
}

/** Text of a streamed value for a progress message: the first text-like output, shortened. */
function partial(data: unknown[]): string | undefined {
  const text = data.find((v) => typeof v === "string") as string | undefined;
  if (text === undefined) return undefined;
  return text.length > 200 ? `…${text.slice(-200)}` : text;
}

/** A failure of the server itself, not the caller's nor the function's: logged here, not shown. */
function hidden(tool: string, err: unknown): McpError {
  console.error(`tradio: MCP tool ${tool} failed:`, err);
  return new McpError(ErrorCode.InternalError, "The tool could not be run; the server's log has the details.", { code: "TR_ERR_INTERNAL" });
}

/**
 * One MCP session's server (the SDK's Server, over whichever transport the client chose): it lists the
 * app's tools and calls them through the app's queue. Progress from `progress()` and from generators goes
 * out as progress notifications when the client asked for them; a cancel from the client cancels the job.
 */
export function mcpServer(host: ToolHost): Server {
  const server = new Server({ name: host.name, version: VERSION }, { capabilities: { tools: {} } });
  const byName = new Map(host.tools.map((t) => [t.name, t]));

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: host.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<ToolResult> => {
    const tool = byName.get(request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool "${request.params.name}" (tools: ${[...byName.keys()].join(", ")})`);
    let data: unknown[];
    try {
      data = await argumentsToData(tool, request.params.arguments, host.files);
    } catch (err) {
      if (err instanceof ValidationError) throw new McpError(ErrorCode.InvalidParams, err.message, { code: err.code });
      throw hidden(tool.name, err);
    }
    const token = request.params._meta?.progressToken;
    let step = 0;
    const notify = (progress: number, total: number | undefined, message: string | undefined) => {
      if (token === undefined) return;
      void extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) } }).catch(() => {});
    };
    let ended: Final;
    try {
      ended = await host.run(
        tool.event,
        data,
        (e) => {
          if (e.type === "progress") {
            const p = e.progress[0];
            if (!p) return;
            if (p.progress !== null) notify(p.progress, 1, p.desc ?? undefined);
            else if (p.index !== null) notify(p.index, p.length ?? undefined, p.desc ?? undefined);
          } else if (e.type === "generating") notify(++step, undefined, partial(e.data));
        },
        extra.signal,
        extra.requestId,
      );
    } catch (err) {
      // The queue refused the call (full, too many from this client): its own coded message, as other callers get it.
      if (err instanceof HttpError) throw new McpError(ErrorCode.InternalError, err.message, { code: err.code, status: err.statusCode });
      throw hidden(tool.name, err);
    }
    if (ended.type === "finished") return toResult(tool.event, ended.data, outputNames(tool.event));
    if (ended.type === "cancelled") return { content: [{ type: "text", text: "Cancelled" }], isError: true };
    const shown = ended.error;
    // A value the component refused is the caller's to correct: a protocol error naming it.
    if (shown.status === 422) throw new McpError(ErrorCode.InvalidParams, shown.message ?? "invalid arguments", { code: shown.code });
    const text = shown.message ?? "The tool failed; its log on the server has the details.";
    return { content: [{ type: "text", text }], isError: true };
  });
  return server;
}
