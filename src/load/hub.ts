/** The Hugging Face Hub API: model info and Space hosts. The base URL comes from env HF_ENDPOINT, as in huggingface_hub. */
import { TradioFailure } from "../core/errors.js";

export const DEFAULT_HUB = "https://huggingface.co";

export function hubBase(): string {
  return (process.env.HF_ENDPOINT || DEFAULT_HUB).replace(/\/+$/, "");
}

/** The token for the Hub and the Inference API: the `hfToken` option, else env HF_TOKEN. */
export function resolveToken(option: string | undefined): string | undefined {
  return option ?? (process.env.HF_TOKEN || undefined);
}

/** A Hub lookup that takes longer than this fails rather than holding up whoever is loading (the demo gallery, say). */
export const HUB_TIMEOUT_MS = 30_000;

export const TOKEN_HINT = 'pass { hfToken: "hf_…" } to load() or set HF_TOKEN';

/** A repo id on the Hub: `name` or `owner/name`. */
export const REPO_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

export interface ModelInfo {
  id?: string;
  pipeline_tag?: string | null;
  cardData?: Record<string, unknown> | null;
}

/** GET a Hub API path as JSON; every failure becomes a coded error that says what to do about it. */
async function hubGet(path: string, what: string, token: string | undefined): Promise<unknown> {
  const base = hubBase();
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(HUB_TIMEOUT_MS),
    });
  } catch (err) {
    throw new TradioFailure("TR_ERR_LOAD_UNAVAILABLE", `load: could not reach the Hugging Face Hub at ${base} to look up ${what} (${causeOf(err)})`, { cause: err });
  }
  if (res.ok) {
    try {
      return await res.json();
    } catch {
      throw new TradioFailure("TR_ERR_LOAD_UNAVAILABLE", `load: the Hub at ${base} answered ${path} with something that is not JSON`);
    }
  }
  const detail = await errorText(res);
  if (res.status === 404) throw new TradioFailure("TR_ERR_LOAD_NOT_FOUND", `load: ${what} was not found on the Hub (HTTP 404${detail})`);
  if (res.status === 401 || res.status === 403) {
    const hint = token ? "the token given cannot access it" : `it may be private or gated: ${TOKEN_HINT}`;
    throw new TradioFailure("TR_ERR_LOAD_UNAUTHORIZED", `load: the Hub refused access to ${what} (HTTP ${res.status}${detail}); it may not exist, or ${hint}`);
  }
  if (res.status === 429) {
    throw new TradioFailure("TR_ERR_LOAD_RATE_LIMITED", `load: the Hub is rate-limiting requests (HTTP 429) while looking up ${what}; wait a minute and try again${token ? "" : ", or use a token"}`);
  }
  throw new TradioFailure("TR_ERR_LOAD_UNAVAILABLE", `load: the Hub answered HTTP ${res.status} while looking up ${what}${detail}`);
}

export async function modelInfo(repo: string, token: string | undefined): Promise<ModelInfo> {
  const info = await hubGet(`/api/models/${repo}`, `the model "${repo}"`, token);
  if (info === null || typeof info !== "object") throw new TradioFailure("TR_ERR_LOAD_UNAVAILABLE", `load: the Hub's answer for the model "${repo}" is not an object`);
  return info as ModelInfo;
}

/** The URL a Space is served from (`https://<owner>-<name>.hf.space`). */
export async function spaceHost(space: string, token: string | undefined): Promise<string> {
  const info = (await hubGet(`/api/spaces/${space}/host`, `the Space "${space}"`, token)) as { host?: unknown } | null;
  const host = info?.host;
  if (typeof host !== "string" || !/^https?:\/\//i.test(host)) {
    throw new TradioFailure("TR_ERR_LOAD_UNAVAILABLE", `load: the Hub gave no host for the Space "${space}" (is it running?)`);
  }
  return host;
}

/** A short error text from a response body: its `error`/`detail`/`message` field, or its first characters. */
export async function errorText(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  if (!text) return "";
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const msg = body.error ?? body.detail ?? body.message;
    if (typeof msg === "string") return `: ${msg}`;
  } catch {
    // not JSON
  }
  return `: ${text.slice(0, 200)}`;
}

export function causeOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}
