// Builds the tradio page (Svelte 5) into dist/frontend: index.html (a template the server fills in) and
// hashed assets/*, each with a brotli (.br) and a gzip (.gz) copy written here, at build time, so the
// server sends them compressed without compressing on each request.
// Asset URLs are relative (base "./"); the server points them at the copy every app on it shares.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig, type Plugin } from "vite";
import { staticClosure, viewChunks } from "./build/views.js";

const here = fileURLToPath(new URL(".", import.meta.url));

/** Writes `<file>.br` and `<file>.gz` beside each text asset, where compressing saves anything. */
function precompress(): Plugin {
  return {
    name: "tradio-precompress",
    apply: "build",
    async writeBundle(options, bundle) {
      const dir = options.dir!;
      await Promise.all(
        Object.keys(bundle)
          .filter((name) => name.startsWith("assets/") && /\.(js|css|svg|json|wasm)$/.test(name))
          .map(async (name) => {
            const file = path.join(dir, name);
            const data = await readFile(file);
            // In libuv's thread pool, so files compress in parallel.
            const [br, gz] = await Promise.all([
              promisify(brotliCompress)(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
              promisify(gzip)(data, { level: 9 }),
            ]);
            if (br.length < data.length) await writeFile(`${file}.br`, br);
            if (gz.length < data.length) await writeFile(`${file}.gz`, gz);
          }),
      );
    },
  };
}

/**
 * Moves the stylesheet, the module script and its modulepreload links to the end of <body>, after the
 * skeleton the server writes into #app. A stylesheet in <head> holds back the first paint until it has
 * arrived. Preloaded modules in <head> are fetched, and compiled on the main thread, while the parser is
 * still on its way to the skeleton, which then shows (and takes typing) tens of milliseconds later
 * (bench/page.ts). Chromium's preload scanner still finds them at once, and a module script runs after the
 * document is parsed wherever it stands, and still waits for the stylesheet placed before it.
 */
function assetsAfterSkeleton(): Plugin {
  return {
    name: "tradio-assets-after-skeleton",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(html) {
        const moved: string[] = [];
        const kinds = [/[ \t]*<link rel="stylesheet"[^>]*>\n?/g, /[ \t]*<link rel="modulepreload"[^>]*>\n?/g, /[ \t]*<script type="module"[^>]*><\/script>\n?/g];
        let rest = html;
        for (const re of kinds) {
          rest = rest.replace(re, (tag) => {
            moved.push(tag.trim());
            return "";
          });
        }
        return rest.replace("</body>", `  ${moved.join("\n    ")}\n  </body>`);
      },
    },
  };
}

/**
 * Modules of the `page` chunk (see `codeSplitting` below): Svelte, and what the entry and the layout views
 * import statically (a module only another view uses, like lib/wav.ts, stays with that view).
 */
const src = fileURLToPath(new URL("./src", import.meta.url));
const pageModules = staticClosure(src, ["main.ts", ...["Row", "Column", "Stack", "Button", "Hidden", "Unsupported"].map((v) => `views/${v}.svelte`), "ui/Prose.svelte"]);
function inPageChunk(id: string): boolean {
  if (/[\\/]node_modules[\\/]svelte[\\/]|rolldown[\\/]runtime/.test(id)) return true;
  return pageModules.has(id.replace(/\?.*$/, ""));
}

export default defineConfig({
  root: here,
  base: "./",
  publicDir: false,
  plugins: [
    svelte({ compilerOptions: { runes: true } }),
    viewChunks(fileURLToPath(new URL("./src/views", import.meta.url))),
    assetsAfterSkeleton(),
    precompress(),
  ],
  resolve: {
    // The wire contract (AppConfig, ComponentConfig, frames…) is declared once, by the server. The page
    // imports its types only, so nothing of the server is bundled.
    alias: { $protocol: fileURLToPath(new URL("../src/protocol/types.ts", import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL("../dist/frontend", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: true,
    // One stylesheet: the views' styles are small (about 7 KB compressed for all), and one request costs
    // less than several on a slow connection.
    cssCodeSplit: false,
    rolldownOptions: {
      output: {
        // What every page runs (Svelte, the runtime, the shared parts and the layout views every Interface
        // has) in one chunk beside the entry, rather than in many small ones: each request is a round trip.
        // The other views, @gradio/client, Markdown and the heavy libraries stay chunks of their own.
        codeSplitting: { groups: [{ name: "page", test: inPageChunk, priority: 10 }] },
      },
    },
  },
});
