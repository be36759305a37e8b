import type { FastifyInstance } from "fastify";
import { API_PREFIX, buildConfig, buildInfo } from "../../protocol/config.js";
import type { Served } from "../context.js";

export function configRoutes(f: FastifyInstance, s: Served): void {
  f.get("/config", async (req) => {
    const root = s.root(req);
    return buildConfig(
      s.app,
      { root, showError: s.options.showError, maxFileSize: s.options.maxFileSize, username: req.tradioUser ?? null, authRequired: s.auth !== null },
      { files: s.app.files, root },
    );
  });
  f.get(`${API_PREFIX}/info`, async () => buildInfo(s.app));
  f.get(`${API_PREFIX}/app_id`, async () => ({ app_id: null }));
}
