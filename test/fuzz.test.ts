// A few thousand random and malformed requests across every route, against an app with login and one
// without: no 5xx, no crash, and the server answers normally afterwards. Seeded, so a failure replays.
import { Agent, request } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handle_file } from "@gradio/client";
import * as tr from "../src/index.js";
import { connect, start } from "./helpers.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const PER_APP = Number(process.env.FUZZ_REQUESTS ?? 1500);
const PARALLEL = Number(process.env.FUZZ_PARALLEL ?? 8);

/** mulberry32: small, seeded, good enough to pick cases. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof rng>;

const ROUTES = [
  "/",
  "/config",
  "/login",
  "/logout",
  "/assets/index.js",
  "/gradio_api/info",
  "/gradio_api/app_id",
  "/gradio_api/upload",
  "/gradio_api/file=",
  "/gradio_api/queue/join",
  "/gradio_api/queue/data",
  "/gradio_api/cancel",
  "/gradio_api/reset",
  "/gradio_api/run/predict",
  "/gradio_api/api/predict",
  "/gradio_api/run/flag",
  "/gradio_api/run/nope",
];
const METHODS = ["GET", "GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
const NASTY = ["..", "%2e%2e", "%2f", "%5c", "%00", "%", "%zz", "%252e%252e", "%C3%A9", "%C0%AE", "//", "/./", ";", "?", "#", "~", "*", "'\"<>", "%ff%fe"];
const SCALARS: unknown[] = [null, true, false, 0, -0, 1, -1, 0.5, 1e308, -1e308, 2 ** 53 + 1, "", "x", "0", "null", "\u0000", "😀".repeat(50), [], {}, [[]], { __proto__: { polluted: true } }];

function junk(r: Rng, depth = 0): unknown {
  if (depth > 3 || r.chance(0.5)) return r.pick(SCALARS);
  if (r.chance(0.5)) return Array.from({ length: r.int(5) }, () => junk(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < r.int(4); i++) o[r.pick(["path", "meta", "data", "url", "_type", "constructor", "__proto__", "x"])] = junk(r, depth + 1);
  return o;
}

function fileData(r: Rng, stored: string[]): unknown {
  const p = r.pick([
    ...stored,
    "/etc/passwd",
    "../../../../etc/passwd",
    `${stored[0] ?? "/tmp"}/../../../etc/passwd`,
    "package.json",
    "..%2f..%2fetc%2fpasswd",
    "http://127.0.0.1:1/x",
    "http://169.254.169.254/latest/meta-data/",
    "file:///etc/passwd",
    "data:text/plain,hi",
    "C:\\Windows\\win.ini",
    "",
  ]);
  return r.chance(0.2) ? p : { path: p, meta: { _type: "gradio.FileData" }, orig_name: r.pick(["a.txt", "../x", null]) };
}

/** A data array that is sometimes right, usually a little wrong. */
function data(r: Rng, stored: string[]): unknown {
  if (r.chance(0.15)) return junk(r);
  const valid = [r.pick(["hi", "", "x".repeat(r.int(2000))]), r.pick([1, 0, -5, 1e308, 3.5]), r.chance(0.5), r.pick(["a", "b"]), fileData(r, stored)];
  const out = valid.map((v) => (r.chance(0.15) ? junk(r) : v));
  if (r.chance(0.1)) out.push(...Array.from({ length: r.int(5) }, () => junk(r)));
  if (r.chance(0.1)) out.length = r.int(out.length);
  return out;
}

function deep(n: number, open: string, close: string) {
  return open.repeat(n) + close.repeat(n);
}

