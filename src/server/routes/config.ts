import type { FastifyInstance } from "fastify";
import { API_PREFIX, buildConfig, buildInfo } from "../../protocol/config.js";
import type { Served } from "../context.js";

export function configRoutes(f: FastifyInstance, s: Served): void {
  f.get("/config", async (req) => {
    const root = s.root(req);
    return buildConfig(
      s.graph,
      { root, showError: s.runtime.showError, maxFileSize: s.options.maxFileSize, username: req.tradioUser ?? null, authRequired: s.auth !== null },
      { files: s.runtime.files, root, runtime: s.runtime },
    );
  });
  const info = buildInfo(s.graph);
  f.get(`${API_PREFIX}/info`, async () => info);
  f.get(`${API_PREFIX}/app_id`, async () => ({ app_id: null }));
}
