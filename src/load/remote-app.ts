import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@gradio/client";
import { LRUCache } from "lru-cache";
import type { CallContext } from "../core/context.js";
import { TradioError, TradioFailure } from "../core/errors.js";
import { causeOf, TOKEN_HINT } from "./hub.js";
import type { Loaded } from "./loaded.js";
import { Relay, type FileBytes } from "./relay.js";
import { rebuildComponent, type ConfigComponent } from "./remote-components.js";
import { safeName } from "../core/files.js";

export interface RemoteLoadOptions {
  /** Shown in messages and used as the default title: "spaces/owner/name" or the URL. */
  name: string;
  token?: string;
  /** Login for an app launched with `auth`. */
  auth?: [string, string];
  /** The remote endpoint to wrap (default "/predict", else the first one with a name). */
  endpoint?: string;
  /** Most remote sessions kept at once (one per local session of a stateful endpoint). */
  maxSessions?: number;
}

interface Dependency {
  id: number;
  api_name?: string | null | false;
  inputs: number[];
  outputs: number[];
  backend_fn?: boolean;
  show_api?: boolean;
  api_visibility?: string;
}

/** Largest file downloaded from a remote app (outputs and examples). */
const MAX_DOWNLOAD = 256 * 1024 * 1024;
const DEFAULT_TITLES = new Set(["Gradio", "tradio"]);

async function connect(url: string, opts: RemoteLoadOptions): Promise<Client> {
  try {
    // The client is loaded when an app is loaded, not when tradio starts.
    const { Client } = await import("@gradio/client");
    return await Client.connect(url, {
      ...(opts.token ? { token: opts.token as `hf_${string}` } : {}),
      ...(opts.auth ? { auth: opts.auth } : {}),
      events: ["data", "status"],
    });
  } catch (err) {
    const msg = causeOf(err);
    if (/login credentials are required|auth_message/i.test(msg) || (!opts.auth && /401|unauthori[sz]ed/i.test(msg))) {
      throw new TradioFailure("TR_ERR_LOAD_UNAUTHORIZED", `load: ${opts.name} asks for a login: pass { auth: [username, password] } to load() (${msg})`, { cause: err });
    }
    if (/invalid credentials/i.test(msg)) throw new TradioFailure("TR_ERR_LOAD_UNAUTHORIZED", `load: ${opts.name} refused the login given in "auth" (${msg})`, { cause: err });
    if (/private|not found/i.test(msg) && !opts.token) {
      const code = /not found/i.test(msg) ? "TR_ERR_LOAD_NOT_FOUND" : "TR_ERR_LOAD_UNAUTHORIZED";
      throw new TradioFailure(code, `load: could not open ${opts.name} (${msg}); if it is private, ${TOKEN_HINT}`, { cause: err });
    }
    throw new TradioFailure("TR_ERR_LOAD_UNAVAILABLE", `load: could not connect to ${opts.name} at ${url} (${msg})`, { cause: err });
  }
}

