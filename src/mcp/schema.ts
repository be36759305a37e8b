import type { Component, JSONSchema } from "../components/component.js";

/** Media components take a file as a URL or a data: URI from an agent. */
const MEDIA = new Set(["image", "audio", "video", "file", "model3d", "gallery"]);

const mediaSchema = (c: Component<any, any>, what: string): JSONSchema => ({
  type: "string",
  description: `${what}: an http(s) URL, or a data: URI (data:<mime>;base64,<bytes>)`,
});

const pick = (s: JSONSchema, ...keys: string[]) => Object.fromEntries(keys.filter((k) => s[k] !== undefined).map((k) => [k, s[k]]));

/**
 * The component that decides a value's schema: Parallel, Series and loaded apps wrap their members'
 * components in stand-ins that pass wire values through (load/relay.ts); the wrapped one holds the options.
 */
export function underlying(c: Component<any, any>): Component<any, any> {
  let at = c;
  for (let next = (at as { inner?: Component<any, any> }).inner; next && next.type === c.type; next = (at as { inner?: Component<any, any> }).inner) at = next;
  return at;
}

/** Whether `value` is on the grid `from`, `from + step`, … (exact only for a whole step and start). */
const wholeGrid = (from: number, step: number) => Number.isInteger(step) && Number.isInteger(from) && from % step === 0;

/**
 * The JSON Schema of one tool parameter. A component may describe itself with a `toolSchema()` method
 * (a component from outside tradio does); otherwise its kind decides, from what the component exposes.
 */
export function toolSchema(outer: Component<any, any>): JSONSchema {
  const c = underlying(outer);
  const own = (c as { toolSchema?: () => JSONSchema }).toolSchema;
  if (typeof own === "function") return own.call(c);
  const api = c.apiInfo();
  const fields = c as unknown as Record<string, unknown>;
  switch (c.type) {
    case "textbox":
      return { type: "string", ...(typeof fields.maxLength === "number" ? { maxLength: fields.maxLength } : {}) };
    case "number":
      return { type: "number", ...(typeof fields.minimum === "number" ? { minimum: fields.minimum } : {}), ...(typeof fields.maximum === "number" ? { maximum: fields.maximum } : {}) };
    case "slider": {
      // The component takes any number in range (as Gradio's does); the step is the page's grid. It becomes
      // multipleOf only where that keyword says exactly the same thing (a whole step, and a minimum on it):
      // JSON Schema counts multiples from 0, and validators refuse 0.07 as a multiple of 0.01.
      const { minimum, maximum, step } = fields as { minimum: number; maximum: number; step: number };
      return {
        type: "number",
        minimum,
        maximum,
        ...(wholeGrid(minimum, step) ? { multipleOf: step } : { description: `the page's slider moves in steps of ${step} from ${minimum}` }),
      };
    }
    case "checkbox":
      return { type: "boolean" };
    case "radio":
    case "dropdown":
    case "checkboxgroup":
      return api.type === "array" ? { type: "array", items: pick(api.items as JSONSchema, "type", "enum") } : pick(api, "type", "enum");
    case "json":
      return { description: "any JSON value" };
  }
  if (MEDIA.has(c.type)) {
    const one = mediaSchema(c, c.className);
    return fields.fileCount === "multiple" ? { type: "array", items: one } : one;
  }
  return api;
}
