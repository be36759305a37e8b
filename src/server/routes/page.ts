import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import staticFiles from "@fastify/static";
import { buildInfo } from "../../protocol/config.js";
import type { AppConfig, EmbeddedPage } from "../../protocol/types.js";
import type { Served } from "../context.js";
import { earlyScript, renderLoginSkeleton, renderSkeleton, SKELETON_CSS } from "../page-skeleton.js";
import { configFor } from "./config.js";

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

/**
 * Where the apps mounted on one HTTP server get the page's script and stylesheet: the first app mounted
 * there (by its prefix). Every app serves the same files under its own `assets/` (so an app mounted
 * alone needs nothing else), but all the pages of one server name the same URLs, so a browser fetches
 * and caches the bundle once for all of them.
 */
const assetHomes = new WeakMap<object, string>();

/** The relative URL from the page of the app at `prefix` (`/a/b/`) to the shared `assets/` folder. */
function assetBase(prefix: string, home: string): string {
  if (prefix === home) return "./assets/";
  const depth = prefix.split("/").filter(Boolean).length;
  return `${depth ? "../".repeat(depth) : "./"}${home.replace(/^\/+/, "")}${home ? "/" : ""}assets/`;
}

/** JSON inside `<script type="application/json">`: no `<` at all, so neither `</script>` nor `<!--` can end or bend it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** What the page build wrote in `views.json` (frontend/build/views.ts): the asset files each part of the page needs. */
interface ViewManifest {
  types: Record<string, string[]>;
  external: string[];
  /** The chunk that connects and makes calls (@gradio/client), loaded once the page is drawn. */
  client?: string[];
}

function readViewManifest(): ViewManifest | null {
  try {
    const m = JSON.parse(readFileSync(path.join(FRONTEND_DIR, "views.json"), "utf8")) as ViewManifest;
    return m && typeof m.types === "object" && Array.isArray(m.external) ? m : null;
  } catch {
    return null;
  }
}

/**
 * The links that fetch, in parallel with the main script, what this app's page will load: the views of
 * the component types in its config (their stylesheets, their scripts as modulepreload). The @gradio/client
 * chunk is not among them: the page loads it once it is drawn, so it does not compete with what draws it.
 * They go at the end of <body>, beside the main script and stylesheet, so they do not hold back the skeleton.
 */
export function preloadLinks(config: AppConfig, manifest: ViewManifest, base: string): string {
  const files = new Set<string>();
  for (const c of config.components) for (const f of (c.view ? manifest.external : manifest.types[c.type]) ?? []) files.add(f);
  const href = (f: string) => escapeText(base + f);
  const all = [...files];
  return [
    ...all.filter((f) => f.endsWith(".css")).map((f) => `<link rel="stylesheet" crossorigin href="${href(f)}">`),
    ...all.filter((f) => f.endsWith(".js")).map((f) => `<link rel="modulepreload" crossorigin href="${href(f)}">`),
  ].join("");
}

const escapeText = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** The best encoding the request accepts: brotli, then gzip, else none (a `q=0` refuses one). */
function encodingFor(req: FastifyRequest): "br" | "gzip" | null {
  const header = req.headers["accept-encoding"];
  if (typeof header !== "string") return null;
  const accepted = new Set(
    header
      .split(",")
      .map((part) => part.trim().split(";"))
      .filter(([, q]) => !q || !/^\s*q\s*=\s*0(\.0*)?\s*$/.test(q))
      .map(([name]) => name.trim().toLowerCase()),
  );
  return accepted.has("br") ? "br" : accepted.has("gzip") ? "gzip" : null;
}

/** Sends HTML compressed as the request allows (the page carries the config, a few to tens of KB). */
async function sendHtml(req: FastifyRequest, reply: FastifyReply, html: string) {
  reply.type("text/html; charset=utf-8").header("vary", "accept-encoding");
  const encoding = encodingFor(req);
  if (!encoding || html.length < 1024) return reply.send(html);
  const body =
    encoding === "br"
      ? await brotli(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(html) } })
      : await gzipAsync(html, { level: 6 });
  return reply.header("content-encoding", encoding).send(body);
}

