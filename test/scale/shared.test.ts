// What processes launched with the same `redis` share: state, logins, MCP tokens, login rate limits and
// files. Two launches in this process stand in for two processes here (each its own server, stores and
// Redis connection); test/scale/cluster.test.ts does it with real processes behind nginx.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { RedisSessionStore } from "../../src/runtime/redis-sessions.js";
import { freePort, startRedis, type TestRedis } from "../redis-server.js";
import { post, start } from "../helpers.js";

let redis: TestRedis;
let filesDir: string;
beforeAll(async () => {
  redis = await startRedis();
  filesDir = mkdtempSync(path.join(tmpdir(), "tradio-shared-files-"));
});
afterAll(async () => {
  await redis?.stop();
  rmSync(filesDir, { recursive: true, force: true });
});

describe("RedisSessionStore", () => {
  let client: Redis;
  beforeAll(() => {
    client = new Redis(redis.url);
  });
  afterAll(() => client.quit());

  it("keeps what structured clone keeps: Maps, Sets, Dates, typed arrays, cycles", async () => {
    const store = new RedisSessionStore({ redis: client, namespace: "t1" });
    const cyclic: { self?: unknown; n: number } = { n: 1 };
    cyclic.self = cyclic;
    const value = { m: new Map([["a", 1]]), s: new Set([1, 2]), d: new Date(5), t: new Float32Array([1.5]), big: 10n, cyclic };
    await store.set("k", new Map<number, unknown>([[3, value], [4, "plain"]]));
    const back = (await store.get("k"))!;
    expect(back.get(4)).toBe("plain");
    const v = back.get(3) as typeof value;
    expect(v.m.get("a")).toBe(1);
    expect([...v.s]).toEqual([1, 2]);
    expect(v.d.getTime()).toBe(5);
    expect(v.t[0]).toBe(1.5);
    expect(v.big).toBe(10n);
    expect((v.cyclic.self as typeof cyclic).n).toBe(1);
    expect(await store.get("missing")).toBeUndefined();
    await store.delete("k");
    expect(await store.get("k")).toBeUndefined();
  });

  it("refuses a value it cannot serialise, naming the component, and keeps the old state", async () => {
    const store = new RedisSessionStore({ redis: client, namespace: "t2" });
    await store.set("k", new Map<number, unknown>([[7, 1]]));
    await expect(store.set("k", new Map<number, unknown>([[7, 2], [9, { f: () => 1 }]]))).rejects.toThrowCode("TR_ERR_STATE_UNSERIALISABLE", /component 9/);
    expect((await store.get("k"))!.get(7)).toBe(1);
  });

  it("drops a session idle past the TTL, and a read refreshes its age", async () => {
    let now = 1_000_000;
    const store = new RedisSessionStore({ redis: client, namespace: "t3", ttlMs: 60_000, clock: () => now });
    await store.set("a", new Map([[1, "a"]]));
    await store.set("b", new Map([[1, "b"]]));
    now += 40_000;
    expect(await store.get("a")).toBeDefined();
    now += 40_000; // a was read 40 s ago, b written 80 s ago
    expect(await store.get("b")).toBeUndefined();
    expect(await store.get("a")).toBeDefined();
  });

  it("evicts the least recently used past its capacity in sessions and in bytes, counted for every process", async () => {
    let now = 1;
    const one = new RedisSessionStore({ redis: client, namespace: "t4", capacity: 3, clock: () => now++ });
    const two = new RedisSessionStore({ redis: client, namespace: "t4", capacity: 3, clock: () => now++ });
    for (const k of ["a", "b", "c"]) await one.set(k, new Map([[1, k]]));
    await two.get("a"); // a is now the most recent
    await two.set("d", new Map([[1, "d"]]));
    expect(await one.get("b")).toBeUndefined();
    expect(await one.count()).toBe(3);
    for (const k of ["a", "c", "d"]) expect((await one.get(k))?.get(1)).toBe(k);

    const small = new RedisSessionStore({ redis: client, namespace: "t5", maxBytes: 5_000, clock: () => now++ });
    for (let i = 0; i < 10; i++) await small.set(`s${i}`, new Map([[1, "x".repeat(1000)]]));
    expect(await small.bytes()).toBeLessThanOrEqual(5_000);
    expect(await small.get("s9")).toBeDefined();
    expect(await small.get("s0")).toBeUndefined();
    await expect(small.set("huge", new Map([[1, "y".repeat(10_000)]]))).rejects.toThrowCode("TR_ERR_TOO_COMPLEX");
  });
});

function counter(message: string, history: string[] = []) {
  history.push(message);
  return [history.join(","), history];
}

