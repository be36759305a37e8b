// mountApp on your own Fastify, with a shared queue: `drainOnClose: true` makes `fastify.close()` (what
// your SIGTERM handler calls) drain as launch() does, so a call running on the closing worker is not lost:
// past `redis.drainTimeout` it goes back to the queue and another worker answers it. Without it, closing
// cancels the call (the behaviour kept as the default).
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { startRedis, type TestRedis } from "../redis-server.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => redis?.stop());

/** Answers its tag; `slow` on the first worker waits 20 s unless its signal fires (then it fails, as a cancelled call does). */
const started = new Set<string>();
const app = (tag: string, prefix = "") =>
  new tr.Interface({
    fn: async (text: string, ctx: tr.CallContext) => {
      // Slow on the first worker only: the second answers at once.
      if (text === "slow" && tag === "first") {
        started.add(`${tag}:${prefix}`);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, 20_000);
          ctx.signal.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(new Error("stopped"));
          });
        });
      }
      return `${text}@${tag}`;
    },
    inputs: "text",
    outputs: "text",
    allowFlagging: "never",
    concurrencyLimit: null,
  });

async function mounted(tag: string, options: tr.MountOptions, listen: boolean): Promise<{ f: FastifyInstance; url: string }> {
  const f = Fastify();
  await tr.mountApp(f, app(tag, typeof options.redis === "object" ? options.redis.prefix : ""), options);
  if (!listen) {
    await f.ready();
    return { f, url: "" };
  }
  await f.listen({ port: 0, host: "127.0.0.1" });
  const address = f.server.address();
  return { f, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` };
}

async function until(check: () => boolean, what: string, ms = 20_000) {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A call through the web process, with the worker `first` running it; then `first` is closed and `second` started. */
async function closeWhileRunning(drainOnClose: boolean): Promise<{ status: number; body: { data?: unknown[] } }> {
  const redisOptions = { url: redis.url, prefix: `t:${randomUUID()}`, drainTimeout: 0.3 };
  const web = await mounted("web", { redis: redisOptions, role: "web" }, true);
  const first = await mounted("first", { redis: redisOptions, role: "worker", drainOnClose }, false);
  let second: FastifyInstance | undefined;
  try {
    const answer = fetch(`${web.url}/gradio_api/run/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: ["slow"] }) });
    // The call runs on the first worker (the only one) before it is closed.
    await until(() => started.has(`first:${redisOptions.prefix}`), "the call to start on the first worker");
    second = (await mounted("second", { redis: redisOptions, role: "worker" }, false)).f;
    const closing = first.f.close();
    const r = await answer;
    await closing;
    return { status: r.status, body: (await r.json()) as { data?: unknown[] } };
  } finally {
    await Promise.all([web.f.close(), second?.close(), first.f.close()]);
  }
}

it("drainOnClose: closing the worker hands its running call to another worker, which answers it", { timeout: 60_000 }, async () => {
  const r = await closeWhileRunning(true);
  expect(r.status).toBe(200);
  expect(r.body.data).toEqual(["slow@second"]);
});

it("without drainOnClose, closing the worker cancels its running call", { timeout: 60_000 }, async () => {
  const r = await closeWhileRunning(false);
  expect(r.body.data).toBeUndefined();
});

it("drainOnClose is checked like every option", async () => {
  await expect(tr.mountApp(Fastify(), app("x"), { drainOnClose: "yes" as unknown as boolean })).rejects.toThrowCode("TR_ERR_OPTION_INVALID");
});
