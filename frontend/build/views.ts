// The page loads the view of a component type only when an app shows one. This plugin gives the page and
// the server what they need for that:
// - `virtual:tradio-views`, the type names each file in src/views/ declares (`export const types = [...]`),
//   read from the sources at build time so no view has to be loaded to learn what it draws;
// - `views.json` beside index.html: for each type, the files of its view's chunk (its script, the chunks it
//   imports, their stylesheets), which the server names in the page (modulepreload and stylesheet links)
//   for the types in the app's config, so they load in parallel with the main script. A view in the entry's
//   own chunks (the layout views every page has) needs nothing more. Also the client's chunk, which the
//   skeleton's early controls fetch when a person clicks before the page is drawn.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Plugin } from "vite";

const ID = "virtual:tradio-views";
const RESOLVED = `\0${ID}`;

/** `{ type: "./File.svelte" }` for every view in `dir` that declares its types. */
export function viewTypes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".svelte")).sort()) {
    const declared = /export\s+const\s+types\s*=\s*\[([^\]]*)\]/.exec(readFileSync(path.join(dir, file), "utf8"));
    if (!declared) continue;
    for (const [, type] of declared[1].matchAll(/["'`]([^"'`]+)["'`]/g)) {
      if (out[type]) throw new Error(`views: type "${type}" is declared by both ${out[type]} and ./${file}`);
      out[type] = `./${file}`;
    }
  }
  return out;
}

/**
 * What the server reads to name an app's chunks in its page (file names relative to assets/): each type's
 * view, and the view of components that bring their own (`external`).
 */
export interface ViewManifest {
  types: Record<string, string[]>;
  external: string[];
  /** runtime/client.ts's chunk (@gradio/client): the skeleton's early controls fetch it on a first click. */
  client: string[];
}

/** `viewsDir`: src/views. */
export function viewChunks(viewsDir: string): Plugin {
  let types: Record<string, string> = {};
  return {
    name: "tradio-view-chunks",
    buildStart() {
      types = viewTypes(viewsDir);
      for (const file of new Set(Object.values(types))) this.addWatchFile(path.join(viewsDir, file));
    },
    resolveId: (id) => (id === ID ? RESOLVED : null),
    load(id) {
      if (id !== RESOLVED) return null;
      types = viewTypes(viewsDir);
      return `export default ${JSON.stringify(types)};`;
    },
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((c) => c.type === "chunk");
      const byFile = new Map(chunks.map((c) => [c.fileName, c]));
      // What the entry loads anyway: itself and the chunks it imports (index.html preloads them).
      const loaded = new Set<string>();
      const closure = (fileName: string) => {
        if (loaded.has(fileName)) return;
        loaded.add(fileName);
        for (const dep of byFile.get(fileName)?.imports ?? []) closure(dep);
      };
      for (const c of chunks) if (c.isEntry) closure(c.fileName);
      /** A chunk's script, every chunk it imports statically (but those already loaded), and their CSS. */
      const files = (fileName: string, seen = new Set<string>()): Set<string> => {
        const chunk = byFile.get(fileName);
        if (!chunk || seen.has(fileName) || loaded.has(fileName)) return seen;
        seen.add(fileName);
        for (const css of chunk.viteMetadata?.importedCss ?? []) seen.add(css);
        for (const dep of chunk.imports) files(dep, seen);
        return seen;
      };
      const filesOf = (source: string) => {
        const chunk = chunks.find((c) => c.moduleIds.includes(source));
        if (!chunk) throw new Error(`views: ${source} is in no chunk (is it loaded through import.meta.glob?)`);
        return [...files(chunk.fileName)].map((f) => f.replace(/^assets\//, ""));
      };
      const manifest: ViewManifest = {
        types: Object.fromEntries(Object.entries(types).map(([type, file]) => [type, filesOf(path.join(viewsDir, file))])),
        external: filesOf(path.join(viewsDir, "External.svelte")),
        client: filesOf(path.join(viewsDir, "..", "runtime", "client.ts")),
      };
      this.emitFile({ type: "asset", fileName: "views.json", source: JSON.stringify(manifest) });
    },
  };
}

/**
 * The page's own modules (under `srcDir`) that `seeds` import statically, and what those import, followed
 * through relative imports (`import type` and dynamic `import()` are not followed): what every page runs.
 */
export function staticClosure(srcDir: string, seeds: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return;
    }
    for (const [, spec] of text.matchAll(/^\s*import\s+(?!type\b)(?:[^"';]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']/gm)) {
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts");
      if (target.startsWith(srcDir)) visit(target);
    }
  };
  for (const seed of seeds) visit(path.resolve(srcDir, seed));
  return seen;
}
