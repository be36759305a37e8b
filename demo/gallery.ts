// `npm start`: every demo in demo/<name>/app.ts on one server, each under /<name>/, with an index page.
import { readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Fastify from "fastify";
import { mountApp } from "tradio";

const here = path.dirname(fileURLToPath(import.meta.url));
const names = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(here, d.name, "app.ts")))
  .map((d) => d.name)
  .sort();

const server = Fastify({ logger: { level: "warn" } });
const entries: { name: string; title: string; description: string }[] = [];
for (const name of names) {
  let mod;
  try {
    mod = await import(pathToFileURL(path.join(here, name, "app.ts")).href);
  } catch (err) {
    // Demos that load Hub models need the network; offline they are left out rather than stopping the gallery.
    console.warn(`demo/${name}/app.ts could not be loaded; skipped (${err instanceof Error ? err.message : String(err)})`);
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

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const index = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>tradio demos</title><style>
body{font-family:system-ui,sans-serif;max-width:720px;margin:2rem auto;padding:0 1rem;color:#1f2937}
a{display:block;padding:1rem;margin:.5rem 0;border:1px solid #e5e7eb;border-radius:.75rem;text-decoration:none;color:inherit}
a:hover,a:focus-visible{border-color:#ea580c}a:focus-visible{outline:2px solid #ea580c;outline-offset:2px}h2{margin:0 0 .25rem;font-size:1.1rem}p{margin:0;color:#6b7280}
@media (prefers-color-scheme: dark){body{background:#0b0f19;color:#e5e7eb}a{border-color:#374151}p{color:#9ca3af}}
</style></head><body><main><h1>tradio demos</h1>
${entries.map((e) => `<a href="./${e.name}/"><h2>${escape(e.title)}</h2><p>${escape(e.description)}</p></a>`).join("\n")}
</main></body></html>`;
server.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").send(index));

const port = Number(process.env.TRADIO_SERVER_PORT ?? 7860);
const host = process.env.TRADIO_SERVER_NAME ?? "127.0.0.1";
const address = await server.listen({ port, host });
console.log(`tradio demo gallery on ${address}/`);
