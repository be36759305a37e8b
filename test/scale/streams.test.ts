// A session's event stream on a different process from the one that took its join (what a balancer
// without sticky sessions does), addressed directly so each case lands where it should.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post, rawGet } from "../helpers.js";
import { startCluster, type Cluster } from "./cluster.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const chatApp = path.resolve(here, "../fixtures/scale-app.ts");

type Frame = { msg: string; event_id?: string; success?: boolean; output?: { data?: unknown[]; error?: string } };
const framesOf = (body: string): Frame[] =>
  body
    .split("\n\n")
    .filter((b) => b.startsWith("data: "))
    .map((b) => JSON.parse(b.slice(6)) as Frame);

describe("a session's stream on another process than its join", { timeout: 120_000 }, () => {
  let cluster: Cluster;
  let a: string;
  let b: string;
  beforeAll(async () => {
    // A short attach timeout, so a joining process that kept waiting for the stream would cancel the call.
    cluster = await startCluster(chatApp, 2, { attachTimeout: 1 });
    [a, b] = cluster.procs.map((p) => `http://127.0.0.1:${p.port}`);
  }, 120_000);
  afterAll(() => cluster?.stop(), 60_000);

  const join = async (base: string, session: string, text: string, tokens: number) => {
    const r = await post(base, "/gradio_api/queue/join", { data: [text, tokens, null], fn_index: 0, session_hash: session });
    expect(r.status).toBe(200);
    return r.json.event_id as string;
  };

  it("replays a call that finished before the stream opened elsewhere", async () => {
    const id = await join(a, "late1", "hello", 3);
    await new Promise((r) => setTimeout(r, 600));
    const frames = framesOf((await rawGet(b, "/gradio_api/queue/data?session_hash=late1")).body);
    const done = frames.find((f) => f.msg === "process_completed" && f.event_id === id);
    expect(done?.success).toBe(true);
    expect(String(done?.output?.data?.[0]).split("|")[1]).toBe("hello");
    expect(frames.at(-1)?.msg).toBe("close_stream");
  });

  it("streams a long call joined on A from B, past A's attach timeout, and ends when it ends", async () => {
    const id = await join(a, "long1", "abcdefghijklmnopqrst", 150); // about 1.5 s of tokens
    const frames = framesOf((await rawGet(b, "/gradio_api/queue/data?session_hash=long1")).body);
    expect(frames.filter((f) => f.msg === "process_generating" && f.event_id === id).length).toBeGreaterThan(10);
    const done = frames.find((f) => f.msg === "process_completed");
    expect(done?.success).toBe(true);
    expect(String(done?.output?.data?.[0]).split("|")[1]).toBe("abcdefghijklmnopqrst");
    expect(frames.at(-1)?.msg).toBe("close_stream");
  });

  it("one stream carries calls of the session joined on both processes, then closes", async () => {
    const ids = [await join(a, "both1", "x", 20), await join(b, "both1", "y", 20)];
    const frames = framesOf((await rawGet(b, "/gradio_api/queue/data?session_hash=both1")).body);
    const completed = frames.filter((f) => f.msg === "process_completed");
    expect(completed.map((f) => f.event_id).sort()).toEqual([...ids].sort());
    expect(completed.every((f) => f.success)).toBe(true);
    expect(frames.at(-1)?.msg).toBe("close_stream");
  });

  it("a call whose stream opens nowhere is cancelled after the attach timeout by the process that joined it", async () => {
    const id = await join(a, "gone1", "never", 500); // about 5 s if it ran to the end
    await new Promise((r) => setTimeout(r, 1_800));
    const t0 = Date.now();
    const frames = framesOf((await rawGet(b, "/gradio_api/queue/data?session_hash=gone1")).body);
    const done = frames.find((f) => f.msg === "process_completed" && f.event_id === id);
    expect(done?.success).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it("a session unknown to every process still gets session-not-found", async () => {
    const frames = framesOf((await rawGet(b, "/gradio_api/queue/data?session_hash=nobody1")).body);
    expect(frames.map((f) => f.msg)).toEqual(["unexpected_error", "close_stream"]);
  });
});
