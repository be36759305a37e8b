// Builds the tradio page (Svelte 5) into dist/frontend: index.html + hashed assets/*.
// Asset URLs are relative (base "./") so an app mounted under a prefix such as /hello/ finds them.
import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "./",
  publicDir: false,
  plugins: [svelte({ compilerOptions: { runes: true } })],
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
  },
});
