// Requests from other sites and other names: CORS, the cross-site check on state-changing routes, the
// Host check (DNS rebinding, Host spoofing), forwarded headers, security headers, redirects and RPC.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { hostAllowed } from "../src/server/security.js";
import { connect, raw, start } from "./helpers.js";


/** A request with any headers (Host and Origin included), as a browser or an attacker would send them. */

const json = { "content-type": "application/json" };
const echo = (s: string) => `echo:${s}`;
const newApp = () => new tr.Interface({ fn: echo, inputs: "text", outputs: "text", allowFlagging: "never" });
const predictBody = JSON.stringify({ data: ["hi"] });

describe("cross-site requests", () => {
  let app: Awaited<ReturnType<typeof start>>;
  let own: string;
  beforeAll(async () => {
    app = await start(newApp(), { allowedOrigins: ["https://site.example"] });
    own = new URL(app.base).origin;
  });
  afterAll(() => app.close());

  const post = (path: string, headers: Record<string, string>, body = predictBody) => raw(app.base, { method: "POST", path, headers: { ...json, ...headers }, body });

  it("refuses POSTs from other sites, null origins and cross-site fetches on every state-changing route", async () => {
    const routes: [string, string][] = [
      ["/gradio_api/run/predict", predictBody],
      ["/gradio_api/api/predict", predictBody],
      ["/gradio_api/queue/join", JSON.stringify({ data: ["hi"], fn_index: 0, session_hash: "abc" })],
      ["/gradio_api/cancel", JSON.stringify({ event_id: "x", session_hash: "abc" })],
      ["/gradio_api/reset", JSON.stringify({ event_id: "x" })],
      ["/gradio_api/upload", "{}"],
    ];
    const hostile: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: "http://127.0.0.1:1" }, // the same machine, another port: another origin
      { origin: "https://site.example.evil.example" },
      { origin: "garbage" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const [path, body] of routes) {
      for (const headers of hostile) {
        const r = await post(path, headers, body);
        expect([path, headers, r.status]).toEqual([path, headers, 403]);
        expect(JSON.parse(r.body).code).toBe("TR_ERR_FORBIDDEN");
      }
    }
  });

  it("lets the app's own page, allowed origins and clients without Origin through", async () => {
    const friendly: Record<string, string>[] = [{ origin: own }, { origin: "https://site.example" }, {}, { "sec-fetch-site": "same-origin" }, { "sec-fetch-site": "none" }];
    for (const headers of friendly) {
      const r = await post("/gradio_api/run/predict", headers);
      expect([headers, r.status]).toEqual([headers, 200]);
      expect(JSON.parse(r.body).data).toEqual(["echo:hi"]);
    }
    const client = await connect(app.base);
    expect((await client.predict("/predict", ["node"])).data).toEqual(["echo:node"]);
  });

  it("gives CORS headers with credentials to allowed origins only, never a wildcard", async () => {
    const allowed = await raw(app.base, { path: "/config", headers: { origin: "https://site.example" } });
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://site.example");
    expect(allowed.headers["access-control-allow-credentials"]).toBe("true");
    expect(allowed.headers.vary).toMatch(/Origin/);
    for (const origin of ["https://evil.example", "null"]) {
      const r = await raw(app.base, { path: "/config", headers: { origin } });
      expect(r.status).toBe(200); // a GET is harmless; the browser just may not read it
      expect(r.headers["access-control-allow-origin"]).toBeUndefined();
    }
    const preflight = await raw(app.base, {
      method: "OPTIONS",
      path: "/gradio_api/run/predict",
      headers: { origin: "https://site.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("https://site.example");
    expect(preflight.headers["access-control-allow-methods"]).toMatch(/POST/);
    const refused = await raw(app.base, {
      method: "OPTIONS",
      path: "/gradio_api/run/predict",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
    expect(refused.headers["access-control-allow-credentials"]).toBeUndefined();
    expect(refused.status).toBe(404);
  });

  it("answers no CORS at all by default (same origin only)", async () => {
    const plain = await start(newApp());
    try {
      const r = await raw(plain.base, { path: "/config", headers: { origin: "https://site.example" } });
      expect(r.headers["access-control-allow-origin"]).toBeUndefined();
      expect((await raw(plain.base, { method: "POST", path: "/gradio_api/run/predict", headers: { ...json, origin: "https://site.example" }, body: predictBody })).status).toBe(403);
    } finally {
      await plain.close();
    }
  });

  it("refuses a wildcard or a malformed origin in allowedOrigins at launch", async () => {
    await expect(start(newApp(), { allowedOrigins: ["*"] })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /allowedOrigins/);
    await expect(start(newApp(), { allowedOrigins: ["https://site.example/path"] })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /allowedOrigins/);
    await expect(start(newApp(), { allowedOrigins: ["site.example"] })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /allowedOrigins/);
  });
});

describe("a login app and cross-site requests", () => {
  let app: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    app = await start(newApp(), { auth: ["admin", "pass1234"] });
  });
  afterAll(() => app.close());

  it("refuses a cross-site login form (login CSRF) and takes the page's own", async () => {
    const body = new URLSearchParams({ username: "admin", password: "pass1234" }).toString();
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const evil = await raw(app.base, { method: "POST", path: "/login", headers: { ...form, origin: "https://evil.example" }, body });
    expect(evil.status).toBe(403);
    expect(evil.headers["set-cookie"]).toBeUndefined();
    const own = await raw(app.base, { method: "POST", path: "/login", headers: { ...form, origin: new URL(app.base).origin }, body });
    expect(own.status).toBe(200);
    const cookie = String(own.headers["set-cookie"]).split(";")[0];
    // Even with a valid cookie (say, sent by an old browser), a cross-site run is refused.
    const run = await raw(app.base, { method: "POST", path: "/gradio_api/run/predict", headers: { ...json, cookie, origin: "https://evil.example" }, body: predictBody });
    expect(run.status).toBe(403);
    const mine = await raw(app.base, { method: "POST", path: "/gradio_api/run/predict", headers: { ...json, cookie }, body: predictBody });
    expect(mine.status).toBe(200);
  });

  it("refuses a cross-site logout link (logout CSRF): the login stays valid", async () => {
    const body = new URLSearchParams({ username: "admin", password: "pass1234" }).toString();
    const login = await raw(app.base, { method: "POST", path: "/login", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    const cookie = String(login.headers["set-cookie"]).split(";")[0];
    const evil = await raw(app.base, { path: "/logout", headers: { cookie, "sec-fetch-site": "cross-site" } });
    expect(evil.status).toBe(403);
    const still = await raw(app.base, { method: "POST", path: "/gradio_api/run/predict", headers: { ...json, cookie }, body: predictBody });
    expect(still.status).toBe(200);
    const own = await raw(app.base, { path: "/logout", headers: { cookie, "sec-fetch-site": "same-origin" } });
    expect(own.status).toBe(302);
    const after = await raw(app.base, { method: "POST", path: "/gradio_api/run/predict", headers: { ...json, cookie }, body: predictBody });
    expect(after.status).toBe(401);
  });

  it("redirects only inside the app after logout", async () => {
    for (const path of ["/logout", "/logout?next=https://evil.example", "/logout?redirect=//evil.example"]) {
      const r = await raw(app.base, { path });
      expect(r.status).toBe(302);
      expect(r.headers.location).toBe("/");
    }
  });
});

describe("the Host check and forwarded headers", () => {
  let app: Awaited<ReturnType<typeof start>>;
  let port: string;
  beforeAll(async () => {
    app = await start(newApp(), { allowedHosts: ["app.example", ".corp.example"] });
    port = new URL(app.base).port;
  });
  afterAll(() => app.close());

  it("answers IP addresses, localhost and listed names; refuses others (DNS rebinding) with 403", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "app.example", `APP.example:${port}`, "corp.example", "a.corp.example", "x.localhost"]) {
      const r = await raw(app.base, { path: "/config", headers: { host } });
      expect([host, r.status]).toEqual([host, 200]);
    }
    for (const host of [`evil.example:${port}`, "app.example.evil.example", "evilcorp.example", "a b", "bad_host!", "app.example@evil.example"]) {
      const r = await raw(app.base, { path: "/config", headers: { host } });
      expect([host, r.status]).toEqual([host, 403]);
    }
    // A rebinding page sends its own name as Host and as Origin: same-origin in the browser's eyes, refused here.
    const rebound = await raw(app.base, {
      method: "POST",
      path: "/gradio_api/run/predict",
      headers: { ...json, host: `rebind.evil.example:${port}`, origin: `http://rebind.evil.example:${port}` },
      body: predictBody,
    });
    expect(rebound.status).toBe(403);
    const reboundBody = JSON.parse(rebound.body);
    expect(reboundBody.code).toBe("TR_ERR_FORBIDDEN");
    expect(reboundBody.error).toMatch(/"rebind\.evil\.example".*allowedHosts/);
  });

  it("builds URLs from the checked Host, and ignores X-Forwarded-* unless trustProxy is set", async () => {
    const r = await raw(app.base, { path: "/config", headers: { host: "app.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" } });
    expect(JSON.parse(r.body).root).toBe("http://app.example");
    const proxied = await start(newApp(), { trustProxy: true, allowedHosts: ["public.example"] });
    try {
      const viaProxy = await raw(proxied.base, { path: "/config", headers: { "x-forwarded-host": "public.example", "x-forwarded-proto": "https" } });
      expect(JSON.parse(viaProxy.body).root).toBe("https://public.example");
      // The forwarded name is the one checked.
      const spoofed = await raw(proxied.base, { path: "/config", headers: { "x-forwarded-host": "evil.example" } });
      expect(spoofed.status).toBe(403);
      // Same-origin through the proxy: the browser's Origin names the public site.
      const post = await raw(proxied.base, {
        method: "POST",
        path: "/gradio_api/run/predict",
        headers: { ...json, "x-forwarded-host": "public.example", "x-forwarded-proto": "https", origin: "https://public.example" },
        body: predictBody,
      });
      expect(post.status).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it("matches host names exactly, domains with a leading dot, and '*' for any", () => {
    expect(hostAllowed("app.example:80", ["app.example"])).toBe(true);
    expect(hostAllowed("xapp.example", ["app.example"])).toBe(false);
    expect(hostAllowed("a.b.corp.example", [".corp.example"])).toBe(true);
    expect(hostAllowed("anything.example", ["*"])).toBe(true);
    expect(hostAllowed("10.0.0.7:7860", [])).toBe(true);
    expect(hostAllowed("localhost.evil.example", [])).toBe(false);
    expect(hostAllowed(undefined, ["*"])).toBe(false);
  });

  it("answers to the name it listens on, and refuses bad allowedHosts entries", async () => {
    const named = await start(newApp(), { host: "localhost" });
    try {
      expect((await fetch(`${named.base}/config`)).status).toBe(200);
    } finally {
      await named.close();
    }
    await expect(start(newApp(), { allowedHosts: ["https://app.example"] })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /allowedHosts/);
  });
});

describe("security headers", () => {
  let app: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    app = await start(newApp());
  });
  afterAll(() => app.close());

  it("sends nosniff on every response, and frame-ancestors 'self' and a referrer policy on everything GET serves, streams and errors included", async () => {
    const paths = ["/", "/config", "/gradio_api/info", "/gradio_api/nothing", "/gradio_api/file=/etc/passwd", "/gradio_api/queue/data?session_hash=none"];
    for (const path of paths) {
      const r = await raw(app.base, { path });
      expect(r.headers["x-content-type-options"], path).toBe("nosniff");
      expect(r.headers["content-security-policy"], path).toMatch(/frame-ancestors 'self'/);
      expect(r.headers["referrer-policy"], path).toBe("same-origin");
      expect(r.headers["x-frame-options"], path).toBeUndefined(); // frame-ancestors decides, so the author can widen it
    }
    // A POST answers with JSON, which nothing frames or navigates from: nosniff is the header that matters there.
    const answered = await raw(app.base, { method: "POST", path: "/gradio_api/run/predict", headers: json, body: predictBody });
    expect(answered.status).toBe(200);
    expect(answered.headers["x-content-type-options"]).toBe("nosniff");
    expect(answered.headers["content-type"]).toMatch(/^application\/json/);
    const refused = await raw(app.base, { method: "POST", path: "/gradio_api/run/predict", headers: { ...json, origin: "https://evil.example" }, body: predictBody });
    expect(refused.headers["x-content-type-options"]).toBe("nosniff");
    const wrongHost = await raw(app.base, { path: "/config", headers: { host: "evil.example" } });
    expect(wrongHost.headers["x-content-type-options"]).toBe("nosniff");
    // The page keeps other sites' windows away; files are not embeddable by other sites.
    expect((await raw(app.base, { path: "/" })).headers["cross-origin-opener-policy"]).toBe("same-origin");
    const form = new FormData();
    form.append("files", new Blob(["x"]), "x.txt");
    const [stored] = (await (await fetch(`${app.base}/gradio_api/upload`, { method: "POST", body: form })).json()) as string[];
    expect((await raw(app.base, { path: `/gradio_api/file=${stored}` })).headers["cross-origin-resource-policy"]).toBe("same-origin");
  });

  it("lets the author set frame-ancestors, and refuses a malformed one at launch", async () => {
    const embedded = await start(newApp(), { frameAncestors: "'self' https://embed.example" });
    try {
      const r = await raw(embedded.base, { path: "/" });
      expect(r.headers["content-security-policy"]).toBe("frame-ancestors 'self' https://embed.example");
      const file = await raw(embedded.base, { path: "/gradio_api/file=/etc/passwd" });
      expect(file.headers["content-security-policy"]).toMatch(/frame-ancestors 'self' https:\/\/embed\.example/);
    } finally {
      await embedded.close();
    }
    await expect(start(newApp(), { frameAncestors: "'self'; script-src *" })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /frameAncestors/);
    await expect(start(newApp(), { frameAncestors: "'none' 'self'" })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /frameAncestors/);
  });
});

describe("no open proxy, no reflective RPC, no open redirect", () => {
  it("has no component_server or proxy route, and the file route never fetches a URL", async () => {
    const hits: string[] = [];
    const target = createServer((req, res) => {
      hits.push(req.url ?? "");
      res.end("internal");
    });
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/secret`;
    const app = await start(newApp());
    try {
      for (const [method, path] of [
        ["POST", "/gradio_api/component_server"],
        ["POST", "/component_server"],
        ["GET", `/proxy=${targetUrl}`],
        ["GET", `/gradio_api/proxy=${targetUrl}`],
      ]) {
        const r = await raw(app.base, { method, path, headers: json, body: method === "POST" ? JSON.stringify({ fn_name: "read", data: "/etc/passwd", component_id: 1, session_hash: "a" }) : undefined });
        expect([path, r.status]).toEqual([path, 404]);
      }
      const viaFile = await raw(app.base, { path: `/gradio_api/file=${targetUrl}` });
      expect(viaFile.status).toBe(403);
      expect(viaFile.headers.location).toBeUndefined();
      expect(hits).toEqual([]);
    } finally {
      await app.close();
      await new Promise<void>((r) => target.close(() => r()));
    }
  });

  it("redirects a mounted app's bare prefix only to its own page", async () => {
    const server = Fastify();
    const iface = newApp();
    await server.register(async (f) => void (await tr.mountApp(f, iface, { prefix: "/app" })), { prefix: "/app" });
    await server.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    try {
      for (const [path, location] of [
        ["/app", "/app/"],
        ["/app?next=//evil.example", "/app/?next=//evil.example"],
      ]) {
        const r = await raw(base, { path });
        expect([path, r.status, r.headers.location]).toEqual([path, 302, location]);
      }
      // A mounted app's responses, its event stream included, carry the security headers too.
      for (const path of ["/app/config", "/app/gradio_api/queue/data?session_hash=none"]) {
        expect((await raw(base, { path })).headers["x-content-type-options"], path).toBe("nosniff");
      }
      for (const path of ["//evil.example/app", "/app//evil.example", "/app/..//evil.example"]) {
        const r = await raw(base, { path });
        const location = String(r.headers.location ?? "/");
        expect([path, location.startsWith("//") || location.startsWith("/\\") || /^[a-z]+:/i.test(location)]).toEqual([path, false]);
      }
    } finally {
      await server.close();
    }
  });
});
