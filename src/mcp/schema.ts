import type { Component, JSONSchema } from "../components/component.js";

/** Media components take a file as a URL or a data: URI from an agent. */
const MEDIA = new Set(["image", "audio", "video", "file", "model3d", "gallery"]);

const mediaSchema = (c: Component<any, any>, what: string): JSONSchema => ({
  type: "string",
  description: `${what}: an http(s) URL, or a data: URI (data:<mime>;base64,<bytes>)`,
});

const pick = (s: JSONSchema, ...keys: string[]) => Object.fromEntries(keys.filter((k) => s[k] !== undefined).map((k) => [k, s[k]]));

/**
 * The JSON Schema of one tool parameter. A component may describe itself with a `toolSchema()` method
 * (a component from outside tradio does); otherwise its kind decides, from what the component exposes.
 */
export function toolSchema(c: Component<any, any>): JSONSchema {
  const own = (c as { toolSchema?: () => JSONSchema }).toolSchema;
  if (typeof own === "function") return own.call(c);
  const api = c.apiInfo();
  const fields = c as unknown as Record<string, unknown>;
  switch (c.type) {
    case "textbox":
      return { type: "string", ...(typeof fields.maxLength === "number" ? { maxLength: fields.maxLength } : {}) };
    case "number":
      return { type: "number", ...(typeof fields.minimum === "number" ? { minimum: fields.minimum } : {}), ...(typeof fields.maximum === "number" ? { maximum: fields.maximum } : {}) };
    case "slider":
      return { type: "number", minimum: fields.minimum, maximum: fields.maximum, ...(typeof fields.step === "number" && fields.step > 0 ? { multipleOf: fields.step } : {}) };
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