function jsonBody(r: Rng, route: string, stored: string[]): string {
  const roll = r.next();
  if (roll < 0.08) return r.pick(["{", "[1,2", '{"data":', "nul", '{"a":1}}', "\u0000", "", "[]", "null", "42", '"str"']);
  if (roll < 0.12) return deep(r.pick([100, 5000, 100_000]), "[", "]");
  if (roll < 0.15) return `{"data":${deep(r.pick([1000, 50_000]), '{"a":', "}").replace(/}$/, "1}")}}`;
  if (roll < 0.17) return `{"data":[${"1e999,".repeat(100)}1],"session_hash":"a"}`;
  const session = r.pick(["abc", "a".repeat(200), "../x", "", 5, null, "ok_session"]);
  const b: Record<string, unknown> = {};
  if (route.includes("queue/join")) Object.assign(b, { data: data(r, stored), fn_index: r.pick([0, 0, 1, 2, -1, 1e20, 0.5, "0", null]), session_hash: session, event_data: junk(r), trigger_id: junk(r) });
  else if (route.includes("cancel")) Object.assign(b, { event_id: r.pick(["x", 5, null, "a".repeat(5000)]), session_hash: session });
  else if (route.includes("run/flag")) Object.assign(b, { data: [fileData(r, stored), junk(r), r.pick(["", "x", 3])] });
  else Object.assign(b, { data: data(r, stored), session_hash: r.chance(0.3) ? session : undefined });
  for (const key of Object.keys(b)) if (r.chance(0.05)) b[key] = junk(r);
  return JSON.stringify(b);
}

