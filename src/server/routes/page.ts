import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import staticFiles from "@fastify/static";
import type { Served } from "../context.js";

/** The prebuilt page lives in `dist/frontend` of the package, whether tradio runs from `dist` or `src`. */
function frontendDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, "package.json"))) return path.join(dir, "dist", "frontend");
    dir = path.dirname(dir);
  }
  return path.join(process.cwd(), "dist", "frontend");
}
export const FRONTEND_DIR = frontendDir();

const FALLBACK = `<!doctype html><meta charset="utf-8"><title>tradio</title>
<p>The tradio page has not been built. Run <code>npm run build</code> in the tradio package.</p>`;

export async function pageRoutes(f: FastifyInstance, s: Served): Promise<void> {
  const built = existsSync(path.join(FRONTEND_DIR, "index.html"));
  if (built) {
    await f.register(staticFiles, { root: path.join(FRONTEND_DIR, "assets"), prefix: "/assets/", index: false, dotfiles: "deny", decorateReply: false });
  }
  f.get("/", async (req, reply) => {
    // Asset URLs are relative, so a mounted app's page must end with a slash.
    const [pathname, query] = req.url.split("?", 2);
    if (s.options.prefix && !pathname.endsWith("/")) return reply.redirect(`${pathname}/${query ? `?${query}` : ""}`);
    reply.header("cache-control", "no-cache");
    // No other site's window keeps a handle on the page (it may hold a login).
    reply.header("cross-origin-opener-policy", "same-origin");
    if (!built) return reply.type("text/html; charset=utf-8").send(FALLBACK);
    return reply.sendFile("index.html", FRONTEND_DIR);
  });
}
