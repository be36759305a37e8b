// A join announced while a web process was cut off from Redis (a network blip, a reconnect): the session's
// stream opened there afterwards still gets its calls, read back from Redis, instead of "Session not found".
// Process B reaches Redis through a TCP proxy the test cuts and restores; A reaches it directly.
import { randomUUID } from "node:crypto";
import { request, type ClientRequest } from "node:http";
import { createServer, connect as tcpConnect, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { gate as openedByHand, post, rawGet } from "../helpers.js";
import { startRedis, type TestRedis } from "../redis-server.js";

type Frame = { msg: string; event_id?: string; success?: boolean; output?: { data?: unknown[] } };
const framesOf = (body: string): Frame[] =>
  body
    .split("\n\n")
    .filter((b) => b.startsWith("data: "))
    .map((b) => JSON.parse(b.slice(6)) as Frame);

/** A TCP proxy to Redis that can be cut (every connection dropped, new ones refused) and restored. */
async function proxy(port: number) {
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) return client.destroy();
    const upstream = tcpConnect(port, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return {
    url: `redis://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      cut = false;
    },
    get open() {
      return sockets.size;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const app = () =>
  new tr.Interface({
    fn: async function* (text: string, tokens: number | null) {
      const gate = gates[text];
      if (gate) {
        // Runs until the test opens its gate: still running, for sure, when the test needs it to be.
        yield `${text}:1`;
        await gate.opened;
        yield `${text}:2`;
        return;
      }
      for (let i = 1; i <= (tokens ?? 1); i++) {
        await new Promise((r) => setTimeout(r, 20));
        yield `${text}:${i}`;
      }
    },
    inputs: ["text", "number"],
    outputs: "text",
    allowFlagging: "never",
    concurrencyLimit: null,
  });

const gates: Record<string, ReturnType<typeof openedByHand>> = { gated: openedByHand(), cut: openedByHand() };
let redis: TestRedis;
let direct: Redis;
beforeAll(async () => {
  redis = await startRedis();
  direct = new Redis(redis.url);
});
afterAll(async () => {
  direct?.disconnect();
  await redis?.stop();
});

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it("a stream opened on a process that missed the join replays the call (ended, or still running) from Redis", { timeout: 120_000 }, async () => {
  const prefix = `t:${randomUUID()}`;
  const link = await proxy(redis.port);
  const a = await app().launch({ port: 0, quiet: true, redis: { url: redis.url, prefix } });
  const b = await app().launch({ port: 0, quiet: true, redis: { url: link.url, prefix } });
  const [baseA, baseB] = [a.url.replace(/\/$/, ""), b.url.replace(/\/$/, "")];
  let req: ClientRequest | undefined;
  try {
    link.cut();
    // Joined on A while B hears nothing: one call ends before B is back, one still runs when it is.
    const join = async (session: string, text: string, tokens: number) => {
      const r = await post(baseA, "/gradio_api/queue/join", { data: [text, tokens], fn_index: 0, session_hash: session });
      expect(r.status).toBe(200);
      return (r.json as { event_id: string }).event_id;
    };
    const ended = await join("missed-ended", "done", 2);
    const finished = async (id: string) => {
      const [key] = await direct.keys(`${prefix}:*:j${id}`);
      return key !== undefined && (await direct.hget(key, "finishedOn")) !== null;
    };
    await until(() => finished(ended), "the first call to end");
    const running = await join("missed-running", "gated", 1);
    await until(async () => {
      const [key] = await direct.keys(`${prefix}:*:j${running}`);
      return key !== undefined && (await direct.hget(key, "processedOn")) !== null;
    }, "the second call to start");
    link.restore();
    await until(() => link.open >= 4, "B to reconnect (two connections, each proxied both ways)");

    const first = framesOf((await rawGet(baseB, "/gradio_api/queue/data?session_hash=missed-ended")).body);
    const done = first.find((f) => f.msg === "process_completed" && f.event_id === ended);
    expect(done?.success).toBe(true);
    expect(done?.output?.data).toEqual(["done:2"]);
    expect(first.at(-1)?.msg).toBe("close_stream");

    // The gate opens once B answers the stream (it follows the call by then): what follows streams there.
    const secondBody = await new Promise<string>((resolve, reject) => {
      req = request(`${baseB}/gradio_api/queue/data?session_hash=missed-running`, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve(text));
        gates.gated.open();
      });
      req.on("error", reject);
      req.end();
    });
    const second = framesOf(secondBody);
    // What the person sees: the call shown as started, then its streamed value whole (not a change to a
    // value this client never received), then the end.
    const ofRunning = second.filter((f) => f.event_id === running).map((f) => f.msg);
    expect(ofRunning[0]).toBe("process_starts");
    const firstValue = second.find((f) => f.msg === "process_generating" && f.event_id === running);
    expect(firstValue?.output?.data).toEqual(["gated:2"]);
    const end = second.find((f) => f.msg === "process_completed" && f.event_id === running);
    expect(end?.success).toBe(true);
    expect(end?.output?.data).toEqual(["gated:2"]);
    expect(second.at(-1)?.msg).toBe("close_stream");

    // B follows a call (its stream open there) and loses Redis before the call ends: the end, missed,
    // is read back once B reconnects, and the stream ends with it.
    const followed = await join("cut-while-streaming", "cut", 1);
    let body = "";
    const streaming = new Promise<string>((resolve, reject) => {
      req = request(`${baseB}/gradio_api/queue/data?session_hash=cut-while-streaming`, (res) => {
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve(body));
      });
      req.on("error", reject);
      req.end();
    });
    await until(() => body.includes("process_generating"), "B to stream the call");
    link.cut();
    gates.cut.open();
    await until(() => finished(followed), "the followed call to end");
    link.restore();
    const ended3 = await Promise.race([streaming, new Promise<string>((r) => setTimeout(() => r(`${body}\n(the stream did not end)`), 20_000))]);
    const third = framesOf(ended3);
    const end3 = third.find((f) => f.msg === "process_completed" && f.event_id === followed);
    expect(end3?.output?.data).toEqual(["cut:2"]);
    expect(third.at(-1)?.msg).toBe("close_stream");

    // A session nobody joined is still unknown.
    const none = framesOf((await rawGet(baseB, "/gradio_api/queue/data?session_hash=nobody")).body);
    expect(none.map((f) => f.msg)).toEqual(["unexpected_error", "close_stream"]);
  } finally {
    req?.destroy();
    link.restore();
    await Promise.all([a.close(), b.close()]);
    await link.close();
  }
});