function multipartBody(r: Rng): { body: Buffer; type: string } {
  const boundary = r.pick(["b0und", "x".repeat(70), ""]);
  const parts: string[] = [];
  for (let i = 0; i < r.int(6); i++) {
    const name = r.pick(['name="files"; filename="a.txt"', 'name="files"; filename="../../etc/passwd"', 'name="files"; filename="x.html"', 'name="username"', 'name="password"', 'name="__proto__"', "garbage", 'name="files"; filename="\u0000.png"']);
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; ${name}\r\n${r.chance(0.3) ? "Content-Type: image/png\r\n" : ""}\r\n${r.pick(["", "data", "<script>1</script>", "\u0089PNG\r\n\u001a\n"])}\r\n`);
  }
  let text = parts.join("") + (r.chance(0.8) ? `--${boundary}--\r\n` : "");
  if (r.chance(0.2)) text = text.slice(0, r.int(text.length + 1));
  const type = r.pick([`multipart/form-data; boundary=${boundary}`, "multipart/form-data", `multipart/form-data; boundary="${boundary}"; charset=utf-7`, "multipart/mixed; boundary=x"]);
  return { body: Buffer.from(text, "latin1"), type };
}

function mutatePath(r: Rng, route: string, stored: string[]): string {
  let p = route;
  if (route.endsWith("file=")) p += r.pick([...stored, "/etc/passwd", "../../etc/passwd", "package.json", ".env", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "http://127.0.0.1:1/"]);
  if (route.endsWith("queue/data")) p += r.pick(["?session_hash=abc", "?session_hash=", "?session_hash=../x", "?session_hash[]=a", "?session_hash=ok_session", ""]);
  const roll = r.next();
  if (roll < 0.15) p += r.pick(NASTY) + r.pick(NASTY);
  else if (roll < 0.22) p = p.replace(/\/[^/]*$/, "/" + r.pick(NASTY));
  else if (roll < 0.25) p += "/" + "a".repeat(r.pick([300, 4000]));
  else if (roll < 0.3) p += `?${r.pick(["a=1&a=2", "%%%", "x=" + "%41".repeat(500), "__proto__[x]=1", "session_hash=abc&fn_index=0"])}`;
  else if (roll < 0.32) p = p.toUpperCase();
  return p;
}

function headers(r: Rng, own: string, cookie: string | null): Record<string, string> {
  const h: Record<string, string> = {};
  if (r.chance(0.3)) h.origin = r.pick([own, own, "https://evil.example", "null", "garbage"]);
  if (r.chance(0.1)) h["sec-fetch-site"] = r.pick(["cross-site", "same-origin", "none", "junk"]);
  if (cookie && r.chance(0.7)) h.cookie = cookie;
  else if (r.chance(0.1)) h.cookie = r.pick(["access-token-x=forged", "a=b; c", "=;=;", "%%%"]);
  if (r.chance(0.05)) h.host = r.pick(["evil.example", "localhost", "[::1]", "a b"]);
  if (r.chance(0.1)) h.range = r.pick(["bytes=0-1", "bytes=100-1", "bytes=garbage", "bytes=-5", "bytes=0-0,1-1,2-2"]);
  if (r.chance(0.05)) h["x-forwarded-host"] = "evil.example";
  if (r.chance(0.05)) h["x-forwarded-proto"] = r.pick(["https", "gopher"]);
  if (r.chance(0.05)) h["if-none-match"] = '"x"';
  if (r.chance(0.05)) h["access-control-request-method"] = "POST";
  return h;
}

interface Outcome {
  status: number;
  error?: string;
  body: string;
}

function send(base: string, agent: Agent | false, req: { method: string; path: string; headers: Record<string, string>; body?: Buffer | string }): Promise<Outcome> {
  const url = new URL(base);
  // Node frames a GET/DELETE/OPTIONS body only when told its length; unframed bytes would read as a second request.
  const headers = req.body === undefined ? req.headers : { ...req.headers, "content-length": String(Buffer.byteLength(req.body)) };
  return new Promise((resolve) => {
    const r = request({ host: url.hostname, port: url.port, path: req.path, method: req.method, headers, agent, timeout: 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        if (body.length < 500) body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", (e) => resolve({ status: res.statusCode ?? 0, error: e.message, body }));
    });
    r.on("timeout", () => r.destroy(new Error("timed out")));
    r.on("error", (e) => resolve({ status: 0, error: (e as NodeJS.ErrnoException).code ?? e.message, body: "" }));
    r.end(req.body);
  });
}

type Req = { method: string; path: string; headers: Record<string, string>; body?: Buffer | string };

/** The requests of one run, all drawn before any is sent so a seed always gives the same list. */
function generate(seed: number, count: number, own: string, cookie: string | null, stored: string[]): Req[] {
  const r = rng(seed);
  const out: Req[] = [];
  for (let i = 0; i < count; i++) {
    let route = r.pick(ROUTES);
    if (cookie && route === "/logout") route = "/config"; // keep the login alive for the whole run
    const method = r.pick(METHODS);
    const h = headers(r, own, cookie);
    let body: Buffer | string | undefined;
    if (method !== "GET" && method !== "HEAD" && r.chance(0.9)) {
      const kind = r.next();
      if (route.includes("upload") || route === "/login" ? kind < 0.6 : kind < 0.1) {
        const m = multipartBody(r);
        body = m.body;
        h["content-type"] = m.type;
      } else if (route === "/login" && kind < 0.8) {
        body = r.pick(["username=admin&password=pass1234", "username=&password=", "username=a&username=b", "password=" + "x".repeat(5000), "%%%"]);
        h["content-type"] = "application/x-www-form-urlencoded";
      } else {
        body = jsonBody(r, route, stored);
        h["content-type"] = r.pick(["application/json", "application/json", "application/json; charset=utf-16", "text/plain", "application/x-www-form-urlencoded", "garbage/type"]);
      }
    }
    out.push({ method, path: mutatePath(r, route, stored), headers: h, body });
  }
  return out;
}

/** Sends the requests, `PARALLEL` at a time; returns every one that got a 5xx or no answer. */
async function fuzz(base: string, seed: number, count: number, cookie: string | null, stored: string[]) {
  const requests = generate(seed, count, new URL(base).origin, cookie, stored);
  const agent = false as const;
  const bad: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const idx = next++;
      const req = requests[idx];
      (globalThis as any).LOG.push(`start ${idx} ${req.method} ${req.path.slice(0,80)} ${JSON.stringify(req.headers).slice(0,150)} ${String(req.body ?? "").length} ${String(req.body ?? "").slice(0,80)}`);
      const out = await send(base, agent, req);
      (globalThis as any).LOG.push(`end ${idx} ${out.status} ${out.error ?? ""}`);
      statuses.set(out.status, (statuses.get(out.status) ?? 0) + 1);
      // A server may close the connection after refusing a body early (413, 400): that is an answer, not a crash.
      const earlyClose = out.status === 0 && req.body !== undefined && (out.error === "ECONNRESET" || out.error === "EPIPE");
      if (out.status >= 500 || (out.status === 0 && !earlyClose)) {
        bad.push(
          `${req.method} ${req.path.slice(0, 120)} ${JSON.stringify(req.headers).slice(0, 200)} body=${String(req.body ?? "").slice(0, 120)} → ${out.status} ${out.error ?? ""} ${out.body.slice(0, 200)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  if (process.env.FUZZ_VERBOSE) console.log(seed, Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])));
  return { bad, statuses };
}

