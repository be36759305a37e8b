import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { MemorySessionStore } from "../src/runtime/sessions.js";
import { connect, post, start } from "./helpers.js";

// The guide's chatbot, with a deterministic reply so histories can be compared exactly.
function chat(message: string, history: [string, string][] = []) {
  history.push([message, message.startsWith("How") ? "Good" : "I don't know"]);
  return [history, history];
}

describe("session state through @gradio/client", () => {
  let app: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    app = await start(new tr.Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"], allowFlagging: "never" }));
  });
  afterAll(() => app.close());

  it("keeps the history across calls of one client, and a new client starts empty", async () => {
    const client = await connect(app.base);
    await client.predict("/predict", ["How are you?"]);
    const second = await client.predict("/predict", ["Where?"]);
    expect(second.data).toEqual([
      [
        ["How are you?", "Good"],
        ["Where?", "I don't know"],
      ],
    ]);
    const fresh = await connect(app.base);
    expect((await fresh.predict("/predict", ["Hi"])).data).toEqual([[["Hi", "I don't know"]]]);
  });

  it("never shows one client's history to another, with 200 clients calling at once", async () => {
    const clients = await Promise.all(Array.from({ length: 200 }, () => connect(app.base)));
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      const results = await Promise.all(clients.map((c, i) => c.predict("/predict", [`client ${i} round ${round}`])));
      results.forEach((r, i) => {
        const history = (r.data as unknown[])[0] as [string, string][];
        expect(history.map((pair) => pair[0])).toEqual(Array.from({ length: round + 1 }, (_, k) => `client ${i} round ${k}`));
      });
    }
  });

  it("does not send state to the client", async () => {
    const r = await post(app.base, "/gradio_api/run/predict", { data: ["How?", { injected: true }], session_hash: "abc123" });
    expect(r.status).toBe(200);
    expect(r.json.data).toEqual([[["How?", "Good"]], null]);
  });
});

describe("State(value)", () => {
  it("gives every session its own deep copy of the initial value", async () => {
    const initial = { count: 0, items: [] as string[] };
    const fn = (item: string, s: typeof initial) => {
      s.count++;
      s.items.push(item);
      return [JSON.stringify(s), s];
    };
    const app = await start(new tr.Interface({ fn, inputs: ["text", new tr.State(initial)], outputs: ["text", new tr.State()] }));
    try {
      const a = await connect(app.base);
      const b = await connect(app.base);
      await a.predict("/predict", ["x"]);
      expect((await a.predict("/predict", ["y"])).data).toEqual([JSON.stringify({ count: 2, items: ["x", "y"] })]);
      expect((await b.predict("/predict", ["z"])).data).toEqual([JSON.stringify({ count: 1, items: ["z"] })]);
      expect(initial).toEqual({ count: 0, items: [] });
    } finally {
      await app.close();
    }
  });

  it("calls a function value once per session", async () => {
    let made = 0;
    const iface = new tr.Interface({
      fn: (_: string, id: number) => [String(id), id],
      inputs: ["text", new tr.State(() => ++made)],
      outputs: ["text", "state"],
    });
    const app = await start(iface);
    try {
      const a = await connect(app.base);
      const first = (await a.predict("/predict", ["."])).data;
      expect((await a.predict("/predict", ["."])).data).toEqual(first);
      const b = await connect(app.base);
      expect((await b.predict("/predict", ["."])).data).not.toEqual(first);
    } finally {
      await app.close();
    }
  });
});

describe("construction rules for state", () => {
  it("allows one state input and one state output only", () => {
    expect(() => new tr.Interface({ fn: () => 1, inputs: ["state", "state"], outputs: ["state", "state"] } as any)).toThrowCode("TR_ERR_OPTION_CONFLICT");
    expect(() => new tr.Interface({ fn: () => 1, inputs: ["text", "state"], outputs: ["text"] } as any)).toThrowCode("TR_ERR_OPTION_CONFLICT");
  });
});

describe("session eviction", () => {
  it("drops the least recently used session past capacity", () => {
    const store = new MemorySessionStore({ capacity: 2 });
    store.set("a", new Map([[1, "A"]]));
    store.set("b", new Map([[1, "B"]]));
    store.get("a");
    store.set("c", new Map([[1, "C"]]));
    expect(store.get("b")).toBeUndefined();
    expect(store.get("a")?.get(1)).toBe("A");
    expect(store.get("c")?.get(1)).toBe("C");
  });

  it("drops sessions idle longer than the TTL, and a read refreshes the age", () => {
    let now = 1000;
    const store = new MemorySessionStore({ ttlMs: 30, clock: () => now });
    store.set("a", new Map([[1, "A"]]));
    store.set("b", new Map([[1, "B"]]));
    now += 20;
    expect(store.get("a")).toBeDefined();
    now += 20;
    expect(store.get("b")).toBeUndefined();
    expect(store.get("a")?.get(1)).toBe("A");
    now += 31;
    expect(store.get("a")).toBeUndefined();
  });

  it("rejects bad settings with a message naming them", () => {
    expect(() => new MemorySessionStore({ capacity: 0 })).toThrowCode("TR_ERR_OPTION_INVALID", /sessionCapacity/);
    expect(() => new MemorySessionStore({ ttlMs: -1 })).toThrowCode("TR_ERR_OPTION_INVALID", /sessionTtlMs/);
  });

  it("uses the capacity given to launch", async () => {
    const app = await start(new tr.Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"] }), { stateSessionCapacity: 1 });
    try {
      const first = await connect(app.base);
      await first.predict("/predict", ["How?"]);
      const second = await connect(app.base);
      await second.predict("/predict", ["Hi"]);
      // The first session was evicted by the second, so it starts over.
      expect((await first.predict("/predict", ["Again"])).data).toEqual([[["Again", "I don't know"]]]);
    } finally {
      await app.close();
    }
  });
});
