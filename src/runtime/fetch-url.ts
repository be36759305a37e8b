import { lookup as dnsLookup } from "node:dns/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { ValidationError } from "../core/errors.js";

/** Resolves a host name to every address it has (as `dns.lookup` with `all: true`). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** How URLs given as file inputs are fetched. */
export interface FetchPolicy {
  /**
   * Host names, IP addresses and CIDR ranges that may be fetched even though they are loopback or
   * private (`["files.internal", "10.1.2.3", "192.168.0.0/16"]`). Everything else must be public.
   */
  allow: readonly string[];
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Time for the whole fetch, redirects included. */
  timeoutMs: number;
  /** Redirects followed; each new host is checked again. */
  maxRedirects: number;
  /** Name resolution; tests inject one, the default is the system's. */
  resolve?: Resolver;
}

export const DEFAULT_FETCH_POLICY: FetchPolicy = { allow: [], maxBytes: 1024 ** 3, timeoutMs: 30_000, maxRedirects: 5 };

const systemResolve: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Checks an allow-list entry: a host name, an IP address or a CIDR range. Returns an error message or null. */
export function allowEntryProblem(entry: string): string | null {
  if (/^[0-9a-f:.]+\/\d+$/i.test(entry)) {
    try {
      ipaddr.parseCIDR(entry);
      return null;
    } catch {
      return `"${entry}" is not a valid CIDR range`;
    }
  }
  if (isIP(entry)) return null;
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry)
    ? null
    : `"${entry}" is not a host name, IP address or CIDR range`;
}

/**
 * The kind of range an address is in (ipaddr.js's names: "loopback", "private", "linkLocal",
 * "uniqueLocal", "multicast", "unspecified", …), "unicast" for a public address. IPv4-mapped IPv6
 * addresses are judged as the IPv4 address they carry; IPv4-compatible ones (::a.b.c.d) are refused.
 */
export function addressRange(address: string): string {
  if (!ipaddr.isValid(address)) return "invalid";
  const addr = ipaddr.process(address);
  const range = addr.range();
  if (range === "unicast" && addr.kind() === "ipv6" && addr.match(ipaddr.parseCIDR("::/96"))) return "ipv4Compatible";
  return range;
}

export function isPublicAddress(address: string): boolean {
  return addressRange(address) === "unicast";
}

/** Whether an address, or the host name it was reached by, is on the allow-list. */
export function allowListed(hostname: string, address: string, allow: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  const addr = ipaddr.isValid(address) ? ipaddr.process(address) : null;
  return allow.some((entry) => {
    if (entry.includes("/")) {
      if (!addr) return false;
      const [range, bits] = ipaddr.parseCIDR(entry);
      const probe = range.kind() === addr.kind() ? addr : addr.kind() === "ipv4" ? (addr as ipaddr.IPv4).toIPv4MappedAddress() : null;
      return probe !== null && probe.kind() === range.kind() && probe.match(range, bits);
    }
    if (isIP(entry)) return addr !== null && ipaddr.process(entry).toString() === addr.toString();
    return entry.toLowerCase() === host;
  });
}

/** The one address a connection to `url` may use: every address the host resolves to must pass. */
async function checkedAddress(url: URL, policy: FetchPolicy): Promise<{ address: string; family: number }> {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: { address: string; family: number }[];
  if (isIP(hostname)) addresses = [{ address: hostname, family: isIP(hostname) }];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(hostname);
    } catch {
      throw new ValidationError(`could not resolve the host of ${url.origin}`, "TR_ERR_FETCH_FAILED");
    }
  }
  if (addresses.length === 0) throw new ValidationError(`could not resolve the host of ${url.origin}`, "TR_ERR_FETCH_FAILED");
  for (const { address } of addresses) {
    if (isPublicAddress(address) || allowListed(hostname, address, policy.allow)) continue;
    // What the host resolves to is not said: it would map the server's internal network for the caller.
    throw new ValidationError(
      `refusing to fetch ${url.origin}: the host is not allowed (only public addresses are fetched; ` +
        `the app's author can allow a host with launch({ fetchAllowList }))`,
      "TR_ERR_FETCH_REFUSED",
    );
  }
  return addresses[0];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function parseUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new ValidationError(`not a valid URL: ${JSON.stringify(raw.slice(0, 200))}`, "TR_ERR_FETCH_REFUSED");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ValidationError(`only http(s) URLs are fetched, got ${url.protocol}`, "TR_ERR_FETCH_REFUSED");
  if (url.username || url.password) throw new ValidationError("URLs with credentials are not fetched", "TR_ERR_FETCH_REFUSED");
  return url;
}