describe("two processes on one Redis", () => {
  const launchBoth = async (make: () => tr.Interface<any, any>, opts: object = {}) => {
    const a = await start(make(), { redis: redis.url, filesDir, ...opts });
    const b = await start(make(), { redis: redis.url, filesDir, ...opts });
    return [a, b] as const;
  };

  it("share session state: calls alternating between them see one history", async () => {
    const [a, b] = await launchBoth(() => new tr.Interface({ fn: counter, inputs: ["text", "state"], outputs: ["text", "state"], allowFlagging: "never" }));
    try {
      for (const s of ["s1", "s2"]) {
        for (let i = 0; i < 6; i++) {
          const res = await post((i % 2 ? b : a).base, "/gradio_api/run/predict", { data: [`${s}-${i}`, null], session_hash: s });
          expect(res.json.data[0]).toBe(Array.from({ length: i + 1 }, (_, k) => `${s}-${k}`).join(","));
        }
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("fail a call whose state cannot be serialised with a code naming the component", async () => {
    const iface = () =>
      new tr.Interface({ fn: () => ["x", { callback: () => 1 }], inputs: ["text", new tr.State()], outputs: ["text", new tr.State()], allowFlagging: "never" });
    const [a, b] = await launchBoth(iface, { showError: true });
    try {
      const res = await post(a.base, "/gradio_api/run/predict", { data: ["x", null], session_hash: "bad" });
      expect(res.status).toBe(500);
      expect(res.json.code).toBe("TR_ERR_STATE_UNSERIALISABLE");
      expect(res.json.error).toMatch(/State \(component \d+\)/);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("share logins and logouts, MCP tokens, and login rate limits", async () => {
    const iface = () => new tr.Interface({ fn: (x: string) => x, inputs: "text", outputs: "text", allowFlagging: "never", title: "shared-login" });
    const [a, b] = await launchBoth(iface, { auth: [["ada", "lovelace"]], mcpServer: true, loginAttemptsPerMinute: { address: 6, username: 100 } });
    try {
      const login = (base: string, password: string) =>
        fetch(base + "/login", { method: "POST", body: new URLSearchParams({ username: "ada", password }), redirect: "manual" });
      const res = await login(a.base, "lovelace");
      expect(res.status).toBe(200);
      const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
      const config = (base: string) => fetch(base + "/config", { headers: { cookie } }).then((r) => r.status);
      expect(await config(b.base)).toBe(200);

      const made = await fetch(b.base + "/gradio_api/mcp/tokens", { method: "POST", headers: { cookie, "content-type": "application/json" }, body: JSON.stringify({ label: "agent" }) });
      const token = (await made.json()) as { id: string };
      const list = (await (await fetch(a.base + "/gradio_api/mcp/tokens", { headers: { cookie } })).json()) as { tokens: { id: string }[] };
      expect(list.tokens.map((t) => t.id)).toEqual([token.id]);
      expect((await fetch(`${a.base}/gradio_api/mcp/tokens/${token.id}`, { method: "DELETE", headers: { cookie } })).status).toBe(200);
      const after = (await (await fetch(b.base + "/gradio_api/mcp/tokens", { headers: { cookie } })).json()) as { tokens: unknown[] };
      expect(after.tokens).toEqual([]);

      expect((await fetch(b.base + "/logout", { headers: { cookie }, redirect: "manual" })).status).toBe(302);
      expect(await config(a.base)).toBe(401);
      expect(await config(b.base)).toBe(401);

      // 6 attempts a minute from this address, counted across both: 1 above, 5 more pass, the 7th is refused.
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(i % 2 ? a.base : b.base, "wrong")).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      expect((await login(a.base, "lovelace")).status).toBe(429);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("serve a file uploaded to one from the other, and take it as an input there", async () => {
    const iface = () => new tr.Interface({ fn: (f: string | null) => f, inputs: "file", outputs: "file", allowFlagging: "never", title: "shared-files" });
    const [a, b] = await launchBoth(iface);
    try {
      const form = new FormData();
      form.append("files", new Blob(["hello across processes"]), "note.txt");
      const up = await fetch(a.base + "/gradio_api/upload", { method: "POST", body: form });
      const [stored] = (await up.json()) as string[];
      const served = await fetch(`${b.base}/gradio_api/file=${stored}`);
      expect(served.status).toBe(200);
      expect(await served.text()).toBe("hello across processes");
      // And a run on the other takes it as an input.
      const res = await post(b.base, "/gradio_api/run/predict", { data: [{ path: stored, meta: { _type: "gradio.FileData" } }] });
      expect(res.status).toBe(200);
      expect(res.json.data[0].path).toBe(stored);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    // Closing both leaves the shared folder (and the file) for the next processes.
    const again = await start(iface(), { redis: redis.url, filesDir });
    try {
      const form = new FormData();
      form.append("files", new Blob(["second"]), "n.txt");
      expect((await fetch(again.base + "/gradio_api/upload", { method: "POST", body: form })).status).toBe(200);
    } finally {
      await again.close();
    }
  });

  it("refuse to start when Redis cannot be reached, naming its URL", async () => {
    const port = await freePort();
    const iface = new tr.Interface({ fn: (x: string) => x, inputs: "text", outputs: "text" });
    await expect(iface.launch({ port: 0, quiet: true, redis: `redis://127.0.0.1:${port}` })).rejects.toThrowCode("TR_ERR_REDIS_UNREACHABLE", new RegExp(`127\\.0\\.0\\.1:${port}`));
  });
});