function pickDependency(deps: Dependency[], wanted: string | undefined, name: string): Dependency {
  const named = deps.filter((d) => d.backend_fn !== false && typeof d.api_name === "string" && d.api_name !== "");
  const want = wanted?.replace(/^\//, "");
  const open = named.filter((d) => d.show_api !== false && (d.api_visibility ?? "public") === "public");
  const dep = want !== undefined ? named.find((d) => d.api_name === want) : (named.find((d) => d.api_name === "predict") ?? open[0] ?? named[0]);
  if (!dep) {
    const known = named.map((d) => `/${d.api_name}`).join(", ") || "none";
    throw new TradioFailure(want !== undefined ? "TR_ERR_LOAD_NOT_FOUND" : "TR_ERR_LOAD_UNSUPPORTED", `load: ${name} has no endpoint ${want !== undefined ? `named "/${want}"` : "with an API name"} (endpoints: ${known})`);
  }
  return dep;
}

/**
 * Connects to a Gradio-compatible app (a Space's host, another tradio app, any Gradio 4+ server),
 * rebuilds one of its endpoints as Interface parts, and forwards each call there. Each local session
 * gets its own remote session (its own `Client`), so state kept by the remote app survives between
 * calls of one page load; sessions are kept in a bounded LRU and closed when evicted.
 */
export async function loadRemote(url: string, opts: RemoteLoadOptions): Promise<Loaded> {
  const probe = await connect(url, opts);
  const config = probe.config as unknown as {
    title?: unknown;
    description?: unknown;
    article?: unknown;
    root?: string;
    api_prefix?: string;
    components: ConfigComponent[];
    dependencies: Dependency[];
  };
  const byId = new Map(config.components.map((c) => [c.id, c]));
  const dep = pickDependency(config.dependencies ?? [], opts.endpoint, opts.name);
  const endpoint = `/${dep.api_name}`;
  const where = `${opts.name} (endpoint ${endpoint})`;
  const resolve = (id: number) => {
    const c = byId.get(id);
    if (!c) throw new TradioFailure("TR_ERR_LOAD_UNSUPPORTED", `load: ${where} refers to component ${id}, which its config does not list`);
    return c;
  };
  const inCfg = dep.inputs.map(resolve).filter((c) => c.type !== "state");
  const outCfg = dep.outputs.map(resolve).filter((c) => c.type !== "state");
  const stateful = dep.inputs.length !== inCfg.length || dep.outputs.length !== outCfg.length;
  const inputs = inCfg.map((c) => new Relay(rebuildComponent(c, where), { validate: true }));
  const outputs = outCfg.map((c) => new Relay(rebuildComponent(c, where)));
  const messagesChat = new Set(outCfg.map((c, i) => (c.type === "chatbot" && c.props?.type === "messages" ? i : -1)));

  const origin = new URL(config.root ?? url).origin;
  const files = new RemoteFiles(origin, config.root ?? url, config.api_prefix ?? "", opts.token);

  const sessions = new LRUCache<string, Promise<Client>>({
    max: opts.maxSessions ?? 1000,
    ttl: 3600_000,
    updateAgeOnGet: true,
    dispose: (p) => void p.then((c) => c.close()).catch(() => {}),
  });
  /** Stateless endpoints share one client; stateful ones get one per local session (a fresh one per code call). */
  const clientFor = async (ctx: CallContext): Promise<[Client, boolean]> => {
    if (!stateful) return [probe, false];
    const { sessionHash, username } = ctx.request;
    if (sessionHash === null) return [await connect(url, opts), true];
    const key = `${username ?? ""}\n${sessionHash}`;
    let client = sessions.get(key);
    if (!client) {
      client = connect(url, opts);
      sessions.set(key, client);
      client.catch(() => sessions.delete(key));
    }
    return [await client, false];
  };

  const fn = async (...args: unknown[]) => {
    const ctx = args.pop() as CallContext;
    const data = await Promise.all(args.map((v, i) => (inputs[i].files ? toUpload(v) : v)));
    const [client, oneOff] = await clientFor(ctx);
    let result: { data?: unknown };
    try {
      result = (await client.predict(endpoint, data)) as { data?: unknown };
    } catch (err) {
      throw new TradioError(`${opts.name}: ${err instanceof Error ? err.message : remoteMessage(err)}`);
    } finally {
      if (oneOff) client.close();
    }
    const values = Array.isArray(result?.data) ? result.data : [];
    const out = await Promise.all(
      outputs.map((o, i) => (o.files ? files.fetchAll(values[i], client) : messagesChat.has(i) ? toPairs(values[i]) : values[i] ?? null)),
    );
    return out.length === 1 ? out[0] : out;
  };

  const title = typeof config.title === "string" && !DEFAULT_TITLES.has(config.title) ? config.title : opts.name;
  return {
    title,
    description: typeof config.description === "string" && config.description ? config.description : undefined,
    article: typeof config.article === "string" && config.article ? config.article : undefined,
    inputs,
    outputs,
    fn,
    examples: await examplesOf(config.components, inCfg, inputs, files, probe),
  };
}

function remoteMessage(err: unknown): string {
  const m = (err as { message?: unknown } | null)?.message;
  return typeof m === "string" && m ? m : "the remote app failed";
}

/** A local file (as relays hand them over) → something @gradio/client uploads, keeping its name. */
async function toUpload(value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map(toUpload));
  if (typeof value !== "string") return value;
  return new globalThis.File([await readFile(value)], path.basename(value));
}

/** Chatbot "messages" values (Gradio 5) → the [user, bot] pairs tradio's chatbot shows. */
function toPairs(value: unknown): unknown {
  if (!Array.isArray(value) || value.length === 0 || Array.isArray(value[0])) return value ?? null;
  const pairs: [string | null, string | null][] = [];
  for (const m of value as { role?: unknown; content?: unknown }[]) {
    const content = typeof m?.content === "string" ? m.content : JSON.stringify(m?.content ?? null);
    const last = pairs[pairs.length - 1];
    if (m?.role === "user") pairs.push([content, null]);
    else if (last && last[1] === null) last[1] = content;
    else pairs.push([null, content]);
  }
  return pairs;
}