/** One GET, connected to the checked address only (the host name still names the site for TLS and Host). */
function get(url: URL, target: { address: string; family: number }, signal: AbortSignal): Promise<IncomingMessage> {
  const pinned: LookupFunction = (_host, options, callback) => {
    const cb = callback as (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void;
    if (options?.all) cb(null, [target]);
    else cb(null, target.address, target.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: "GET", lookup: pinned, agent: false, signal, headers: { "user-agent": "tradio", accept: "*/*" } }, resolve);
    req.on("error", reject);
    req.end();
  });
}

/** What a failed connection or read says, without the address it was connected to. */
function failure(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "ETIMEDOUT":
      return "connection timed out";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
    default:
      return typeof code === "string" && /^(ERR_TLS|CERT_|UNABLE_|DEPTH_|SELF_SIGNED)/.test(code) ? "TLS certificate problem" : "the connection failed";
  }
}

function tooLarge(url: URL, maxBytes: number): ValidationError {
  return new ValidationError(`${url.origin}${url.pathname} is larger than the maximum file size (${maxBytes} bytes)`, "TR_ERR_FILE_TOO_LARGE");
}

/** A response body that is being fetched: read it once, or close it. */
export interface Opened {
  /** The body in chunks as they arrive: bounded by the policy's size and time, never held whole. */
  body: AsyncIterable<Buffer>;
  /** The final URL, after redirects. */
  url: URL;
  contentType: string | null;
  /** The declared length, when the server gave one (already checked against the size bound). */
  size: number | null;
  /** Drops the connection (when the body is not wanted after all); harmless after the body was read. */
  close(): void;
}

/** The body of an accepted response, chunk by chunk: each chunk counted against `maxBytes`, failures given codes. */
async function* bounded(res: IncomingMessage, url: URL, policy: FetchPolicy, signal: AbortSignal): AsyncGenerator<Buffer> {
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > policy.maxBytes) throw tooLarge(url, policy.maxBytes);
      yield chunk;
    }
    // A body cut short (the server went away) is not a file.
    if (!res.complete) throw new ValidationError(`could not fetch ${url.origin}: the body ended early`, "TR_ERR_FETCH_FAILED");
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    if (signal.aborted) throw new ValidationError(`fetching ${url.origin} took longer than ${policy.timeoutMs / 1000} s`, "TR_ERR_FETCH_FAILED");
    throw new ValidationError(`could not fetch ${url.origin}: ${failure(err)}`, "TR_ERR_FETCH_FAILED");
  } finally {
    res.destroy();
  }
}

/**
 * Opens a URL a client gave as a file input, without letting it reach this machine or its network:
 * the host must resolve only to public addresses (or allow-listed ones), the connection goes to the
 * address that was checked (so DNS rebinding cannot swap it), every redirect is checked the same way,
 * and size and time are bounded (the time bound covers reading the body too). The body is handed over
 * as a stream, so a large file never sits in memory. Every refusal is a ValidationError naming the reason.
 */
export async function openUrl(raw: string, policy: FetchPolicy = DEFAULT_FETCH_POLICY): Promise<Opened> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  let url = parseUrl(raw);
  for (let hop = 0; ; hop++) {
    const target = await checkedAddress(url, policy);
    let res: IncomingMessage;
    try {
      res = await get(url, target, signal);
    } catch (err) {
      if (signal.aborted) throw new ValidationError(`fetching ${url.origin} took longer than ${policy.timeoutMs / 1000} s`, "TR_ERR_FETCH_FAILED");
      throw new ValidationError(`could not fetch ${url.origin}: ${failure(err)}`, "TR_ERR_FETCH_FAILED");
    }
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      res.destroy();
      const location = res.headers.location;
      if (!location) throw new ValidationError(`${url.origin} answered a redirect without a location`, "TR_ERR_FETCH_FAILED");
      if (hop >= policy.maxRedirects) throw new ValidationError(`too many redirects fetching ${raw.slice(0, 200)} (at most ${policy.maxRedirects})`, "TR_ERR_FETCH_FAILED");
      url = parseUrl(location, url);
      continue;
    }
    if (status !== 200) {
      res.destroy();
      throw new ValidationError(`fetching ${url.origin}${url.pathname} failed: HTTP ${status}`, "TR_ERR_FETCH_FAILED");
    }
    const declared = Number(res.headers["content-length"]);
    const size = res.headers["content-length"] !== undefined && Number.isSafeInteger(declared) && declared >= 0 ? declared : null;
    if (size !== null && size > policy.maxBytes) {
      res.destroy();
      throw tooLarge(url, policy.maxBytes);
    }
    return { body: bounded(res, url, policy, signal), url, contentType: res.headers["content-type"] ?? null, size, close: () => res.destroy() };
  }
}
