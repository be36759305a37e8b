// The attacks of the [hardening] issue at CI scale, against an app in its own process so that memory
// and event-loop figures are the server's alone. Bounds are loose (a loaded 2-CPU machine must pass)
// but each fails on the old behaviour: there a queue flood was refused nothing and every unattached
// session buffered every rank update forever, big state grew without bound, and so on (see each case).
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { Agent, request } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { post, start } from "./helpers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MiB = 2 ** 20;
const linux = existsSync("/proc/self/status");

interface Stats {
  rss: number;
  peakRss: number;
  heap: number;
  loopMaxMs: number;
  calls: number;
}

/** The fixture app in a child process, with launch options; `stats()` asks it for its figures. */
async function spawnApp(app: "echo" | "state", options: object = {}, env: Record<string, string> = {}) {
  const child: ChildProcess = fork(path.join(root, "test", "fixtures", "adversarial-app.ts"), [], {
    cwd: root,
    execArgv: ["--import", "tsx", "--expose-gc"],
    env: { ...process.env, ...env, TRADIO_TEST_APP: app, TRADIO_TEST_OPTIONS: JSON.stringify(options) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the app exited (${code})`));
      child.once("exit", exited);
      child.once("message", (m) => {
        child.off("exit", exited);
        resolve(m as T);
      });
    });
  const { port } = await next<{ port: number }>();
  return {
    base: `http://127.0.0.1:${port}`,
    stats: () => (child.send("stats"), next<Stats>()),
    resetLoop: () => (child.send("reset-loop"), next<string>()),
    close: () => child.kill(),
  };
}

/** A keep-alive agent so thousands of requests do not use thousands of ports. */
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
afterAll(() => agent.destroy());

function send(base: string, method: string, route: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: route, method, headers, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const join = (base: string, i: number, from: string) =>
  send(base, "POST", "/gradio_api/queue/join", { "content-type": "application/json", "x-forwarded-for": from }, JSON.stringify({ data: [`flood ${i}`], fn_index: 0, session_hash: `flood${i}` }));

/** GET /config every 25 ms until `stop` resolves; the latencies. */
async function probeConfig(base: string, stop: Promise<unknown>): Promise<number[]> {
  let done = false;
  void stop.then(() => (done = true));
  const latencies: number[] = [];
  while (!done) {
    const t = performance.now();
    await send(base, "GET", "/config", {});
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 25));
  }
  return latencies;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Frames of one session's event stream that arrive within `ms` of opening it. */
async function framesWithin(base: string, session: string, ms: number): Promise<any[]> {
  const controller = new AbortController();
  const res = await fetch(`${base}/gradio_api/queue/data?session_hash=${session}`, { signal: controller.signal });
  const seen: any[] = [];
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.startsWith("data: ")) seen.push(JSON.parse(frame.slice(6)));
      }
    }
  } catch (err) {
    if ((err as Error).name !== "AbortError") throw err;
  } finally {
    clearTimeout(timer);
  }
  return seen;
}

