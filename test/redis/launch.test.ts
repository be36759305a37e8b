// launch()'s redis, role and workerConcurrency options, in one process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { connect, start } from "../helpers.js";
import { freePort, startRedis, type TestRedis } from "../redis-server.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => redis?.stop());

const echo = () => new tr.Interface({ fn: async function* (s: string) { yield `${s}…`; yield `${s}!`; }, inputs: "text", outputs: "text", allowFlagging: "never" });

describe("launch({ redis })", () => {
  it("serves calls through the queue in Redis in role both, streaming included", async () => {
    const app = await start(echo(), { redis: { url: redis.url, prefix: "t:launch" } });
    try {
      const client = await connect(app.base);
      expect((await client.predict("/predict", ["hi"])).data).toEqual(["hi!"]);
      const res = await fetch(`${app.base}/gradio_api/run/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: ["run"] }) });
      expect(((await res.json()) as { data: unknown[] }).data).toEqual(["run!"]);
    } finally {
      await app.close();
    }
  });

  it("rejects with TR_ERR_REDIS_UNREACHABLE naming the URL when Redis does not answer", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    await expect(echo().launch({ port: 0, quiet: true, redis: url })).rejects.toThrowCode("TR_ERR_REDIS_UNREACHABLE", new RegExp(url.replaceAll(".", "\\.")));
  });

  it("checks role, workerConcurrency and redis, naming the option", async () => {
    await expect(echo().launch({ port: 0, quiet: true, role: "worker" })).rejects.toThrowCode("TR_ERR_OPTION_CONFLICT", /redis/);
    await expect(echo().launch({ port: 0, quiet: true, workerConcurrency: 1 })).rejects.toThrowCode("TR_ERR_OPTION_CONFLICT", /workerConcurrency/);
    await expect(echo().launch({ port: 0, quiet: true, role: "cook" as never, redis: redis.url })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /role/);
    await expect(echo().launch({ port: 0, quiet: true, workerConcurrency: 0, redis: redis.url })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /workerConcurrency/);
    await expect(echo().launch({ port: 0, quiet: true, redis: "http://x" })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /redis/);
    await expect(echo().launch({ port: 0, quiet: true, redis: { url: redis.url, workerLost: "maybe" } as never })).rejects.toThrowCode("TR_ERR_OPTION_INVALID", /workerLost/);
  });

  it("in role worker listens on no port and still runs calls that a web process queues", async () => {
    const iface = echo();
    const worker = await iface.launch({ port: 0, quiet: true, redis: { url: redis.url, prefix: "t:roles" }, role: "worker" });
    const web = await start(echo(), { redis: { url: redis.url, prefix: "t:roles" }, role: "web" });
    try {
      expect(worker.url).toBe("");
      expect(worker.server.server.listening).toBe(false);
      expect((await (await connect(web.base)).predict("/predict", ["w"])).data).toEqual(["w!"]);
    } finally {
      await web.close();
      await worker.close();
    }
  });
});