/** Remote files: downloaded from the remote app's own origin only (never from a URL it points elsewhere). */
class RemoteFiles {
  constructor(
    private readonly origin: string,
    private readonly root: string,
    private readonly apiPrefix: string,
    private readonly token: string | undefined,
  ) {}

  fetchAll(value: unknown, client: Client): Promise<unknown> {
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.fetchOne(v, client)));
    return this.fetchOne(value, client);
  }

  /** FileData → bytes with its name, or the URL itself when it lives elsewhere (the page loads it directly). */
  async fetchOne(value: unknown, client: Client): Promise<FileBytes | string | null> {
    if (value === null || value === undefined) return null;
    const fd = value as { path?: unknown; url?: unknown; orig_name?: unknown };
    const p = typeof fd.path === "string" ? fd.path : typeof value === "string" ? value : undefined;
    let url = typeof fd.url === "string" ? fd.url : undefined;
    if (!url && p) url = /^https?:\/\//i.test(p) ? p : `${this.root.replace(/\/$/, "")}${this.apiPrefix}/file=${p}`;
    if (!url) throw new TradioError("the remote app returned a file without a path or URL");
    if (new URL(url).origin !== this.origin) return url;
    const res = await client.fetch(url, { headers: this.token ? { authorization: `Bearer ${this.token}` } : {} });
    if (!res.ok) throw new TradioError(`could not download a file from the remote app (HTTP ${res.status})`);
    const length = Number(res.headers.get("content-length") ?? 0);
    if (length > MAX_DOWNLOAD) throw new TradioError(`a file from the remote app is larger than ${MAX_DOWNLOAD / 1024 / 1024} MiB`);
    const data = new Uint8Array(await res.arrayBuffer());
    if (data.byteLength > MAX_DOWNLOAD) throw new TradioError(`a file from the remote app is larger than ${MAX_DOWNLOAD / 1024 / 1024} MiB`);
    const name = typeof fd.orig_name === "string" && fd.orig_name ? fd.orig_name : path.basename(new URL(url).pathname) || "file";
    return { name: safeName(decodeURIComponent(name)), data };
  }
}

/**
 * The remote app's examples table, when it fills exactly this endpoint's inputs: rows in input order.
 * Example files are downloaded into the file store once, at load time.
 */
async function examplesOf(
  components: ConfigComponent[],
  inCfg: ConfigComponent[],
  inputs: Relay[],
  files: RemoteFiles,
  client: Client,
): Promise<unknown[][] | undefined> {
  if (inCfg.length === 0) return undefined;
  const wanted = inCfg.map((c) => c.id);
  const dataset = components.find((c) => {
    const ids = c.props?.component_ids;
    return c.type === "dataset" && Array.isArray(ids) && wanted.every((id) => ids.includes(id));
  });
  const ids = dataset?.props?.component_ids as number[] | undefined;
  const samples = dataset?.props?.samples;
  if (!ids || !Array.isArray(samples) || samples.length === 0) return undefined;
  // Example files are the loaded app's own: kept in a folder of this load, then copied into the app's
  // store like any author's example file.
  const folder = await mkdtemp(path.join(tmpdir(), "tradio-examples-"));
  let n = 0;
  const save = async (data: Uint8Array, name: string) => {
    const dir = path.join(folder, String(n++));
    await mkdir(dir);
    const file = path.join(dir, safeName(name));
    await writeFile(file, data);
    return file;
  };
  const rows: unknown[][] = [];
  for (const sample of samples) {
    if (!Array.isArray(sample)) continue;
    const row: unknown[] = [];
    for (const [i, id] of wanted.entries()) {
      const value = sample[ids.indexOf(id)] ?? null;
      if (!inputs[i].files || value === null) {
        row.push(value);
        continue;
      }
      const got = await files.fetchAll(value, client).catch(() => undefined);
      const one = async (f: unknown) => (f && typeof f === "object" ? save((f as FileBytes).data, (f as FileBytes).name) : f);
      row.push(Array.isArray(got) ? await Promise.all(got.map(one)) : await one(got));
    }
    if (row.every((v, i) => v !== undefined || !inputs[i].files)) rows.push(row);
  }
  return rows.length > 0 ? rows : undefined;
}
