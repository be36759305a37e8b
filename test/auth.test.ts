import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { connect, start } from "./helpers.js";

const whoami = (text: string, ctx: tr.CallContext) => `${ctx.request.username}:${text}`;

async function login(base: string, username: string, password: string, headers: Record<string, string> = {}) {
  const body = new URLSearchParams({ username, password });
  const res = await fetch(base + "/login", { method: "POST", body, headers, redirect: "manual" });
  const cookie = res.headers.get("set-cookie") ?? "";
  return { status: res.status, setCookie: cookie, cookie: cookie.split(";")[0], json: await res.json().catch(() => null) };
}

describe("launch({ auth })", () => {
  let app: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    app = await start(new tr.Interface({ fn: whoami, inputs: "text", outputs: "text", title: "Who am I" }), {
      auth: [
        ["admin", "pass1234"],
        ["ada", "lovelace"],
      ],
      authMessage: "Ask <b>the admin</b>",
    });
  });
  afterAll(() => app.close());

  it("lets @gradio/client in with the right password and shows the user to the function", async () => {
    const client = await connect(app.base, { auth: ["admin", "pass1234"] });
    expect((await client.predict("/predict", ["hi"])).data).toEqual(["admin:hi"]);
  });

  it("gives @gradio/client its 'Invalid credentials' error for a wrong password", async () => {
    await expect(connect(app.base, { auth: ["admin", "wrong"] })).rejects.toThrow(/Invalid credentials/);
  });

  it("sets an HttpOnly, SameSite=Lax cookie with an expiry, Secure behind https", async () => {
    const plain = await login(app.base, "ada", "lovelace");
    expect(plain.status).toBe(200);
    expect(plain.json).toEqual({ success: true });
    expect(plain.setCookie).toMatch(/HttpOnly/i);
    expect(plain.setCookie).toMatch(/SameSite=Lax/i);
    expect(plain.setCookie).toMatch(/Max-Age=604800/);
    expect(plain.setCookie).not.toMatch(/Secure/i);
    expect(plain.cookie.split("=")[1]).toHaveLength(43); // 32 random bytes, base64url
    const proxied = await login(app.base, "ada", "lovelace", { "x-forwarded-proto": "https" });
    expect(proxied.setCookie).toMatch(/Secure/i);
  });

  it("accepts multipart logins and refuses wrong ones with 401 and a message", async () => {
    const form = new FormData();
    form.append("username", "ada");
    form.append("password", "lovelace");
    expect((await fetch(app.base + "/login", { method: "POST", body: form })).status).toBe(200);
    const bad = await login(app.base, "ada", "babbage");
    expect(bad.status).toBe(401);
    expect(bad.json.code).toBe("TR_ERR_LOGIN_FAILED");
    const missing = await fetch(app.base + "/login", { method: "POST", body: new URLSearchParams({ username: "ada" }) });
    expect(missing.status).toBe(400);
  });

  const guarded: [string, string, unknown?][] = [
    ["GET", "/config"],
    ["GET", "/gradio_api/info"],
    ["POST", "/gradio_api/queue/join", { data: ["x"], fn_index: 0, session_hash: "abc" }],
    ["GET", "/gradio_api/queue/data?session_hash=abc"],
    ["POST", "/gradio_api/run/predict", { data: ["x"] }],
    ["POST", "/gradio_api/upload"],
    ["GET", "/gradio_api/file=/etc/hostname"],
    ["POST", "/gradio_api/cancel", { event_id: "x", session_hash: "abc" }],
    ["GET", "/gradio_api/nonexistent"],
  ];

  it("refuses every route without a valid token: none, forged, or revoked by logout", async () => {
    const session = await login(app.base, "admin", "pass1234");
    const logout = await fetch(app.base + "/logout", { headers: { cookie: session.cookie }, redirect: "manual" });
    expect(logout.status).toBe(302);
    expect(logout.headers.get("set-cookie")).toMatch(/Expires=Thu, 01 Jan 1970/);
    const name = session.cookie.split("=")[0];
    for (const cookie of [undefined, `${name}=forged-token-value`, session.cookie]) {
      for (const [method, path, body] of guarded) {
        const headers: Record<string, string> = cookie ? { cookie } : {};
        if (body) headers["content-type"] = "application/json";
        const res = await fetch(app.base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
        expect([cookie ? "with cookie" : "no cookie", path, res.status]).toEqual([cookie ? "with cookie" : "no cookie", path, 401]);
        const json = await res.json();
        expect(json.detail.auth_message).toBe("Ask <b>the admin</b>");
        // The app's title, so the login page can name what it protects.
        expect(json.detail.title).toBe("Who am I");
      }
    }
  });

  it("serves the page and the login route without a token", async () => {
    expect((await fetch(app.base + "/")).status).toBe(200);
  });

  it("keeps state apart for two users who send the same session hash", async () => {
    const chat = (m: string, h: string[] = []) => [[...h, m].join(","), [...h, m]];
    const stateful = await start(new tr.Interface({ fn: chat, inputs: ["text", "state"], outputs: ["text", "state"] }), {
      auth: [
        ["a", "1"],
        ["b", "2"],
      ],
    });
    try {
      const a = await connect(stateful.base, { auth: ["a", "1"], session_hash: "sharedhash" });
      const b = await connect(stateful.base, { auth: ["b", "2"], session_hash: "sharedhash" });
      await a.predict("/predict", ["a1"]);
      expect((await b.predict("/predict", ["b1"])).data).toEqual(["b1"]);
      expect((await a.predict("/predict", ["a2"])).data).toEqual(["a1,a2"]);
    } finally {
      await stateful.close();
    }
  });
});

describe("auth forms and limits", () => {
  it("takes a check function, sync or async", async () => {
    const app = await start(new tr.Interface({ fn: whoami, inputs: "text", outputs: "text" }), {
      auth: async (u: string, p: string) => u === "fn" && p === "ok",
    });
    try {
      expect((await login(app.base, "fn", "ok")).status).toBe(200);
      expect((await login(app.base, "fn", "no")).status).toBe(401);
    } finally {
      await app.close();
    }
  });

  it("validates the auth option", async () => {
    const iface = new tr.Interface({ fn: whoami, inputs: "text", outputs: "text" });
    await expect(iface.launch({ port: 0, quiet: true, auth: [["only-user"]] as any })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /"auth"/);
    await expect(iface.launch({ port: 0, quiet: true, auth: ["u", ""] })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /"auth"/);
  });

  it("rate-limits login attempts per (address, username) pair and per address with 429 and a retry time", async () => {
    const app = await start(new tr.Interface({ fn: whoami, inputs: "text", outputs: "text" }), { auth: ["admin", "pass1234"] });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await login(app.base, "admin", `guess${i}`)).status);
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      const limited = await fetch(app.base + "/login", { method: "POST", body: new URLSearchParams({ username: "ADMIN", password: "x" }) });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
      expect((await limited.json()).code).toBe("TR_ERR_RATE_LIMITED");
      // Per address too: many usernames from one client hit the address limit (30 a minute).
      const more: number[] = [];
      for (let i = 0; i < 20; i++) more.push((await login(app.base, `user${i}`, "x")).status);
      expect(more.slice(0, 18)).toEqual(Array(18).fill(401));
      expect(more.slice(18)).toEqual([429, 429]);
    } finally {
      await app.close();
    }
  });
});
