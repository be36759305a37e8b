// Written by frontend/build/views.ts from the views' own `export const types = [...]`.
declare module "virtual:tradio-views" {
  /** The file in src/views/ that draws each type: `{ textbox: "./Textbox.svelte" }`. */
  const types: Record<string, string>;
  export default types;
}
