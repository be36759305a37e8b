import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { connect, post, rawGet, start } from "./helpers.js";

// Every route refuses what it cannot use with a 4xx and a message, and the server keeps answering.
describe("malformed requests", () => {
  let app: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    app = await start(new tr.Interface({ fn: (s: string, n: number | null) => `${s}:${n}`, inputs: ["text", "number"], outputs: "text" }));
  });
  afterAll(() => app.close());

  const expect4xx = (status: number) => {
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  };

  const routes = ["/gradio_api/queue/join", "/gradio_api/run/predict", "/gradio_api/cancel"];

  it.each(routes)("%s: bad JSON, a non-object body, and a wrong content type", async (route) => {
    for (const body of ["{not json", "[1,2]", '"text"', "null", "42"]) {
      const r = await post(app.base, route, body);
      expect4xx(r.status);
      expect(typeof (r.json?.error ?? r.json?.detail ?? r.json?.message)).toBe("string");
    }
    const r = await fetch(app.base + route, { method: "POST", headers: { "content-type": "text/xml" }, body: "<a/>" });
    expect4xx(r.status);
  });

  it("queue/join: missing session, unknown fn, wrong data type", async () => {
    const cases: [unknown, number][] = [
      [{ data: ["a", 1], fn_index: 0 }, 400],
      [{ data: ["a", 1], fn_index: 0, session_hash: "../../etc" }, 400],
      [{ data: ["a", 1], fn_index: 0, session_hash: { x: 1 } }, 400],
      [{ data: ["a", 1], fn_index: 99, session_hash: "s1" }, 404],
      [{ data: ["a", 1], fn_index: "0", session_hash: "s1" }, 404],
      [{ data: ["a", 1], fn_index: 1, session_hash: "s1" }, 404], // the Clear event has no backend function
      [{ data: "a", fn_index: 0, session_hash: "s1" }, 422],
      [{ fn_index: 0, session_hash: "s1" }, 422],
    ];
    for (const [body, status] of cases) {
      const r = await post(app.base, "/gradio_api/queue/join", body);
      expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), status]);
      expect(typeof r.json.error).toBe("string");
    }
  });

  it("run: unknown endpoint, wrong value types, too many values", async () => {
    expect((await post(app.base, "/gradio_api/run/nope", { data: [] })).status).toBe(404);
    const wrongType = await post(app.base, "/gradio_api/run/predict", { data: [["array"], 1] });
    expect(wrongType.status).toBe(422);
    expect(wrongType.json.code).toBe("TR_ERR_INVALID_VALUE");
    expect(wrongType.json.error).toMatch(/Textbox "s"/);
    const wrongNumber = await post(app.base, "/gradio_api/run/predict", { data: ["a", "one"] });
    expect(wrongNumber.status).toBe(422);
    expect(wrongNumber.json.code).toBe("TR_ERR_INVALID_VALUE");
    expect(wrongNumber.json.error).toMatch(/Number/);
    expect((await post(app.base, "/gradio_api/run/predict", { data: ["a", 1, 2] })).status).toBe(422);
    expect((await post(app.base, "/gradio_api/run/predict", { nodata: true })).status).toBe(400);
    expect((await post(app.base, "/gradio_api/run/predict", { data: ["a", 1], session_hash: 5 })).status).toBe(400);
  });

  it("a bad value sent through the queue reaches the client as an error, not a crash", async () => {
    const client = await connect(app.base);
    await expect(client.predict("/predict", [{ not: "text" }, 1])).rejects.toMatchObject({ message: expect.stringMatching(/expected a string/) });
    expect((await client.predict("/predict", ["still", 2])).data).toEqual(["still:2"]);
  });

  it("refuses huge bodies with 413", async () => {
    const big = JSON.stringify({ data: ["x".repeat(20 * 1024 * 1024), 1], fn_index: 0, session_hash: "big" });
    const r = await post(app.base, "/gradio_api/queue/join", big);
    expect(r.status).toBe(413);
  });

  it("queue/data: missing or malformed session, and an unknown session gets session_not_found", async () => {
    expect((await fetch(app.base + "/gradio_api/queue/data")).status).toBe(400);
    expect((await fetch(app.base + "/gradio_api/queue/data?session_hash=%00%01")).status).toBe(400);
    const r = await fetch(app.base + "/gradio_api/queue/data?session_hash=neverjoined");
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toContain('"session_not_found":true');
    expect(text).toContain('"close_stream"');
  });

  it("upload: not multipart, no files", async () => {
    const r1 = await post(app.base, "/gradio_api/upload", { files: [] });
    expect4xx(r1.status);
    const form = new FormData();
    form.append("note", "no file here");
    const r2 = await fetch(app.base + "/gradio_api/upload", { method: "POST", body: form });
    expect(r2.status).toBe(400);
  });

  it("file: outside the store, traversal and missing files all get the same 403", async () => {
    const bodies = new Set<string>();
    for (const p of ["/etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd", "package.json", "/nonexistent/file.txt", "..\\..\\etc\\passwd"]) {
      const r = await rawGet(app.base, `/gradio_api/file=${p}`);
      expect([p, r.status]).toEqual([p, 403]);
      expect(JSON.parse(r.body)).toMatchObject({ code: "TR_ERR_FILE_NOT_ALLOWED" });
      bodies.add(r.body);
    }
    expect(bodies.size).toBe(1);
  });

  it("unknown routes get 404 JSON, and the server still answers afterwards", async () => {
    const r = await fetch(app.base + "/gradio_api/nothing-here");
    expect(r.status).toBe(404);
    const client = await connect(app.base);
    expect((await client.predict("/predict", ["alive", 1])).data).toEqual(["alive:1"]);
  });
});
