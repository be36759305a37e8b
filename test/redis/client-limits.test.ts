// maxPerClient and maxUploadsPerClient with several processes: two launches of one app on one Redis count
// what an address holds at once together, so running more processes behind a balancer does not multiply
// what one client may hold; a process that dies leaves no share behind.
import { connect as connectTcp } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as tr from "../../src/index.js";
import { Liveness, RedisTally } from "../../src/server/redis-tally.js";
import { MAX_SESSIONS_PER_CLIENT } from "../../src/server/routes/mcp.js";
import { mcpInitialize, start } from "../helpers.js";
import { startRedis, type TestRedis } from "../redis-server.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** Two launches' worth of an echo that waits at a gate: `started` counts calls that began, `open()` lets them all finish. */
function gated() {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const state = { started: 0, open: () => open() };
  const app = () =>
    new tr.Interface({
      fn: async (s: string) => {
        state.started++;
        await gate;
        return s;
      },
      inputs: "text",
      outputs: "text",
      concurrencyLimit: null,
    });
  return Object.assign(state, { app });
}

it("holds maxPerClient for the app as a whole: calls held on one process count on the other", { timeout: 60_000 }, async () => {
  const g = gated();
  const opts = { trustProxy: true, redis: { url: redis.url, prefix: "t:calls" }, queue: { maxPerClient: 3 } };
  const [a, b] = await Promise.all([start(g.app(), opts), start(g.app(), opts)]);
  const call = (to: { base: string }, text: string, from = "203.0.113.7") =>
    fetch(`${to.base}/gradio_api/run/predict`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": from },
      body: JSON.stringify({ data: [text] }),
    }).then(async (r) => ({ status: r.status, json: await r.json() }));
  const client = new Redis(redis.url);
  try {
    // Three calls held (running), two taken by a and one by b.
    const held = [call(a, "one"), call(b, "two"), call(a, "three")];
    await expect.poll(() => g.started, { timeout: 10_000 }).toBe(3);
    // A fourth from the same address is refused by either process.
    for (const to of [b, a]) {
      const refused = await call(to, "four");
      expect(refused.status).toBe(429);
      expect(refused.json).toMatchObject({ code: "TR_ERR_RATE_LIMITED" });
      expect(refused.json.error).toContain("at most 3");
    }
    // Another address has its own allowance.
    const other = call(b, "other", "198.51.100.9");
    await expect.poll(() => g.started, { timeout: 10_000 }).toBe(4);
    // The shares are in Redis, one field per process.
    const shares = await client.hgetall("t:calls:held:calls:203.0.113.7");
    expect(Object.values(shares).map(Number).sort()).toEqual([1, 2]);
    g.open();
    expect((await Promise.all([...held, other])).map((r) => r.json.data?.[0])).toEqual(["one", "two", "three", "other"]);
    // Given back once answered, wherever they ran: the address may call again and Redis holds nothing for it.
    await expect.poll(() => client.exists("t:calls:held:calls:203.0.113.7")).toBe(0);
    expect((await call(b, "five")).json.data).toEqual(["five"]);
  } finally {
    g.open();
    client.disconnect();
    await Promise.all([a.close(), b.close()]);
  }
});

it("admits exactly maxPerClient of 400 calls sent at once from one address to two processes", { timeout: 60_000 }, async () => {
  const g = gated();
  const opts = { trustProxy: true, redis: { url: redis.url, prefix: "t:burst" }, queue: { maxPerClient: 50 } };
  const [a, b] = await Promise.all([start(g.app(), opts), start(g.app(), opts)]);
  const client = new Redis(redis.url);
  try {
    const answers = Array.from({ length: 400 }, (_, i) =>
      fetch(`${(i % 2 ? a : b).base}/gradio_api/run/predict`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "192.0.2.77" },
        body: JSON.stringify({ data: [`c${i}`] }),
      }).then(async (r) => ({ status: r.status, json: await r.json() })),
    );
    // The refused answer at once; the admitted wait at the gate.
    const settled = new Set<number>();
    answers.forEach((p, i) => void p.then(() => settled.add(i)));
    await expect.poll(() => settled.size, { timeout: 30_000 }).toBe(350);
    await expect.poll(() => g.started, { timeout: 10_000 }).toBe(50);
    const held = Object.values(await client.hgetall("t:burst:held:calls:192.0.2.77")).map(Number);
    expect(held.reduce((x, y) => x + y, 0)).toBe(50);
    g.open();
    const all = await Promise.all(answers);
    expect(all.filter((r) => r.status === 429)).toHaveLength(350);
    expect(all.filter((r) => r.status === 200).every((r) => typeof r.json.data?.[0] === "string")).toBe(true);
    await expect.poll(() => client.exists("t:burst:held:calls:192.0.2.77")).toBe(0);
  } finally {
    g.open();
    client.disconnect();
    await Promise.all([a.close(), b.close()]);
  }
});

