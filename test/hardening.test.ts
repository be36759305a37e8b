// Regression tests for the abuse cases of the [hardening] issue: each fails on a server without its fix.
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
