import { OptionError } from "../core/errors.js";
import { Registry } from "../core/registry.js";
import { REPO_ID, resolveToken, spaceHost } from "./hub.js";
import { loadModel } from "./huggingface.js";
import type { Loaded } from "./loaded.js";
import { loadRemote } from "./remote-app.js";

/** What a loader is given beside the name: `load()`'s own options. */
export interface LoaderOptions {
  /** The token given to load(), never one from the environment. */
  hfToken?: string;
  endpointUrl?: string;
  auth?: [string, string];
  remoteEndpoint?: string;
  maxSessions?: number;
}

/**
 * A source `load()` can build an Interface from: it claims names by their form ("huggingface/…",
 * "spaces/…", a URL) and returns what to build. Loaders are tried in the order they were registered.
 */
export interface Loader {
  /** The part of `name` this loader takes (its id, its URL), or null when the name is not one of its. */
  match(name: string): string | null;
  load(id: string, opts: LoaderOptions): Promise<Loaded>;
}

export const loaders = new Registry<Loader>("loaders");

const prefixed = (prefixes: string[]) => (name: string) => {
  for (const p of prefixes) if (name.startsWith(`${p}/`)) return name.slice(p.length + 1);
  return null;
};

loaders.register("huggingface", {
  match: prefixed(["huggingface", "models"]),
  async load(repo, opts) {
    if (!REPO_ID.test(repo)) throw new OptionError("TR_ERR_LOAD_NAME", `load: "${repo}" is not a model id (expected "name" or "owner/name")`);
    return loadModel(repo, { token: resolveToken(opts.hfToken), endpointUrl: opts.endpointUrl });
  },
});

loaders.register("spaces", {
  match: prefixed(["spaces"]),
  async load(id, opts) {
    if (!REPO_ID.test(id) || !id.includes("/")) throw new OptionError("TR_ERR_LOAD_NAME", `load: "${id}" is not a Space id (expected "owner/name")`);
    const token = resolveToken(opts.hfToken);
    const host = await spaceHost(id, token);
    return loadRemote(host, { name: `spaces/${id}`, token, auth: opts.auth, endpoint: opts.remoteEndpoint, maxSessions: opts.maxSessions });
  },
});

loaders.register("url", {
  match: (name) => (/^https?:\/\/\S+$/i.test(name) ? name : null),
  // An arbitrary URL gets the token only when it is given explicitly, never from the environment.
  load: (url, opts) => loadRemote(url, { name: url, token: opts.hfToken, auth: opts.auth, endpoint: opts.remoteEndpoint, maxSessions: opts.maxSessions }),
});

/** The loader that takes `name`, and the part of the name it takes; an error listing the forms otherwise. */
export function findLoader(name: string): [Loader, string] {
  for (const loader of loaders.values()) {
    const id = loader.match(name);
    if (id !== null) return [loader, id];
  }
  throw new OptionError(
    "TR_ERR_LOAD_NAME",
    `load: "${name}" is not a model, a Space or a URL; use "huggingface/<repo>", "models/<repo>", "spaces/<owner>/<name>" or an http(s) URL`,
  );
}
