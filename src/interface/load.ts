import type { Component } from "../components/component.js";
import { resolveComponent } from "../components/registry.js";
import { OptionError } from "../core/errors.js";
import { checkOptions, describe } from "../core/options.js";
import { findLoader } from "../load/loaders.js";
import { carriesFiles, Relay } from "../load/relay.js";
import { Interface, provideLoad, type InterfaceOptions, type LoadedInterface } from "./interface.js";
import { COMMON_KINDS, type LoadOptions } from "./options.js";
import type { Specs } from "./types.js";


const LOAD_KINDS = {
  hfToken: "string",
  alias: (v: unknown) => typeof v === "string" && /^[A-Za-z_][\w-]*$/.test(v),
  src: (v: unknown) => v === "huggingface" || v === "models" || v === "spaces",
  endpointUrl: (v: unknown) => typeof v === "string" && /^https?:\/\/\S+$/i.test(v),
  auth: (v: unknown) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "string"),
  remoteEndpoint: "string",
  maxSessions: (v: unknown) => typeof v === "number" && Number.isInteger(v) && v > 0,
  inputs: "any",
  outputs: "any",
} as const;

/**
 * Gradio's `load()`: an Interface for a Hub model (`"huggingface/<repo>"`, `"models/<repo>"`), a Space
 * (`"spaces/<owner>/<name>"`) or any running Gradio-compatible app (an http(s) URL, another tradio app
 * included). The result is an ordinary Interface: launch it, call it, put it in Parallel or Series.
 *
 * @example
 * const gpt2 = await tr.load("huggingface/gpt2", { hfToken: process.env.HF_TOKEN });
 * await gpt2.launch();
 */
export async function load(name: string, options: LoadOptions = {}): Promise<LoadedInterface> {
  if (typeof name !== "string" || name.trim() === "") throw new OptionError("TR_ERR_LOAD_NAME", `load: the name must be a non-empty string, got ${describe(name)}`);
  for (const key of ["fn", "batch", "maxBatchSize"]) {
    if (options !== null && typeof options === "object" && key in options) {
      throw new OptionError("TR_ERR_OPTION_CONFLICT", `load: option "${key}" cannot be set: the loaded model or app is the function`);
    }
  }
  checkOptions("load", options as Record<string, unknown>, LOAD_KINDS, COMMON_KINDS);
  const { hfToken, alias, src, endpointUrl, auth, remoteEndpoint, maxSessions, inputs, outputs, ...overrides } = options;
  const full = src ? `${src}/${name.trim()}` : name.trim();
  const [loader, id] = findLoader(full);
  const loaded = await loader.load(id, { hfToken, endpointUrl, auth, remoteEndpoint, maxSessions });

  const iface = new Interface({
    title: loaded.title,
    description: loaded.description,
    article: loaded.article,
    examples: loaded.examples,
    ...overrides,
    ...(alias !== undefined && overrides.apiName === undefined ? { apiName: alias } : {}),
    fn: loaded.fn,
    inputs: override(loaded.inputs, inputs, "inputs", full),
    outputs: override(loaded.outputs, outputs, "outputs", full),
  } as InterfaceOptions<any, any>);
  return iface as LoadedInterface;
}

/**
 * The author's components in place of the loaded ones (state slots stay). Each is relayed, so the page
 * shows the author's component while values still travel to the model or app as they are.
 */
function override(loaded: Component<any, any>[], given: Specs | undefined, which: "inputs" | "outputs", name: string): Component<any, any>[] {
  if (given === undefined) return loaded;
  const list = (Array.isArray(given) ? given : [given]).map((s, i) => resolveComponent(s, `load: ${which}[${i}]`));
  const slots = loaded.map((c, i) => (c.stateful ? -1 : i)).filter((i) => i >= 0);
  if (list.length !== slots.length) {
    const kinds = slots.map((i) => loaded[i].className).join(", ");
    throw new OptionError("TR_ERR_OPTION_INVALID", `load: option "${which}" gives ${list.length} component(s), but ${name} has ${slots.length} (${kinds})`);
  }
  const out = [...loaded];
  list.forEach((c, k) => {
    const was = loaded[slots[k]];
    if (c.stateful) throw new OptionError("TR_ERR_OPTION_INVALID", `load: ${which}[${k}] cannot be a State; the loaded interface keeps its own`);
    if (carriesFiles(c) !== carriesFiles(was)) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `load: ${which}[${k}] is a ${c.className}, but ${name} ${which === "inputs" ? "takes" : "gives"} ${carriesFiles(was) ? "a file" : "a value"} there (${was.className})`);
    }
    out[slots[k]] = new Relay(c, { validate: which === "inputs", label: c.label ?? was.label });
  });
  return out;
}

provideLoad(load);
