// A client that does not read its event stream: the server stops sending it streamed values (keeping
// the latest, sent whole once the client catches up) instead of buffering every one, and cuts a stream
// whose unread results pass MAX_BACKLOG_BYTES. What the client finally reads is still right.
import { get, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { MAX_BACKLOG_BYTES, MAX_UNREAD_BYTES } from "../src/server/channels.js";
import { connect, post, start } from "./helpers.js";

const MB = 1_000_000;
const STEPS = 40;
// Each value is 1 MB and unlike the one before (one letter repeated), so each update carries it whole.
const value = (i: number) => String.fromCharCode(97 + (i % 26)).repeat(MB);

let app: Awaited<ReturnType<typeof start>>;
let finished = 0;
beforeAll(async () => {
  const iface = new tr.Interface({
    fn: async function* (what: string) {
      if (what === "huge") {
        yield "h".repeat(16 * MB);
        return;
      }
      if (what === "big") {
        // One large result per call: nothing to drop, only to cut. Slow enough that every call of the
        // test is joined while the first is still running (the stream stays open meanwhile).
        await new Promise((r) => setTimeout(r, 1000));
        finished++;
        yield "z".repeat(6 * MB);
        return;
      }
      for (let i = 0; i < STEPS; i++) {
        await new Promise((r) => setTimeout(r, 60));
        yield value(i);
      }
      finished++;
    },
    inputs: "text",
    outputs: "text",
    concurrencyLimit: null,
  });
  app = await start(iface);
});
afterAll(async () => app?.close());

/** Opens the session's stream and reads nothing until told to; then collects every frame. */
function stalledStream(session: string) {
  let response!: IncomingMessage;
  const opened = new Promise<void>((resolve, reject) => {
    get(`${app.base}/gradio_api/queue/data?session_hash=${session}`, (res) => {
      response = res;
      res.pause();
      resolve();
    }).on("error", reject);
  });
  const read = () =>
    new Promise<{ frames: { msg: string; output?: { data: unknown[]; is_generating?: boolean }; success?: boolean }[]; cut: boolean }>((resolve) => {
      let text = "";
      let cut = false;
      response.setEncoding("utf8");
      response.on("data", (d: string) => (text += d));
      response.on("aborted", () => (cut = true));
      response.on("error", () => (cut = true));
      response.on("close", () => {
        // Whole frames only: a cut stream ends in the middle of one.
        const blocks = text.split("\n\n").slice(0, -1);
        const frames = blocks.filter((b) => b.startsWith("data: ")).map((b) => JSON.parse(b.slice(6)));
        resolve({ frames, cut });
      });
      response.resume();
    });
  return { opened, read };
}

it("holds back streamed values from a client that is not reading, and sends it the latest whole when it reads", { timeout: 60_000 }, async () => {
  const session = "stalled1";
  const before = finished;
  const joined = await post(app.base, "/gradio_api/queue/join", { data: ["go"], fn_index: 0, session_hash: session });
  expect(joined.status).toBe(200);
  const stream = stalledStream(session);
  await stream.opened;
  // The call runs to its end while its client reads nothing: 40 MB of updates were produced.
  for (let i = 0; i < 400 && finished === before; i++) await new Promise((r) => setTimeout(r, 50));
  expect(finished).toBe(before + 1);
  const { frames } = await stream.read();
  const updates = frames.filter((f) => f.msg === "process_generating");
  // What the kernel's socket buffers held, then the latest value whole: far fewer than the 40 produced.
  expect(updates.length).toBeGreaterThan(0);
  expect(updates.length).toBeLessThan(STEPS / 2);
  const done = frames.find((f) => f.msg === "process_completed");
  expect(done?.success).toBe(true);
  expect(done?.output?.data).toEqual([value(STEPS - 1)]);
  expect(frames.at(-1)?.msg).toBe("close_stream");
});

it("cuts the stream of a client whose unread results pass the backlog bound; the server goes on serving others", { timeout: 60_000 }, async () => {
  const session = "stalled2";
  const calls = Math.ceil(MAX_BACKLOG_BYTES / (6 * MB)) + 4;
  const join = async () => expect((await post(app.base, "/gradio_api/queue/join", { data: ["big"], fn_index: 0, session_hash: session })).status).toBe(200);
  // The stream opens (and is never read) after the first join; the rest come while it is open.
  await join();
  const stream = stalledStream(session);
  await stream.opened;
  for (let i = 1; i < calls; i++) await join();
  const { frames } = await stream.read();
  const results = frames.filter((f) => f.msg === "process_completed");
  // Not every result reached the client: the stream was cut, at most about MAX_BACKLOG_BYTES behind.
  expect(results.length).toBeLessThan(calls);
  expect(frames.at(-1)?.msg).not.toBe("close_stream");
  // The server is fine and serves the next client.
  const again = await (await connect(app.base)).predict("/predict", ["big"]);
  expect((again.data as string[])[0]).toHaveLength(6 * MB);
});

it("the two-step API's stream too: a reader that is behind gets the latest value once it reads, and the right result", { timeout: 60_000 }, async () => {
  const before = finished;
  const posted = await post(app.base, "/gradio_api/call/predict", { data: ["go"] });
  expect(posted.status).toBe(200);
  let response!: IncomingMessage;
  await new Promise<void>((resolve, reject) => {
    get(`${app.base}/gradio_api/call/predict/${posted.json.event_id}`, (res) => {
      response = res;
      res.pause();
      resolve();
    }).on("error", reject);
  });
  for (let i = 0; i < 400 && finished === before; i++) await new Promise((r) => setTimeout(r, 50));
  expect(finished).toBe(before + 1);
  const text = await new Promise<string>((resolve) => {
    let t = "";
    response.setEncoding("utf8");
    response.on("data", (d: string) => (t += d));
    response.on("end", () => resolve(t));
    response.resume();
  });
  const events = text
    .split("\n\n")
    .filter(Boolean)
    .map((m) => ({ name: /^event: (\w+)/.exec(m)?.[1], data: JSON.parse(m.slice(m.indexOf("data: ") + 6)) }));
  const generating = events.filter((e) => e.name === "generating");
  expect(generating.length).toBeGreaterThan(0);
  expect(generating.length).toBeLessThan(STEPS / 2);
  expect(events.at(-1)).toEqual({ name: "complete", data: [value(STEPS - 1)] });
});

/** Every frame a session's stream gives when opened now (it ends on its own: its calls are done). */
async function readSession(session: string) {
  const text = await (await fetch(`${app.base}/gradio_api/queue/data?session_hash=${session}`)).text();
  return text
    .split("\n\n")
    .filter((b) => b.startsWith("data: "))
    .map((b) => JSON.parse(b.slice(6)) as { msg: string; success?: boolean; message?: string });
}

it("abandons a session whose unopened stream would hold more than the backlog bound of results", { timeout: 60_000 }, async () => {
  const session = "unopened1";
  // 16 MB each: the third passes 32 MiB. Each joined once the one before has run (its result waits).
  for (let i = 0; i < 3; i++) {
    expect((await post(app.base, "/gradio_api/queue/join", { data: ["huge"], fn_index: 0, session_hash: session })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
  }
  const frames = await readSession(session);
  expect(frames.filter((f) => f.msg === "process_completed")).toHaveLength(0);
  // Its client learns why, when it opens the stream after all.
  expect(frames[0]).toMatchObject({ msg: "unexpected_error", session_not_found: true, message: expect.stringMatching(/more than 32 MiB of results waited for its event stream to open/) });
});

it("bounds what all unopened streams hold together: past it, the session that adds more is abandoned", { timeout: 60_000 }, async () => {
  // Two results of 16 MB per session (under one session's bound), for more sessions than the total allows.
  const sessions = Array.from({ length: Math.ceil(MAX_UNREAD_BYTES / (32 * MB)) + 2 }, (_, i) => `many${i}`);
  for (const session of sessions) {
    for (let k = 0; k < 2; k++) expect((await post(app.base, "/gradio_api/queue/join", { data: ["huge"], fn_index: 0, session_hash: session })).status).toBe(200);
  }
  await new Promise((r) => setTimeout(r, 500));
  const read = await Promise.all(sessions.map((s) => readSession(s)));
  const got = read.map((frames) => frames.filter((f) => f.msg === "process_completed" && f.success).length);
  expect(read.at(-1)![0]).toMatchObject({ session_not_found: true, message: expect.stringMatching(/more than 256 MiB of results waiting/) });
  // The first sessions kept their results; the total never passed the bound, so the last ones lost theirs.
  expect(got[0]).toBe(2);
  expect(got.filter((n) => n === 2).length).toBeLessThan(sessions.length);
  expect(got.reduce((a, b) => a + b, 0) * 16 * MB).toBeLessThanOrEqual(MAX_UNREAD_BYTES + 16 * MB);
  // Read streams give their room back: a new session's results are kept again.
  expect((await post(app.base, "/gradio_api/queue/join", { data: ["huge"], fn_index: 0, session_hash: "after" })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 300));
  expect((await readSession("after")).filter((f) => f.msg === "process_completed" && f.success)).toHaveLength(1);
});

it("two-step calls not read yet hold at most the same total: past it, the newest is dropped (404 on its read)", { timeout: 60_000 }, async () => {
  const n = Math.ceil(MAX_UNREAD_BYTES / (16 * MB)) + 3;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await post(app.base, "/gradio_api/call/predict", { data: ["huge"] })).json.event_id);
  await new Promise((r) => setTimeout(r, 500));
  const statuses: number[] = [];
  const reasons = new Set<string>();
  for (const id of ids) {
    const r = await fetch(`${app.base}/gradio_api/call/predict/${id}`);
    statuses.push(r.status);
    const text = await r.text();
    if (r.status === 404) reasons.add((JSON.parse(text) as { error: string }).error);
  }
  expect([...reasons]).toEqual(["no such call: it was dropped: the app's calls not yet read held more than 256 MiB of results"]);
  expect(statuses[0]).toBe(200);
  expect(statuses.filter((s) => s === 404).length).toBeGreaterThan(0);
  expect(statuses.filter((s) => s === 200).length * 16 * MB).toBeLessThanOrEqual(MAX_UNREAD_BYTES + 16 * MB);
});