it("holds maxUploadsPerClient for the app as a whole: slow uploads on one process count on the other", { timeout: 60_000 }, async () => {
  const app = () => new tr.Interface({ fn: (s: string) => s, inputs: "text", outputs: "text" });
  const opts = { redis: { url: redis.url, prefix: "t:uploads" }, maxUploadsPerClient: 2 };
  const [a, b] = await Promise.all([start(app(), opts), start(app(), opts)]);
  const boundary = "----slowupload";
  const part = `--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="a.txt"\r\ncontent-type: text/plain\r\n\r\n`;
  const head = `POST /gradio_api/upload HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: multipart/form-data; boundary=${boundary}\r\ncontent-length: 100000\r\n\r\n`;
  const slow = (to: { base: string }) => {
    const socket = connectTcp(Number(new URL(to.base).port), "127.0.0.1");
    socket.on("error", () => {});
    socket.write(head + part + "a");
    return socket;
  };
  const upload = (to: { base: string }) => {
    const form = new FormData();
    form.append("files", new Blob(["hello"]), "b.txt");
    return fetch(`${to.base}/gradio_api/upload`, { method: "POST", body: form });
  };
  const sockets = [slow(a), slow(b)];
  try {
    // One slow upload on each process holds both of the address's slots: a third is refused by either.
    // (Their headers must reach the servers before anything else asks: a third upload sent meanwhile could take a slot first.)
    const client = new Redis(redis.url);
    const held = async () => Object.values(await client.hgetall("t:uploads:held:uploads:127.0.0.1")).map(Number);
    await expect.poll(held, { timeout: 10_000 }).toEqual([1, 1]);
    client.disconnect();
    expect((await upload(a)).status).toBe(429);
    const refused = await upload(b);
    expect([refused.status, (await refused.json()).code]).toEqual([429, "TR_ERR_RATE_LIMITED"]);
    // One ends (its client gives up): its slot is given back in Redis, and the other process takes uploads again.
    sockets[0].destroy();
    await expect.poll(async () => (await upload(b)).status, { timeout: 10_000 }).toBe(200);
  } finally {
    for (const s of sockets) s.destroy();
    await Promise.all([a.close(), b.close()]);
  }
});

it("drops the share of a process that stops marking itself alive (it died, or lost Redis), so its address is not refused for good", { timeout: 30_000 }, async () => {
  const dying = new Redis(redis.url);
  const living = new Redis(redis.url);
  const aliveMs = 600;
  const [aliveA, aliveB] = [new Liveness(dying, "t:tally:alive", aliveMs), new Liveness(living, "t:tally:alive", aliveMs)];
  const a = new RedisTally(2, "t:tally:held:x:", aliveA);
  const b = new RedisTally(2, "t:tally:held:x:", aliveB);
  try {
    expect([await a.take("k"), await a.take("k"), await b.take("k")]).toEqual([true, true, false]);
    // a's process dies holding both: until its mark lapses its share counts...
    dying.disconnect();
    expect(await b.take("k")).toBe(false);
    // ...and after, it is dropped.
    await new Promise((r) => setTimeout(r, aliveMs + 200));
    expect([await b.take("k"), await b.take("k"), await b.take("k")]).toEqual([true, true, false]);
    expect(await living.hkeys("t:tally:held:x:k")).toHaveLength(1);
    // Given back, the key goes.
    b.give("k");
    b.give("k");
    await expect.poll(() => living.exists("t:tally:held:x:k")).toBe(0);
  } finally {
    await aliveA.close();
    await aliveB.close();
    living.disconnect();
  }
});

