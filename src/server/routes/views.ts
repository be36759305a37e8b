import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { OptionError } from "../../core/errors.js";
import { viewPath } from "../../protocol/config.js";
import type { Served } from "../context.js";

/**
 * The page modules of components registered from outside tradio (`viewModule`), one per type name. They
 * are read when the app is mounted, so a missing file is an error now rather than a blank component later.
 */
export function viewRoutes(f: FastifyInstance, s: Served): void {
  const served = new Set<string>();
  for (const c of s.graph.components) {
    if (!c.viewModule || served.has(c.type)) continue;
    served.add(c.type);
    let code: Buffer;
    try {
      code = readFileSync(c.viewModule);
    } catch (err) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${c.className}: its viewModule ${c.viewModule} cannot be read (${(err as Error).message})`);
    }
    f.get(viewPath(c.type), async (_req, reply) => reply.type("text/javascript; charset=utf-8").header("cache-control", "no-cache").send(code));
  }
}
