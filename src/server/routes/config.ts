import type { FastifyInstance, FastifyRequest } from "fastify";
import { API_PREFIX, buildConfig, buildInfo } from "../../protocol/config.js";
import type { AppConfig } from "../../protocol/types.js";
import type { Served } from "../context.js";

/** `/config` as this request gets it (its root, its user); the page embeds the same in its HTML. */
export function configFor(s: Served, req: FastifyRequest, username: string | null = req.tradioUser ?? null): Promise<AppConfig> {
  const root = s.root(req);
  return buildConfig(
    s.graph,
    { root, showError: s.runtime.showError, maxFileSize: s.options.maxFileSize, username, authRequired: s.auth !== null },
    { files: s.runtime.files, root, runtime: s.runtime },
  );
}

export function configRoutes(f: FastifyInstance, s: Served): void {
  f.get("/config", async (req) => configFor(s, req));
  const info = buildInfo(s.graph);
  f.get(`${API_PREFIX}/info`, async () => info);
  f.get(`${API_PREFIX}/app_id`, async () => ({ app_id: null }));
}
