import { createServer, request } from "node:http";
import { expect, it } from "vitest";
import { arrived, busy, endOfTurn } from "./turn.js";

const nextTurn = () => new Promise((r) => setImmediate(r));

it("gives every caller in one turn the same promise, settled in that turn's check phase, and a new one the next turn", async () => {
  await nextTurn();
  const order: string[] = [];
  const a = endOfTurn();
  expect(endOfTurn()).toBe(a);
  void a.then(() => order.push("end of turn"));
  setImmediate(() => order.push("immediate queued after"));
  await Promise.resolve();
  order.push("microtask");
  await a;
  await nextTurn();
  // Settled in the check phase, before what was queued there after it.
  expect(order).toEqual(["microtask", "end of turn", "immediate queued after"]);
  expect(endOfTurn()).not.toBe(a);
});

it("calls a request lone (answered at once) unless another was read in its turn or the one before", async () => {
  await nextTurn();
  await nextTurn();
  arrived();
  expect(busy()).toBe(false);
  arrived();
  expect(busy()).toBe(true);
  await nextTurn();
  // The turn after a busy one still batches...
  arrived();
  expect(busy()).toBe(true);
  await nextTurn();
  // ...and one after a lone turn does not.
  arrived();
  expect(busy()).toBe(false);
  await nextTurn();
});

it("holds replies to the end of the turn under load: requests read together are answered after all of them were read", async () => {
  // A plain server replying as the run route does: every request is read, then the replies go out together.
  const events: string[] = [];
  const server = createServer(async (req, res) => {
    arrived();
    events.push("read");
    if (busy()) await endOfTurn();
    events.push("reply");
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  const agent = new (await import("node:http")).Agent({ keepAlive: true });
  const get = () =>
    new Promise<string>((resolve, reject) =>
      request({ port, host: "127.0.0.1", agent }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c)).on("end", () => resolve(body));
      })
        .on("error", reject)
        .end(),
    );
  try {
    // Twenty connections opened, then twenty requests at once on them: several are read in one turn.
    await Promise.all(Array.from({ length: 20 }, get));
    events.length = 0;
    expect(await Promise.all(Array.from({ length: 20 }, get))).toEqual(Array(20).fill("ok"));
    // At least once, two requests were read before the first of their turn was answered.
    expect(events.join(" ")).toMatch(/read read/);
    expect(events.filter((e) => e === "reply")).toHaveLength(20);
  } finally {
    agent.destroy();
    await new Promise((r) => server.close(r));
  }
});
