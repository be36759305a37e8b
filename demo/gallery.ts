// `npm start`: every demo in demo/<name>/app.ts on one server, each under /<name>/, with an index page.
import { readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Fastify from "fastify";
import { mountApp } from "tradio";
import { galleryIndex, type GalleryEntry, type SkippedDemo } from "./gallery-index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const names = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(here, d.name, "app.ts")))
  .map((d) => d.name)
  .sort();

const server = Fastify({ logger: { level: "warn" } });
const entries: GalleryEntry[] = [];
const skipped: SkippedDemo[] = [];
for (const name of names) {
  let mod;
  try {
    mod = await import(pathToFileURL(path.join(here, name, "app.ts")).href);
  } catch (err) {
    // Demos that load Hub models need the network; offline they are left out rather than stopping the gallery.
    console.warn(`demo/${name}/app.ts could not be loaded; skipped (${err instanceof Error ? err.message : String(err)})`);
    skipped.push({ name, why: "it could not be loaded here; the server log says why (demos that load Hub models need the network)" });
    continue;
  }
  const demo = mod.default;
  if (!demo?.graph) {
    console.warn(`demo/${name}/app.ts does not default-export an app; skipped`);
    continue;
  }
  // A demo may export `launchOptions` (demo/auth does, for its login); the gallery honours what mounting supports.
  const { auth, authMessage, authTtl } = (mod.launchOptions ?? {}) as { auth?: never; authMessage?: string; authTtl?: number };
  const options = { prefix: `/${name}`, showError: true, auth, authMessage, authTtl };
  await server.register(async (f) => void (await mountApp(f, demo, options)), { prefix: `/${name}` });
  entries.push({ name, title: demo.graph.meta.title ?? name, description: demo.graph.meta.description ?? "" });
}

const index = galleryIndex(entries, skipped);
server.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").send(index));

const port = Number(process.env.TRADIO_SERVER_PORT ?? 7860);
const host = process.env.TRADIO_SERVER_NAME ?? "127.0.0.1";
const address = await server.listen({ port, host });
console.log(`tradio demo gallery on ${address}/`);
