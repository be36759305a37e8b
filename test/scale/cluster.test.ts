// Three processes behind nginx round robin (no sticky sessions): any request may land on any of them.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@gradio/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "./cluster.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const chatApp = path.resolve(here, "../fixtures/scale-app.ts");
const filesApp = path.resolve(here, "../fixtures/scale-files-app.ts");

describe("3 processes behind nginx", { timeout: 300_000 }, () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(chatApp);
  }, 300_000);
  afterAll(() => cluster?.stop(), 60_000);

  it("200 @gradio/client sessions with state: every answer right, no cross-talk, calls on every process", async () => {
    const clients = await Promise.all(Array.from({ length: 200 }, () => Client.connect(cluster.url)));
    const pids = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(clients.map((c, i) => c.predict("/predict", [`c${i}r${round}`, 1])));
      results.forEach((r, i) => {
        const [pid, history] = String((r.data as unknown[])[0]).split("|");
        pids.add(pid);
        expect(history).toBe(Array.from({ length: round + 1 }, (_, k) => `c${i}r${k}`).join(","));
      });
    }
    expect(pids.size).toBe(3);
    for (const c of clients) c.close();
  });

  it("streams a generator's tokens through nginx, whichever process runs it", async () => {
    const client = await Client.connect(cluster.url);
    const job = client.submit("/predict", ["abcdefghij", 5]);
    const seen: string[] = [];
    for await (const m of job) {
      if (m.type === "data") seen.push(String((m.data as unknown[])[0]).split("|")[1]);
      if (m.type === "status" && (m.stage === "complete" || m.stage === "error")) break;
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toBe("abcdefghij");
    client.close();
  });

  it("kill -9 of one process: streams on it end, and new joins through nginx work", async () => {
    const clients = await Promise.all(Array.from({ length: 9 }, () => Client.connect(cluster.url)));
    // Long streams (300 steps of 10 ms), some of them held by the process about to die.
    const ends = clients.map(async (c) => {
      const job = c.submit("/predict", ["long", 300]);
      for await (const m of job) if (m.type === "status" && (m.stage === "complete" || m.stage === "error")) return m.stage;
      return "ended";
    });
    await new Promise((r) => setTimeout(r, 500));
    const victim = cluster.procs[0];
    victim.child.kill("SIGKILL");
    const outcomes = await Promise.race([Promise.all(ends), new Promise<never>((_, reject) => setTimeout(() => reject(new Error("a stream did not end")), 60_000))]);
    expect(outcomes).toHaveLength(9);
    const fresh = await Client.connect(cluster.url);
    for (let i = 0; i < 6; i++) {
      const r = await fresh.predict("/predict", [`after${i}`, 1]);
      expect(String((r.data as unknown[])[0]).split("|")[1]).toBe(Array.from({ length: i + 1 }, (_, k) => `after${k}`).join(","));
    }
    for (const c of [...clients, fresh]) c.close();
  });
});

describe("files across 3 processes in different working folders", { timeout: 300_000 }, () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(filesApp);
  }, 300_000);
  afterAll(() => cluster?.stop(), 60_000);

  it("an upload landing on one process is served and used as an input by the others", async () => {
    for (let i = 0; i < 6; i++) {
      const form = new FormData();
      form.append("files", new Blob([`note ${i}`]), `note${i}.txt`);
      const [stored] = (await (await fetch(`${cluster.url}/gradio_api/upload`, { method: "POST", body: form })).json()) as string[];
      // Three fetches in a row land on three processes (round robin).
      for (let k = 0; k < 3; k++) {
        const served = await fetch(`${cluster.url}/gradio_api/file=${stored}`);
        expect(served.status).toBe(200);
        expect(await served.text()).toBe(`note ${i}`);
      }
      // A one-shot call lands on whichever process nginx picks next, and runs on any worker.
      const res = await fetch(`${cluster.url}/gradio_api/run/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: [{ path: stored, meta: { _type: "gradio.FileData" } }] }),
      });
      const r = (await res.json()) as { data: string[] };
      expect(r.data[0].split("|")[1]).toBe(`note ${i}`);
    }
  });
});