describe.runIf(linux)("a queue flood (finding 1): joins whose streams never open", () => {
  let app: Awaited<ReturnType<typeof spawnApp>>;
  beforeAll(async () => {
    // Calls of 1 s at concurrency 1 (the default), so jobs start, and ranks change, all through the
    // flood, yet few finish. maxPerClient 500 instead of 2,000 so that one address's part of the flood
    // arrives well within attachTimeout (30 s, the default) even on a slow machine; every other limit
    // is the default.
    app = await spawnApp("echo", { queue: { maxPerClient: 500 } }, { TRADIO_TEST_DELAY_MS: "1000" });
  }, 60_000);
  afterAll(() => app?.close());

  it(
    "3,000 joins: past maxPerClient from one address get 429, nobody's buffer grows, the unattached are abandoned, memory and /config stay small",
    async () => {
      const idle = await app.stats();
      await app.resetLoop();
      const flooding = (async () => {
        const statuses: Record<number, number> = {};
        const tally = (s: number) => (statuses[s] = (statuses[s] ?? 0) + 1);
        // 600 from one address (its bound is 500), then 2,400 from 24 others.
        let next = 0;
        const worker = async () => {
          for (let i = next++; i < 3000; i = next++) tally((await join(app.base, i, i < 600 ? "203.0.113.1" : `198.51.100.${1 + (i % 24)}`)).status);
        };
        await Promise.all(Array.from({ length: 32 }, worker));
        return statuses;
      })();
      const latencies = probeConfig(app.base, flooding);
      const statuses = await flooding;
      // The one address's calls waiting or running are bounded by 500: the excess is refused, not
      // queued (a few of its calls may have finished meanwhile, giving room back).
      expect(statuses[429]).toBeGreaterThanOrEqual(10);
      expect(statuses[429]).toBeLessThanOrEqual(100);
      expect(statuses[200] + statuses[429]).toBe(3000);
      const accepted = statuses[200];

      // A session that attaches late gets what it needs, the latest rank, not every rank update sent
      // while it was away (the old channel buffered them all: one per start of a job, growing with the
      // square of the queue). Session flood2999 joined last and waits 6 s more, through at least five
      // job starts and their updates; within 300 ms of attaching it hears the latest, and at most a
      // live update or two.
      const before = await app.stats();
      await new Promise((r) => setTimeout(r, 6000));
      expect((await app.stats()).calls - before.calls).toBeGreaterThanOrEqual(4);
      const late = await framesWithin(app.base, "flood2999", 300);
      const estimations = late.filter((f) => f.msg === "estimation");
      expect(estimations.length).toBeGreaterThanOrEqual(1);
      expect(estimations.length).toBeLessThanOrEqual(3);

      // Sessions nobody attached to are abandoned after attachTimeout: their calls are cancelled (calls
      // stop, far short of the accepted ones) and the session is forgotten.
      let after = await app.stats();
      let later = after;
      for (let waited = 0; waited < 60_000; waited += 1500) {
        await new Promise((r) => setTimeout(r, 1500));
        later = await app.stats();
        if (later.calls === after.calls) break;
        after = later;
      }
      expect(later.calls).toBe(after.calls);
      expect(later.calls).toBeLessThan(accepted / 2);
      const gone = await framesWithin(app.base, "flood1000", 500);
      expect(gone.map((f) => (f.session_not_found ? "session_not_found" : f.msg))).toEqual(["session_not_found", "close_stream"]);

      // Memory: the old server grew by gigabytes under 20,000 such joins; here the whole flood costs
      // tens of MB at its peak, and the heap comes back once the sessions are abandoned.
      expect(later.peakRss - idle.rss).toBeLessThan(200 * MiB);
      expect(later.heap - idle.heap).toBeLessThan(30 * MiB);
      // /config kept answering during the flood (11.9 s at the old server's worst); loose bounds.
      const answered = await latencies;
      expect(answered.length).toBeGreaterThan(5);
      expect(median(answered)).toBeLessThan(1000);
      expect(after.loopMaxMs).toBeLessThan(3000);
    },
    180_000,
  );
});

describe.runIf(linux)("big session state (finding 5)", () => {
  let app: Awaited<ReturnType<typeof spawnApp>>;
  beforeAll(async () => {
    app = await spawnApp("state", { stateMaxBytes: 32 * MiB, stateSessionMaxBytes: 8 * MiB });
  }, 60_000);
  afterAll(() => app?.close());

  it(
    "60 sessions of 2 MB messages keep the state within stateMaxBytes; one session past stateSessionMaxBytes gets 422",
    async () => {
      const idle = await app.stats();
      const message = "m".repeat(2 * MiB);
      const say = (session: string) => send(app.base, "POST", "/gradio_api/run/predict", { "content-type": "application/json" }, JSON.stringify({ data: [message, null], session_hash: session }));
      for (let i = 0; i < 60; i++) expect((await say(`big${i}`)).status).toBe(200);
      // Kept whole, the state alone would be 120 MB (and 1.5 GB at the scale); bounded by bytes,
      // at most 32 MB of it stays.
      const stats = await app.stats();
      expect(stats.heap - idle.heap).toBeLessThan(80 * MiB);
      // One session growing past 8 MB: the call that would keep more (a fourth 2 MB message, with the
      // history's overhead) is refused and the session starts again.
      const answers: number[] = [];
      for (let i = 0; i < 5; i++) answers.push((await say("greedy")).status);
      expect(answers).toEqual([200, 200, 200, 422, 200]);
    },
    120_000,
  );
});