function fuzzApp(flaggingDir: string) {
  const fn = (text: string, n: number | null, flag: boolean, choice: string | null, file: string | null, history: string[] = []) => {
    const next = [...history, text.slice(0, 20)].slice(-5);
    return [`${text.length}|${n}|${flag}|${choice}|${file === null ? "-" : path.basename(file)}`, { n, turns: next.length }, next];
  };
  return new tr.Interface({
    fn,
    inputs: ["text", "number", "checkbox", new tr.Dropdown({ choices: ["a", "b"] }), "file", "state"],
    outputs: ["text", "json", "state"],
    flaggingDir,
  });
}

async function uploadOne(base: string, cookie: string | null): Promise<string> {
  const form = new FormData();
  form.append("files", new Blob(["fuzz seed file"]), "seed.txt");
  const res = await fetch(`${base}/gradio_api/upload`, { method: "POST", body: form, headers: cookie ? { cookie } : {} });
  expect(res.status).toBe(200);
  return ((await res.json()) as string[])[0];
}

(globalThis as any).LOG = [];
afterAll(async () => { (await import("node:fs")).writeFileSync("/tmp/fuzzlog.txt", (globalThis as any).LOG.join("\n")); });
describe("fuzz", () => {
  let open: Awaited<ReturnType<typeof start>>;
  let locked: Awaited<ReturnType<typeof start>>;
  let dir: string;
  beforeAll(async () => {
    const { mkdtemp } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    dir = await mkdtemp(path.join(tmpdir(), "tradio-fuzz-"));
    open = await start(fuzzApp(path.join(dir, "open")));
    locked = await start(fuzzApp(path.join(dir, "locked")), { auth: ["admin", "pass1234"] });
  });
  afterAll(async () => {
    await open?.close();
    await locked?.close();
    const { rm } = await import("node:fs/promises");
    await rm(dir, { recursive: true, force: true });
  });

  it(`answers ${PER_APP} random requests without login without a 5xx, then serves @gradio/client`, { timeout: 180_000 }, async () => {
    const stored = [await uploadOne(open.base, null)];
    const { bad, statuses } = await fuzz(open.base, SEED, PER_APP, null, stored);
    expect(bad, `seed ${SEED}`).toEqual([]);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(PER_APP / 20); // the fuzz also reaches the happy paths
    const client = await connect(open.base);
    const result = await client.predict("/predict", ["after", 2, true, "b", handle_file(Buffer.from("x"))]);
    expect((result.data as unknown[])[0]).toMatch(/^5\|2\|true\|b\|/);
  });

  it(`answers ${PER_APP} random requests, with and without a login cookie, without a 5xx, then serves @gradio/client`, { timeout: 180_000 }, async () => {
    const login = await fetch(`${locked.base}/login`, { method: "POST", body: new URLSearchParams({ username: "admin", password: "pass1234" }) });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
    const stored = [await uploadOne(locked.base, cookie)];
    const half = Math.floor(PER_APP / 2);
    const withLogin = await fuzz(locked.base, SEED + 1, half, cookie, stored);
    const without = await fuzz(locked.base, SEED + 2, PER_APP - half, null, stored);
    expect([...withLogin.bad, ...without.bad], `seed ${SEED}`).toEqual([]);
    expect(without.statuses.get(401) ?? 0).toBeGreaterThan(0);
    // The fuzz's own login attempts may have used up this address's login rate limit: the session made
    // before it still works, and a new login is refused with 429 at worst.
    const relogin = await fetch(`${locked.base}/login`, { method: "POST", body: new URLSearchParams({ username: "admin", password: "pass1234" }) });
    expect([200, 429]).toContain(relogin.status);
    const client = await connect(locked.base, { cookies: cookie });
    const result = await client.predict("/predict", ["after", 2, false, "a", handle_file(Buffer.from("x"))]);
    expect((result.data as unknown[])[0]).toMatch(/^5\|2\|false\|a\|/);
  });
});
