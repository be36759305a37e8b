import { fileURLToPath } from "node:url";
import type { FnOrigin } from "../graph/graph.js";

const HERE = fileURLToPath(new URL("..", import.meta.url));

/**
 * Where the app's code built an Interface: the first stack frame outside tradio. MCP reads the function's
 * JSDoc from that file (only when an MCP server is started), so here it costs one stack capture.
 */
export function callerOrigin(fn: { name: string }): FnOrigin | null {
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  for (const frame of stack) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(frame.trim());
    if (!m) continue;
    const file = m[1].startsWith("file://") ? fileURLToPath(m[1]) : m[1];
    if (file.startsWith(HERE) || file.includes("/node_modules/")) continue;
    return { file, line: Number(m[2]), name: fn.name };
  }
  return null;
}