describe("the other abuse cases, at CI scale", () => {
  it("slow uploads (finding 6): 40 trickling uploads from one address hold at most 10 connections, and others still get in", async () => {
    const app = await start(new tr.Interface({ fn: (f: string | null) => f ?? "", inputs: "file", outputs: "text" }), { trustProxy: true });
    const sockets: import("node:net").Socket[] = [];
    try {
      const { connect } = await import("node:net");
      const url = new URL(app.base);
      let closed = 0;
      for (let i = 0; i < 40; i++) {
        const s = connect(Number(url.port), url.hostname);
        sockets.push(s);
        s.on("error", () => {}); // a refused connection may be reset before its 429 is read
        s.on("close", () => closed++);
        s.resume();
        s.write(
          `POST /gradio_api/upload HTTP/1.1\r\nHost: ${url.host}\r\nX-Forwarded-For: 203.0.113.9\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nx`,
        );
      }
      // Past 10 in progress they are answered 429 and closed at once (the old server held all 40, for
      // as long as the client cared to trickle); the 10 stay open, as uploads in progress.
      await expect.poll(() => closed, { timeout: 10_000 }).toBe(30);
      await new Promise((r) => setTimeout(r, 500));
      expect(closed).toBe(30);
      // Another address uploads normally meanwhile.
      const form = new FormData();
      form.append("files", new Blob(["hello"]), "hello.txt");
      const other = await fetch(`${app.base}/gradio_api/upload`, { method: "POST", body: form, headers: { "x-forwarded-for": "198.51.100.20" } });
      expect(other.status).toBe(200);
      expect((await fetch(`${app.base}/config`)).status).toBe(200);
    } finally {
      for (const s of sockets) s.destroy();
      await app.close();
    }
  }, 60_000);

  it("deep JSON (finding 10): 50 bodies of 5,000 nested arrays get 422 and the server keeps answering", async () => {
    const app = await start(new tr.Interface({ fn: (v: unknown) => v, inputs: "json", outputs: "json" }));
    try {
      const deep = `{"data":[${"[".repeat(5000)}1${"]".repeat(5000)}]}`;
      const answers = await Promise.all(Array.from({ length: 50 }, () => post(app.base, "/gradio_api/run/predict", deep)));
      expect(new Set(answers.map((a) => `${a.status} ${a.json.code}`))).toEqual(new Set(["422 TR_ERR_TOO_COMPLEX"]));
      const joined = await post(app.base, "/gradio_api/queue/join", `{"data":[${"[".repeat(5000)}1${"]".repeat(5000)}],"fn_index":0,"session_hash":"deep1"}`);
      expect([joined.status, joined.json.code]).toEqual([422, "TR_ERR_TOO_COMPLEX"]);
      expect((await post(app.base, "/gradio_api/run/predict", { data: [[[1]]] })).json.data).toEqual([[[1]]]);
    } finally {
      await app.close();
    }
  });

  it("interpretation cost (finding 4): a 1,000-word text is refused before any call; a 300-word one leaves /config answering", async () => {
    let calls = 0;
    const fn = (text: string) => {
      calls++;
      const until = performance.now() + 2;
      while (performance.now() < until); // a synchronous model: 2 ms a call
      return { a: (text.length % 7) / 7, b: 1 - (text.length % 7) / 7 };
    };
    const app = await start(new tr.Interface({ fn, inputs: "text", outputs: "label", interpretation: "default" }));
    const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
    try {
      const refused = await post(app.base, "/gradio_api/run/interpret", { data: [words(1000)] });
      expect([refused.status, refused.json.code, calls]).toEqual([422, "TR_ERR_TOO_COMPLEX", 0]);
      // 301 calls of 2 ms: about 0.6 s of work. /config asked meanwhile is answered before it ends.
      const interpreted = post(app.base, "/gradio_api/run/interpret", { data: [words(300)] });
      await expect.poll(() => calls, { interval: 1 }).toBeGreaterThan(0);
      const config = await fetch(`${app.base}/config`);
      const callsWhenAnswered = calls;
      expect(config.status).toBe(200);
      expect((await interpreted).status).toBe(200);
      expect(calls).toBe(301);
      expect(callsWhenAnswered).toBeLessThan(301);
    } finally {
      await app.close();
    }
  });

  it("login lockout (finding 13): an attacker's 40 guesses from one address neither lock the real user out nor show who exists", async () => {
    const app = await start(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text" }), { auth: [["admin", "pass1234"]], trustProxy: true });
    const attempt = (username: string, password: string, from: string) =>
      fetch(`${app.base}/login`, { method: "POST", body: new URLSearchParams({ username, password }), headers: { "x-forwarded-for": from } });
    try {
      const guesses: number[] = [];
      for (let i = 0; i < 40; i++) guesses.push((await attempt(i % 2 ? "admin" : "nobody", `guess${i}`, "203.0.113.66")).status);
      expect(guesses.slice(0, 20)).toEqual(Array(20).fill(401));
      expect(guesses.slice(-5)).toEqual(Array(5).fill(429));
      const real = await attempt("admin", "pass1234", "198.51.100.7");
      expect(real.status).toBe(200);
      // A wrong password for a real name and for a made-up one are answered alike, body and headers.
      const [known, unknown] = await Promise.all([attempt("admin", "wrong", "198.51.100.8"), attempt("nobody", "wrong", "198.51.100.9")]);
      const shape = async (r: Response) => {
        const headers: string[] = [];
        r.headers.forEach((v, k) => k !== "date" && headers.push(`${k}: ${v}`));
        return { status: r.status, headers: headers.sort(), body: await r.text() };
      };
      expect(await shape(known)).toEqual(await shape(unknown));
    } finally {
      await app.close();
    }
  }, 60_000);

  it("flagging fills the disk (the audit's extra finding): one 4 MiB upload flagged 20 times, then 100,000-character rows from one address", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tradio-adv-flag-"));
    const iface = new tr.Interface({ fn: (f: string | null, note: string) => note, inputs: ["file", "text"], outputs: "text", flaggingDir: dir });
    const app = await start(iface, { trustProxy: true, maxStoreSize: 8 * MiB });
    const flag = (data: unknown[]) => post(app.base, "/gradio_api/run/flag", { data }, { "x-forwarded-for": "203.0.113.40" });
    try {
      const form = new FormData();
      form.append("files", new Blob([new Uint8Array(4 * MiB).fill(9)]), "big.bin");
      const [stored] = (await (await fetch(`${app.base}/gradio_api/upload`, { method: "POST", body: form })).json()) as string[];
      const file = { path: stored, meta: { _type: "gradio.FileData" } };
      for (let i = 0; i < 20; i++) expect((await flag([file, `n${i}`, `n${i}`, ""])).status).toBe(200);
      // The old server kept 20 copies (80 MiB); now one.
      expect(du(dir)).toBeLessThan(4 * MiB + 64 * 1024);
      // Long rows: the address gets its 60 flags a minute, then 429s, so the log cannot be flooded.
      const long = "y".repeat(99_999);
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) statuses.push((await flag([null, long, long, ""])).status);
      expect(statuses.slice(0, 40)).toEqual(Array(40).fill(200));
      expect(statuses.slice(40)).toEqual(Array(20).fill(429));
      expect(du(dir)).toBeLessThan(4 * MiB + 40 * 210_000);
      expect((await fetch(`${app.base}/config`)).status).toBe(200);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** Bytes of every file under a folder. */
function du(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
    const p = path.join(dir, e.name);
    return n + (e.isDirectory() ? du(p) : e.isFile() ? statSync(p).size : 0);
  }, 0);
}
