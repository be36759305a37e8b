// Regression tests for the abuse cases of the [hardening] issue: each fails on a server without its fix.
import { connect, type Socket } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as tr from "../src/index.js";
import { post, start } from "./helpers.js";

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

/** The frames of one session's event stream, as they arrive. */
async function* frames(base: string, sessionHash: string): AsyncGenerator<any> {
  const res = await fetch(`${base}/gradio_api/queue/data?session_hash=${sessionHash}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (frame.startsWith("data: ")) yield JSON.parse(frame.slice(6));
    }
  }
}

afterEach(() => vi.restoreAllMocks());

describe("one-shot calls take a queue slot", () => {
  it("runs /run calls of a concurrency-1 function one at a time, and answers 503 when the queue is full", async () => {
    const g = gate();
    let running = 0;
    let maxRunning = 0;
    const fn = async (s: string) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await g.opened;
      running--;
      return s;
    };
    const app = await start(new tr.Interface({ fn, inputs: "text", outputs: "text", concurrencyLimit: 1 }).queue({ maxSize: 3 }));
    try {
      const calls = ["a", "b", "c", "d"].map((s) => post(app.base, "/gradio_api/run/predict", { data: [s] }));
      await expect.poll(() => running).toBe(1);
      // One running, three waiting: the queue (maxSize 3) is full for the next one.
      const refused = await post(app.base, "/gradio_api/run/predict", { data: ["e"] });
      expect(refused.status).toBe(503);
      expect(refused.json.code).toBe("TR_ERR_QUEUE_FULL");
      g.open();
      const answers = await Promise.all(calls);
      expect(answers.map((a) => [a.status, a.json.data])).toEqual([
        [200, ["a"]],
        [200, ["b"]],
        [200, ["c"]],
        [200, ["d"]],
      ]);
      expect(maxRunning).toBe(1);
    } finally {
      await app.close();
    }
  });

  it("logs a function's failure on /run as on the queue, and hides it from the caller", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const app = await start(new tr.Interface({ fn: (_: string): string => { throw new Error("secret detail"); }, inputs: "text", outputs: "text" }));
    try {
      const r = await post(app.base, "/gradio_api/run/predict", { data: ["x"] });
      expect(r.status).toBe(500);
      expect(r.json.code).toBe("TR_ERR_FUNCTION");
      expect(r.text).not.toMatch(/secret detail/);
      expect(logged.mock.calls.flat().map(String).join(" ")).toMatch(/secret detail/);
    } finally {
      await app.close();
    }
  });
});

describe("cancelling a generator", () => {
  it("ends its stream as cancelled, not as a success with the partial output, and stops the generator", async () => {
    let stopped = false;
    async function* count(_: string) {
      try {
        for (let i = 0; ; i++) {
          yield `${i}`;
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        stopped = true;
      }
    }
    const app = await start(new tr.Interface({ fn: count, inputs: "text", outputs: "text" }));
    try {
      const session = "cancelgen1";
      const joined = await post(app.base, "/gradio_api/queue/join", { data: ["x"], fn_index: 0, session_hash: session });
      const eventId = joined.json.event_id;
      let last: any;
      for await (const frame of frames(app.base, session)) {
        if (frame.msg === "process_generating") {
          const cancel = await post(app.base, "/gradio_api/cancel", { event_id: eventId, session_hash: session });
          expect(cancel.status).toBe(200);
        }
        if (frame.msg === "process_completed") last = frame;
        if (frame.msg === "close_stream") break;
      }
      expect(last).toMatchObject({ msg: "process_completed", success: false, output: { error: "Cancelled", code: "TR_ERR_CANCELLED" } });
      expect(last.output.data).toBeUndefined();
      await expect.poll(() => stopped).toBe(true);
    } finally {
      await app.close();
    }
  });
});

/** The SSE messages of a two-step call's stream as [event, data] pairs, until it ends. */
async function callEvents(res: Response): Promise<[string, unknown][]> {
  return (await res.text())
    .split("\n\n")
    .filter((block) => block.trim())
    .map((block) => [/^event: (.*)$/m.exec(block)?.[1] ?? "", JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null")]);
}

/** A generator that counts until it is stopped, noting whether it is running and how far it got. */
function counter(delayMs = 10) {
  const seen = { running: 0, yielded: 0, stopped: 0 };
  async function* count(_: string) {
    seen.running++;
    try {
      for (let i = 0; ; i++) {
        seen.yielded++;
        yield `${i}`;
        await new Promise((r) => setTimeout(r, delayMs));
      }
    } finally {
      seen.running--;
      seen.stopped++;
    }
  }
  return { count, seen };
}

describe("the two-step call route (/gradio_api/call) holds the queue's limits", () => {
  it("refuses at the POST, with 503 or 429 and nothing queued, when the queue is full or the address has too many calls", async () => {
    const g = gate();
    let calls = 0;
    const fn = async (s: string) => (calls++, await g.opened, s);
    const full = await start(new tr.Interface({ fn, inputs: "text", outputs: "text" }).queue({ maxSize: 1 }));
    const perClient = await start(new tr.Interface({ fn, inputs: "text", outputs: "text", concurrencyLimit: null }).queue({ maxPerClient: 2 }));
    try {
      // One running, one waiting: the next is refused at once, not in its stream.
      for (const s of ["a", "b"]) expect((await post(full.base, "/gradio_api/call/predict", { data: [s] })).status).toBe(200);
      await expect.poll(() => calls).toBe(1);
      const refused = await post(full.base, "/gradio_api/call/predict", { data: ["c"] });
      expect([refused.status, refused.json.code, refused.json.event_id]).toEqual([503, "TR_ERR_QUEUE_FULL", undefined]);
      for (const s of ["a", "b"]) expect((await post(perClient.base, "/gradio_api/call/predict", { data: [s] })).status).toBe(200);
      const limited = await post(perClient.base, "/gradio_api/call/predict", { data: ["c"] });
      expect([limited.status, limited.json.code, limited.json.event_id]).toEqual([429, "TR_ERR_RATE_LIMITED", undefined]);
      g.open();
      await expect.poll(() => calls).toBe(3);
    } finally {
      g.open();
      await Promise.all([full.close(), perClient.close()]);
    }
  });

  it("a join refused at maxPerClient leaves nothing pending: the session's stream still closes once its other call ends", async () => {
    const g = gate();
    const app = await start(new tr.Interface({ fn: async (s: string) => (await g.opened, s), inputs: "text", outputs: "text" }).queue({ maxPerClient: 1 }));
    try {
      const join = (s: string) => post(app.base, "/gradio_api/queue/join", { data: [s], fn_index: 0, session_hash: "refused-join" });
      expect((await join("a")).status).toBe(200);
      const refused = await join("b");
      expect([refused.status, refused.json.code]).toEqual([429, "TR_ERR_RATE_LIMITED"]);
      const res = await fetch(`${app.base}/gradio_api/queue/data?session_hash=refused-join`);
      g.open();
      // The stream ends after the one call that was queued (the refused one is not waited for).
      const text = await Promise.race([res.text(), new Promise<string>((r) => setTimeout(() => r("(still open after 5 s)"), 5000))]);
      expect(text).toContain('"msg":"process_completed"');
      expect(text).toContain('"msg":"close_stream"');
    } finally {
      g.open();
      await app.close();
    }
  });

  it("cancels and forgets a call whose stream is not opened within attachTimeout", async () => {
    const { count, seen } = counter();
    const app = await start(new tr.Interface({ fn: count, inputs: "text", outputs: "text", concurrencyLimit: null }), { attachTimeout: 0.5 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await post(app.base, "/gradio_api/call/predict", { data: ["x"] })).json.event_id);
      await expect.poll(() => seen.running).toBe(5);
      // Nobody opened the streams: the generators stop (the old route ran them for ever, keeping every value).
      await expect.poll(() => seen.stopped, { timeout: 5000 }).toBe(5);
      expect(seen.running).toBe(0);
      const late = await fetch(`${app.base}/gradio_api/call/predict/${ids[0]}`);
      expect(late.status).toBe(404);
      expect(((await late.json()) as { error: string }).error).toBe("no such call: it was cancelled: its stream did not open within 0.5 s (attachTimeout)");
      // A call read in time is unaffected.
      const made = await post(app.base, "/gradio_api/call/predict", { data: ["y"] });
      const res = await fetch(`${app.base}/gradio_api/call/predict/${made.json.event_id}`);
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toMatch(/^event: generating\n/);
      await new Promise((r) => setTimeout(r, 800));
      expect(seen.running).toBe(1);
      await reader.cancel();
    } finally {
      await app.close();
    }
  });

  it("tells a session stream opened after attachTimeout why its calls are gone", async () => {
    const { count, seen } = counter();
    const app = await start(new tr.Interface({ fn: count, inputs: "text", outputs: "text", concurrencyLimit: null }), { attachTimeout: 0.5 });
    try {
      expect((await post(app.base, "/gradio_api/queue/join", { data: ["x"], fn_index: 0, session_hash: "late1" })).status).toBe(200);
      await expect.poll(() => seen.stopped, { timeout: 5000 }).toBe(1);
      const text = await (await fetch(`${app.base}/gradio_api/queue/data?session_hash=late1`)).text();
      const first = JSON.parse(text.split("\n\n")[0].slice(6));
      expect(first).toMatchObject({ msg: "unexpected_error", session_not_found: true, message: "Session not found: its event stream did not open within 0.5 s of its first call (attachTimeout), so its calls were cancelled." });
      // A session never seen gets the plain answer.
      const unknown = await (await fetch(`${app.base}/gradio_api/queue/data?session_hash=never1`)).text();
      expect(JSON.parse(unknown.split("\n\n")[0].slice(6)).message).toBe("Session not found.");
    } finally {
      await app.close();
    }
  });

  it("keeps only the latest streamed value of a call nobody reads yet, then the end", async () => {
    async function* count(n: number | null) {
      for (let i = 1; i <= (n ?? 0); i++) {
        yield `${i}`;
        await new Promise((r) => setTimeout(r, 60));
      }
    }
    const app = await start(new tr.Interface({ fn: count, inputs: "number", outputs: "text" }));
    try {
      const made = await post(app.base, "/gradio_api/call/predict", { data: [10] });
      // Read after the call has ended: one `generating` (the latest), not ten, and its end.
      await new Promise((r) => setTimeout(r, 1500));
      const got = await callEvents(await fetch(`${app.base}/gradio_api/call/predict/${made.json.event_id}`));
      expect(got).toEqual([
        ["generating", ["10"]],
        ["complete", ["10"]],
      ]);
    } finally {
      await app.close();
    }
  });
});

describe("cancelling a generator on every route stops it and never ends as a success", () => {
  it("the two-step call: /gradio_api/cancel ends its stream with `error: Cancelled`, and closing the stream cancels it", async () => {
    const { count, seen } = counter();
    const app = await start(new tr.Interface({ fn: count, inputs: "text", outputs: "text", concurrencyLimit: null }));
    try {
      const made = await post(app.base, "/gradio_api/call/predict", { data: ["x"], session_hash: "callcancel1" });
      const res = await fetch(`${app.base}/gradio_api/call/predict/${made.json.event_id}`);
      await expect.poll(() => seen.yielded).toBeGreaterThan(2);
      expect((await post(app.base, "/gradio_api/cancel", { event_id: made.json.event_id, session_hash: "callcancel1" })).status).toBe(200);
      const got = await callEvents(res);
      expect(got.at(-1)).toEqual(["error", "Cancelled"]);
      expect(got.map(([e]) => e)).not.toContain("complete");
      await expect.poll(() => seen.stopped).toBe(1);

      // The reader goes away mid-stream: nobody can read the call any more, so it stops.
      const again = await post(app.base, "/gradio_api/call/predict", { data: ["y"] });
      const url = new URL(app.base);
      const reader = connect(Number(url.port), url.hostname);
      reader.write(`GET /gradio_api/call/predict/${again.json.event_id} HTTP/1.1\r\nhost: ${url.host}\r\n\r\n`);
      await new Promise((r) => reader.once("data", r));
      reader.destroy();
      await expect.poll(() => seen.stopped).toBe(2);
      expect(seen.running).toBe(0);
    } finally {
      await app.close();
    }
  });

  it("/run: a caller that goes away stops the generator and frees its slot", async () => {
    const { count, seen } = counter();
    const app = await start(new tr.Interface({ fn: count, inputs: "text", outputs: "text", concurrencyLimit: 1 }));
    try {
      const controller = new AbortController();
      const call = fetch(`${app.base}/gradio_api/run/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: ["x"] }), signal: controller.signal }).catch((e: Error) => e.name);
      await expect.poll(() => seen.yielded).toBeGreaterThan(2);
      controller.abort();
      expect(await call).toBe("AbortError");
      await expect.poll(() => seen.stopped).toBe(1);
      // Its slot is free: the next call (concurrency 1) starts.
      const next = new AbortController();
      const second = fetch(`${app.base}/gradio_api/run/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: ["y"] }), signal: next.signal }).catch(() => null);
      await expect.poll(() => seen.running).toBe(1);
      next.abort();
      await second;
      await expect.poll(() => seen.stopped).toBe(2);
    } finally {
      await app.close();
    }
  });

  it("MCP: a client's cancel stops the generator; no result is sent for it", async () => {
    const { count, seen } = counter();
    const app = await start(new tr.Interface({ fn: count, inputs: "text", outputs: "text", allowFlagging: "never" }), { mcpServer: true });
    const client = new Client({ name: "tradio-test", version: "1.0.0" });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(`${app.base}/gradio_api/mcp/`)));
      const controller = new AbortController();
      const call = client.callTool({ name: "predict", arguments: { input_0: "x" } }, undefined, { signal: controller.signal }).then(
        (r) => ({ result: r }),
        (e: unknown) => ({ error: e }),
      );
      await expect.poll(() => seen.yielded).toBeGreaterThan(2);
      controller.abort();
      expect(await call).toHaveProperty("error");
      await expect.poll(() => seen.stopped).toBe(1);
      expect(seen.running).toBe(0);
    } finally {
      await client.close();
      await app.close();
    }
  });
});

describe("interpretation is bounded, yields to the event loop, and takes the prediction's slots", () => {
  const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
  const score = (text: string) => ({ a: text.length % 7 / 7, b: 1 - (text.length % 7) / 7 });

  it("refuses more perturbations than maxPerturbations (default 500) with 422 TR_ERR_TOO_COMPLEX naming the limit", async () => {
    let calls = 0;
    const fn = (text: string) => (calls++, score(text));
    const app = await start(new tr.Interface({ fn, inputs: "text", outputs: "label", interpretation: "default" }));
    const shap = await start(new tr.Interface({ fn, inputs: "text", outputs: "label", interpretation: "shap", numShap: 2 }));
    const raised = await start(new tr.Interface({ fn, inputs: "text", outputs: "label", interpretation: "default", maxPerturbations: 1000 }));
    try {
      const refused = await post(app.base, "/gradio_api/run/interpret", { data: [words(1000)] });
      expect(refused.status).toBe(422);
      expect(refused.json.code).toBe("TR_ERR_TOO_COMPLEX");
      expect(refused.json.error).toMatch(/1000 model calls.*500/);
      expect(calls).toBe(0);
      // SHAP's budget counts: 2 × 300 tokens + the empty input is past 500.
      const shapRefused = await post(shap.base, "/gradio_api/run/interpret", { data: [words(300)] });
      expect([shapRefused.status, shapRefused.json.code]).toEqual([422, "TR_ERR_TOO_COMPLEX"]);
      expect(calls).toBe(0);
      expect((await post(app.base, "/gradio_api/run/interpret", { data: [words(500)] })).status).toBe(200);
      expect((await post(raised.base, "/gradio_api/run/interpret", { data: [words(1000)] })).status).toBe(200);
    } finally {
      await Promise.all([app.close(), shap.close(), raised.close()]);
    }
  });

  it("answers GET /config while a synchronous model is interpreted, not only after", async () => {
    let calls = 0;
    let callsWhenAnswered = -1;
    let probe: Promise<void> | null = null;
    let base = "";
    const fn = (text: string) => {
      calls++;
      // From inside the first call: ask for /config, and note how far the interpretation got when it is answered.
      probe ??= fetch(`${base}/config`).then(async (r) => {
        await r.text();
        callsWhenAnswered = calls;
      });
      const until = performance.now() + 1;
      while (performance.now() < until); // a synchronous model: 1 ms a call
      return score(text);
    };
    const app = await start(new tr.Interface({ fn, inputs: "text", outputs: "label", interpretation: "default" }));
    base = app.base;
    try {
      const r = await post(app.base, "/gradio_api/run/interpret", { data: [words(400)] });
      expect(r.status).toBe(200);
      await probe;
      expect(calls).toBe(401);
      expect(callsWhenAnswered).toBeGreaterThan(0);
      expect(callsWhenAnswered).toBeLessThan(401);
    } finally {
      await app.close();
    }
  });

  it("runs an interpretation in the prediction's concurrency pool: with a limit of 1 a prediction waits for it", async () => {
    const g = gate();
    const log: string[] = [];
    const fn = async (text: string) => {
      log.push(`start ${text}`);
      await g.opened;
      log.push(`end ${text}`);
      return score(text);
    };
    const app = await start(new tr.Interface({ fn, inputs: "text", outputs: "label", interpretation: "default", concurrencyLimit: 1 }));
    try {
      const interpreted = post(app.base, "/gradio_api/run/interpret", { data: ["x y"] });
      await expect.poll(() => log.length).toBeGreaterThan(0);
      const joined = await post(app.base, "/gradio_api/queue/join", { data: ["P"], fn_index: 0, session_hash: "poolwait1" });
      expect(joined.status).toBe(200);
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(log).not.toContain("start P");
      const predicted = (async () => {
        for await (const frame of frames(app.base, "poolwait1")) if (frame.msg === "close_stream") return;
      })();
      g.open();
      expect((await interpreted).status).toBe(200);
      await predicted;
      const lastInterpretCall = Math.max(...log.map((l, i) => (l.startsWith("end ") && l !== "end P" ? i : -1)));
      expect(log.indexOf("start P")).toBeGreaterThan(lastInterpretCall);
    } finally {
      g.open();
      await app.close();
    }
  });
});

describe("deeply nested values", () => {
  const nest = (depth: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  };

  it("refuses a 5,000-level nested array (10 KB) with 422 TR_ERR_TOO_COMPLEX before it is parsed, on /run and the queue", async () => {
    const app = await start(new tr.Interface({ fn: (x: unknown) => x, inputs: "json", outputs: "json" }));
    try {
      const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
      const run = await post(app.base, "/gradio_api/run/predict", `{"data":[${deep}]}`);
      expect([run.status, run.json.code]).toEqual([422, "TR_ERR_TOO_COMPLEX"]);
      const joined = await post(app.base, "/gradio_api/queue/join", `{"data":[${deep}],"fn_index":0,"session_hash":"deep1"}`);
      expect([joined.status, joined.json.code]).toEqual([422, "TR_ERR_TOO_COMPLEX"]);
      // Refused before parsing: even a route that reads nothing of the body refuses it.
      const reset = await post(app.base, "/gradio_api/reset", `{"x":${deep}}`);
      expect([reset.status, reset.json.code]).toEqual([422, "TR_ERR_TOO_COMPLEX"]);
      // Nesting inside strings is text, not depth.
      const text = await post(app.base, "/gradio_api/run/predict", { data: [{ s: "[".repeat(5000) }] });
      expect(text.status).toBe(200);
      // The limit itself passes.
      const ok = await post(app.base, "/gradio_api/run/predict", { data: [nest(100)] });
      expect(ok.status).toBe(200);
      expect(ok.json.data).toEqual([nest(100)]);
    } finally {
      await app.close();
    }
  });

  it("refuses a value nested past 100 levels for any component, naming it, on /run, the queue and /flag", async () => {
    const inputs = [new tr.JSON({ label: "j" }), new tr.Dataframe({ label: "d" }), new tr.Chatbot({ label: "c" }), new tr.HighlightedText({ label: "h" })];
    const fn = (...args: unknown[]) => args[0];
    const app = await start(new tr.Interface({ fn, inputs, outputs: "json", allowFlagging: "manual", flaggingDir: "test-output/deep-flags" }));
    try {
      for (const [i, label] of ["JSON \"j\"", "Dataframe \"d\"", "Chatbot \"c\"", "HighlightedText \"h\""].entries()) {
        const data: unknown[] = [null, null, null, null];
        data[i] = nest(150);
        const r = await post(app.base, "/gradio_api/run/predict", { data });
        expect([r.status, r.json.code]).toEqual([422, "TR_ERR_TOO_COMPLEX"]);
        expect(r.json.error).toContain(label);
      }
      const flag = await post(app.base, "/gradio_api/run/flag", { data: [nest(150), null, null, null, null, ""] });
      expect([flag.status, flag.json.code]).toEqual([422, "TR_ERR_TOO_COMPLEX"]);
      await post(app.base, "/gradio_api/queue/join", { data: [nest(150)], fn_index: 0, session_hash: "deep2" });
      let last: any;
      for await (const frame of frames(app.base, "deep2")) if (frame.msg === "process_completed") last = frame;
      expect(last).toMatchObject({ success: false, output: { code: "TR_ERR_TOO_COMPLEX" } });
    } finally {
      await app.close();
    }
  });

  it.each([
    ["a value an asynchronous postprocess refuses (an Image output given a number)", () => 42 as never, "image"],
    ["a value nested past the limit (not a crash)", () => nest(5000), "json"],
  ] as const)("reports a function returning %s as a bad return value", async (_what, fn, outputs) => {
    const app = await start(new tr.Interface({ fn: (_: string) => fn(), inputs: "text", outputs }));
    vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const r = await post(app.base, "/gradio_api/run/predict", { data: ["x"] });
      expect([r.status, r.json.code]).toEqual([500, "TR_ERR_RETURN"]);
    } finally {
      await app.close();
    }
  });
});

describe("session state is bounded by bytes, text by length", () => {
  const KiB = 1024;
  // A chat-like function: the history grows in place, as Gradio's examples do.
  const keep = (message: string, history: string[] = []) => {
    history.push(message);
    return [history.length, history] as [number, string[]];
  };
  const chatApp = () => new tr.Interface({ fn: keep, inputs: [new tr.Textbox({ maxLength: null }), "state"], outputs: ["number", "state"] });
  const say = (base: string, session: string, text: string) => post(base, "/gradio_api/run/predict", { data: [text, null], session_hash: session });

  it("evicts the least recently used sessions once all state passes stateMaxBytes", async () => {
    const app = await start(chatApp(), { stateMaxBytes: 1024 * KiB });
    try {
      const big = "x".repeat(300 * KiB);
      expect((await say(app.base, "first", big)).json.data).toEqual([1, null]);
      expect((await say(app.base, "first", "a")).json.data).toEqual([2, null]);
      for (const s of ["s2", "s3", "s4"]) expect((await say(app.base, s, big)).status).toBe(200);
      // 4 × 300 KiB is past 1 MiB: the first session, least recently used, went.
      expect((await say(app.base, "first", "b")).json.data).toEqual([1, null]);
      expect((await say(app.base, "s4", "c")).json.data).toEqual([2, null]);
    } finally {
      await app.close();
    }
  });

  it("refuses a state past stateSessionMaxBytes with 422 TR_ERR_TOO_COMPLEX naming the component, and clears it", async () => {
    const app = await start(chatApp(), { stateSessionMaxBytes: 1024 * KiB });
    try {
      const big = "x".repeat(300 * KiB);
      for (let n = 1; n <= 3; n++) expect((await say(app.base, "one", big)).json.data).toEqual([n, null]);
      const refused = await say(app.base, "one", big);
      expect([refused.status, refused.json.code]).toEqual([422, "TR_ERR_TOO_COMPLEX"]);
      expect(refused.json.error).toMatch(/^State\b.*stateSessionMaxBytes/);
      // The history the function grew in place is gone with it: the session starts again.
      expect((await say(app.base, "one", "small")).json.data).toEqual([1, null]);
    } finally {
      await app.close();
    }
  });

  it("bounds a Textbox at 100 000 characters by default (422 naming the limit); maxLength: null lifts it", async () => {
    const app = await start(new tr.Interface({ fn: (s: string) => s.length, inputs: "text", outputs: "number" }));
    const open = await start(new tr.Interface({ fn: (s: string) => s.length, inputs: new tr.Textbox({ maxLength: null }), outputs: "number" }));
    try {
      expect((await post(app.base, "/gradio_api/run/predict", { data: ["x".repeat(100_000)] })).json.data).toEqual([100_000]);
      const refused = await post(app.base, "/gradio_api/run/predict", { data: ["x".repeat(100_001)] });
      expect([refused.status, refused.json.code]).toEqual([422, "TR_ERR_INVALID_VALUE"]);
      expect(refused.json.error).toMatch(/Textbox.*100000/);
      const config = await (await fetch(`${app.base}/config`)).json();
      expect(config.components.find((c: any) => c.type === "textbox").props.max_length).toBe(100_000);
      expect((await post(open.base, "/gradio_api/run/predict", { data: ["x".repeat(200_000)] })).json.data).toEqual([200_000]);
    } finally {
      await Promise.all([app.close(), open.close()]);
    }
  });

  it("checks the state bounds' options", async () => {
    await expect(chatApp().launch({ port: 0, quiet: true, stateMaxBytes: -1 })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /stateMaxBytes/);
    await expect(chatApp().launch({ port: 0, quiet: true, stateSessionMaxBytes: "1MB" as any })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /stateSessionMaxBytes/);
  });
});

describe("login attempts", () => {
  const attempt = (base: string, username: string, password: string, from: string) =>
    fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ username, password }), headers: { "x-forwarded-for": from } });
  const app = () => start(new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text" }), { auth: [["admin", "pass1234"], ["ada", "lovelace"]], trustProxy: true });

  it("lets the real user in from another address while an attacker's guesses at the name are refused", async () => {
    const a = await app();
    try {
      const guesses: number[] = [];
      for (let i = 0; i < 12; i++) guesses.push((await attempt(a.base, "admin", `guess${i}`, "203.0.113.66")).status);
      expect(guesses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(guesses.slice(10)).toEqual([429, 429]);
      // Slowed down (the name failed ten times this minute), never locked.
      const real = await attempt(a.base, "admin", "pass1234", "198.51.100.7");
      expect(real.status).toBe(200);
      // The attacker's address stays limited for other names only by its own per-address count.
      expect((await attempt(a.base, "ada", "wrong", "203.0.113.66")).status).toBe(401);
    } finally {
      await a.close();
    }
  });

  it("sends the same headers whatever the name, and no rate-limit counters", async () => {
    const a = await app();
    try {
      expect((await attempt(a.base, "ada", "lovelace", "198.51.100.1")).status).toBe(200);
      const shape = (r: Response) => {
        const lines: string[] = [];
        r.headers.forEach((v, k) => k !== "date" && k !== "content-length" && lines.push(`${k}: ${v}`));
        return lines.sort();
      };
      const recent = await attempt(a.base, "ada", "wrong", "198.51.100.2");
      const unknown = await attempt(a.base, "nobody", "wrong", "198.51.100.3");
      expect([recent.status, unknown.status]).toEqual([401, 401]);
      expect(shape(recent)).toEqual(shape(unknown));
      expect(shape(recent).join("\n")).not.toMatch(/ratelimit/i);
    } finally {
      await a.close();
    }
  });
});

describe("slow clients", () => {
  /** A raw connection: what it has received, and a promise that settles when the server closes it. */
  function rawSocket(base: string) {
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    let received = "";
    socket.on("data", (d) => (received += d.toString("latin1")));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => {});
    return { socket, closed, received: () => received };
  }
  /** Sends `text` one byte every `ms` until the server closes the socket or the text runs out. */
  async function trickle(socket: Socket, text: string, ms: number) {
    for (const ch of text) {
      if (socket.destroyed || socket.writableEnded) return;
      socket.write(ch);
      await new Promise((r) => setTimeout(r, ms));
    }
  }
  const echo = () => new tr.Interface({ fn: async (s: string) => s, inputs: "text", outputs: "text" });

  it("closes a connection whose body comes one byte at a time past requestTimeout, one that stops sending past idleTimeout, and one whose headers never end", async () => {
    const app = await start(echo(), { requestTimeout: 1, idleTimeout: 0.5, headersTimeout: 0.5 });
    try {
      const body = JSON.stringify({ data: ["x".repeat(200)] });
      const head = `POST /gradio_api/run/predict HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
      // One byte every 50 ms: never idle, but the whole body would take 10 s.
      const slow = rawSocket(app.base);
      slow.socket.write(head);
      void trickle(slow.socket, body, 50);
      // Half a body, then silence.
      const stalled = rawSocket(app.base);
      stalled.socket.write(head + body.slice(0, 10));
      // Headers one byte every 50 ms.
      const headers = rawSocket(app.base);
      void trickle(headers.socket, head, 50);
      // Bounded: a server without the timeouts would keep all three open (the test fails, it does not hang).
      let allClosed = false;
      await Promise.race([Promise.all([slow.closed, stalled.closed, headers.closed]).then(() => (allClosed = true)), new Promise((r) => setTimeout(r, 15_000))]);
      for (const s of [slow, stalled, headers]) s.socket.destroy();
      expect(allClosed).toBe(true);
      expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
      expect(headers.received()).toMatch(/^(HTTP\/1\.1 408|$)/);
      // The server answers normally afterwards.
      expect((await post(app.base, "/gradio_api/run/predict", { data: ["ok"] })).json.data).toEqual(["ok"]);
    } finally {
      await app.close();
    }
  });

  it("keeps a long call and the event stream open past every timeout", async () => {
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const app = await start(new tr.Interface({ fn: async (s: string) => (await wait(1500), s), inputs: "text", outputs: "text", concurrencyLimit: null }), {
      requestTimeout: 0.5,
      idleTimeout: 0.3,
      headersTimeout: 0.3,
    });
    try {
      const joined = await post(app.base, "/gradio_api/queue/join", { data: ["streamed"], fn_index: 0, session_hash: "longwait1" });
      expect(joined.status).toBe(200);
      const run = post(app.base, "/gradio_api/run/predict", { data: ["one-shot"] });
      let last: any;
      for await (const frame of frames(app.base, "longwait1")) if (frame.msg === "process_completed") last = frame;
      expect(last).toMatchObject({ success: true, output: { data: ["streamed"] } });
      expect((await run).json.data).toEqual(["one-shot"]);
    } finally {
      await app.close();
    }
  });

  it("answers 429 past maxUploadsPerClient uploads in progress from one address, and takes uploads again once one ends", async () => {
    const app = await start(echo(), { maxUploadsPerClient: 2 });
    try {
      const boundary = "----slowupload";
      const part = `--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="a.txt"\r\ncontent-type: text/plain\r\n\r\n`;
      const head = `POST /gradio_api/upload HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: multipart/form-data; boundary=${boundary}\r\ncontent-length: 100000\r\n\r\n`;
      const slow = [rawSocket(app.base), rawSocket(app.base)];
      for (const s of slow) s.socket.write(head + part + "a");
      const upload = () => {
        const form = new FormData();
        form.append("files", new Blob(["hello"]), "b.txt");
        return fetch(`${app.base}/gradio_api/upload`, { method: "POST", body: form });
      };
      // The two slow uploads hold both slots (poll: their headers must have reached the server first).
      await expect.poll(async () => (await upload()).status).toBe(429);
      const refused = await upload();
      expect([refused.status, (await refused.json()).code]).toEqual([429, "TR_ERR_RATE_LIMITED"]);
      slow[0].socket.destroy();
      await slow[0].closed;
      await expect.poll(async () => (await upload()).status).toBe(200);
      slow[1].socket.destroy();
    } finally {
      await app.close();
    }
  });
});