it("keeps a living process's share while it holds it, however long: its mark is renewed", { timeout: 30_000 }, async () => {
  const client = new Redis(redis.url);
  const aliveMs = 300;
  const [aliveA, aliveB] = [new Liveness(client, "t:renew:alive", aliveMs), new Liveness(client, "t:renew:alive", aliveMs)];
  const a = new RedisTally(1, "t:renew:held:x:", aliveA);
  const b = new RedisTally(1, "t:renew:held:x:", aliveB);
  try {
    expect(await a.take("k")).toBe(true);
    await new Promise((r) => setTimeout(r, aliveMs * 4));
    expect(await b.take("k")).toBe(false);
    a.give("k");
    await expect.poll(() => b.take("k")).toBe(true);
  } finally {
    await aliveA.close();
    await aliveB.close();
    client.disconnect();
  }
});

it("lets go of a closing process's share at once (it leaves the live processes), and marks each process once whatever its tallies", { timeout: 30_000 }, async () => {
  const client = new Redis(redis.url);
  const [aliveA, aliveB] = [new Liveness(client, "t:leave:alive"), new Liveness(client, "t:leave:alive")];
  // Two tallies of process A count under its one mark.
  const calls = new RedisTally(2, "t:leave:held:calls:", aliveA);
  const uploads = new RedisTally(1, "t:leave:held:uploads:", aliveA);
  const other = new RedisTally(2, "t:leave:held:calls:", aliveB);
  try {
    expect([await calls.take("k"), await calls.take("k"), await uploads.take("k"), await other.take("k")]).toEqual([true, true, true, false]);
    expect(await client.zcard("t:leave:alive")).toBe(2);
    await aliveA.close();
    // Without waiting for the 30 s mark to lapse.
    expect([await other.take("k"), await other.take("k"), await other.take("k")]).toEqual([true, true, false]);
    expect(await client.zcard("t:leave:alive")).toBe(1);
  } finally {
    await aliveB.close();
    client.disconnect();
  }
});

it("holds the MCP sessions per address for the app as a whole; a session ended through another process gives its place back", { timeout: 120_000 }, async () => {
  const app = () => new tr.Interface({ fn: (s: string) => `hi ${s}`, inputs: "text", outputs: "text", allowFlagging: "never" });
  const opts = { mcpServer: true, trustProxy: true, redis: { url: redis.url, prefix: "t:mcp-held" } };
  const [a, b] = await Promise.all([start(app(), opts), start(app(), opts)]);
  const initialize = (to: { base: string }, from = "203.0.113.9") => mcpInitialize(to.base, from);
  try {
    const onA: string[] = [];
    for (let i = 0; i < MAX_SESSIONS_PER_CLIENT; i++) {
      const r = await initialize(i % 2 ? b : a);
      expect(r.status).toBe(200);
      if (!(i % 2)) onA.push(r.id!);
    }
    // Half opened on each: the next is refused by either process, on either transport.
    for (const to of [a, b]) expect((await initialize(to)).status).toBe(429);
    expect((await fetch(`${b.base}/gradio_api/mcp/sse`, { headers: { "x-forwarded-for": "203.0.113.9" } })).status).toBe(429);
    // Another address is not affected.
    expect((await initialize(b, "198.51.100.77")).status).toBe(200);
    // A session opened on a, ended through b: its place comes back (a closes it on hearing).
    const ended = await fetch(`${b.base}/gradio_api/mcp/`, { method: "DELETE", headers: { "mcp-session-id": onA[0], "x-forwarded-for": "203.0.113.9" } });
    expect(ended.status).toBe(200);
    await expect.poll(async () => (await initialize(b)).status, { timeout: 10_000 }).toBe(200);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