/**
 * The page (`GET <prefix>/`): `dist/frontend/index.html` filled in for this request, with the app's
 * config and API description embedded as JSON (what `/config` and `/gradio_api/info` would answer, so
 * the page connects without asking for them), a skeleton of its layout drawn before any script runs,
 * and the asset URLs this server's apps share. The assets: hashed, immutable, precompressed at build.
 */
export async function pageRoutes(f: FastifyInstance, s: Served): Promise<void> {
  const templateFile = path.join(FRONTEND_DIR, "index.html");
  const built = existsSync(templateFile);
  const prefix = s.options.prefix;
  if (!assetHomes.has(f.server)) assetHomes.set(f.server, prefix);
  const home = assetHomes.get(f.server)!;
  let template = "";
  const manifest = built ? readViewManifest() : null;
  const base = assetBase(prefix, home);
  if (built) {
    await f.register(staticFiles, {
      root: path.join(FRONTEND_DIR, "assets"),
      prefix: "/assets/",
      index: false,
      dotfiles: "deny",
      decorateReply: false,
      preCompressed: true,
      // Cache-Control: public, max-age=31536000, immutable
      maxAge: 365 * 24 * 3600 * 1000,
      immutable: true,
    });
    template = readFileSync(templateFile, "utf8").replace(/(src|href)="\.\/assets\//g, (_m, a: string) => `${a}="${base}`);
  }
  const info = buildInfo(s.graph);

  f.get("/", async (req, reply) => {
    // Asset URLs are relative, so a mounted app's page must end with a slash.
    const [pathname, query] = req.url.split("?", 2);
    if (prefix && !pathname.endsWith("/")) return reply.redirect(`${pathname}/${query ? `?${query}` : ""}`);
    reply.header("cache-control", "no-cache");
    // No other site's window keeps a handle on the page (it may hold a login).
    reply.header("cross-origin-opener-policy", "same-origin");
    if (!built) return reply.type("text/html; charset=utf-8").send(FALLBACK);

    let embedded: EmbeddedPage | null = null;
    let skeleton = "";
    let early = "";
    let title = "tradio";
    let preload = "";
    const user = s.auth ? await s.auth.tokens.user(req.cookies?.[s.auth.cookieName]) : null;
    if (s.auth && user === null) {
      // Nothing of the app before a login: the page shows the login form at once.
      embedded = { login: { message: s.auth.message, title: s.graph.meta.title ?? null } };
      skeleton = renderLoginSkeleton(s.graph.meta.title ?? null, s.auth.message);
      early = earlyScript((manifest?.client ?? []).map((f) => base + f));
      // The tab names the app, as the login card does.
      title = s.graph.meta.title ?? title;
    } else {
      try {
        const config = await configFor(s, req, user);
        embedded = { config, info };
        skeleton = renderSkeleton(config);
        if (skeleton.includes("data-tr-early")) early = earlyScript((manifest?.client ?? []).map((f) => base + f));
        title = config.title || title;
        if (manifest) preload = preloadLinks(config, manifest, base);
      } catch (err) {
        // The page still loads: it asks /config itself, and shows that failure as it would any other.
        req.log.error({ err }, "the page's config could not be built");
      }
    }
    const html = template
      .replace("<title>tradio</title>", () => `<title>${escapeText(title)}</title>`)
      .replace("<!--tradio:head-->", () => `<style id="tradio-skeleton-style">${SKELETON_CSS}</style>${early}`)
      .replace("<!--tradio:skeleton-->", () => skeleton)
      .replace("<!--tradio:page-->", () => (embedded ? `<script type="application/json" id="tradio-page">${scriptJson(embedded)}</script>` : ""))
      .replace("</body>", () => `${preload}</body>`);
    return sendHtml(req, reply, html);
  });
}
