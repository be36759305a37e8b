// URL inputs are fetched without server-side request forgery. Nothing here leaves 127.0.0.1: names are
// resolved by an injected resolver, and refused addresses are refused before any connection is made.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handle_file } from "@gradio/client";
import * as tr from "../src/index.js";
import { addressRange, allowEntryProblem, allowListed, isPublicAddress, openUrl, type FetchPolicy } from "../src/runtime/fetch-url.js";
import { connect, start } from "./helpers.js";
import { ValidationError } from "../src/core/errors.js";

describe("address ranges", () => {
  it("refuses loopback, private, link-local, unique-local, multicast, unspecified and friends, IPv4 and IPv6", () => {
    const refused: [string, string][] = [
      ["127.0.0.1", "loopback"],
      ["127.255.0.9", "loopback"],
      ["10.1.2.3", "private"],
      ["172.16.0.1", "private"],
      ["172.31.255.255", "private"],
      ["192.168.1.1", "private"],
      ["169.254.169.254", "linkLocal"], // cloud metadata
      ["100.64.0.1", "carrierGradeNat"],
      ["0.0.0.0", "unspecified"],
      ["224.0.0.1", "multicast"],
      ["255.255.255.255", "broadcast"],
      ["::1", "loopback"],
      ["::", "unspecified"],
      ["fe80::1", "linkLocal"],
      ["fc00::1", "uniqueLocal"],
      ["fd12:3456::1", "uniqueLocal"],
      ["ff02::1", "multicast"],
      ["::ffff:127.0.0.1", "loopback"], // IPv4-mapped: judged as the IPv4 address
      ["::ffff:10.0.0.1", "private"],
      ["::ffff:7f00:1", "loopback"],
      ["::7f00:1", "ipv4Compatible"], // ::127.0.0.1, as the URL parser and DNS write it
      ["64:ff9b::7f00:1", "rfc6052"], // NAT64 of a loopback address
      ["2002:7f00:1::", "6to4"],
      ["fec0::1", "deprecatedSiteLocal"],
    ];
    for (const [ip, range] of refused) {
      expect(addressRange(ip), ip).toBe(range);
      expect(isPublicAddress(ip), ip).toBe(false);
    }
    for (const ip of ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) expect(isPublicAddress(ip), ip).toBe(true);
    expect(isPublicAddress("not an ip")).toBe(false);
  });

  it("matches allow-list entries by host name, address and CIDR range, across IPv4-mapped forms", () => {
    expect(allowListed("files.internal", "10.0.0.5", ["files.internal"])).toBe(true);
    expect(allowListed("FILES.internal", "10.0.0.5", ["files.internal"])).toBe(true);
    expect(allowListed("other.internal", "10.0.0.5", ["files.internal"])).toBe(false);
    expect(allowListed("x", "127.0.0.1", ["127.0.0.1"])).toBe(true);
    expect(allowListed("x", "::ffff:127.0.0.1", ["127.0.0.1"])).toBe(true);
    expect(allowListed("x", "127.0.0.2", ["127.0.0.1"])).toBe(false);
    expect(allowListed("x", "10.9.8.7", ["10.0.0.0/8"])).toBe(true);
    expect(allowListed("x", "11.0.0.1", ["10.0.0.0/8"])).toBe(false);
    expect(allowListed("x", "fd00::5", ["fd00::/8"])).toBe(true);
    expect(allowListed("x", "10.0.0.1", ["::ffff:10.0.0.0/104"])).toBe(true);
    expect(allowListed("x", "fd00::5", ["10.0.0.0/8"])).toBe(false);
  });

  it("checks allow-list entries", () => {
    for (const ok of ["files.internal", "127.0.0.1", "::1", "10.0.0.0/8", "fd00::/8"]) expect(allowEntryProblem(ok), ok).toBeNull();
    for (const bad of ["http://x", "10.0.0.0/33", "a b", "*"]) expect(allowEntryProblem(bad), bad).toMatch(/not a/);
  });
});

/** A local server: `/file.txt`, redirects, a big body, a body that never ends. */
function fixtureServer() {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.headers.host} ${req.url}`);
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/file.txt") return res.end("hello from the fixture");
    if (url.pathname === "/photo") return res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    if (url.pathname === "/redirect") return res.writeHead(302, { location: url.searchParams.get("to") ?? "/file.txt" }).end();
    if (url.pathname === "/loop") return res.writeHead(302, { location: "/loop" }).end();
    if (url.pathname === "/big") return res.end(Buffer.alloc(5000, 1));
    if (url.pathname === "/big-chunked") {
      res.writeHead(200, { "transfer-encoding": "chunked" });
      for (let i = 0; i < 5; i++) res.write(Buffer.alloc(1000, 2));
      return res.end();
    }
    if (url.pathname === "/stall") return res.writeHead(200).write("partial"); // never ends
    res.writeHead(404).end();
  });
  return { server, hits };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Opens a URL and reads its whole body (the store streams it to disk instead). */
async function fetchUrl(url: string, policy: FetchPolicy) {
  const opened = await openUrl(url, policy);
  const chunks: Buffer[] = [];
  for await (const chunk of opened.body) chunks.push(chunk);
  return { ...opened, data: Buffer.concat(chunks) };
}

describe("openUrl", () => {
  const { server, hits } = fixtureServer();
  let port: number;
  const lookups: string[] = [];
  // Every test name resolves to 127.0.0.1; "rebind.test" would switch to another address on a second lookup.
  let rebindCount = 0;
  const resolve: FetchPolicy["resolve"] = async (hostname) => {
    lookups.push(hostname);
    if (hostname === "rebind.test") return [{ address: rebindCount++ === 0 ? "127.0.0.1" : "10.0.0.1", family: 4 }];
    if (hostname === "db.internal.test") return [{ address: "10.1.2.3", family: 4 }];
    if (hostname === "mixed.test") return [{ address: "8.8.8.8", family: 4 }, { address: "127.0.0.1", family: 4 }];
    if (hostname.endsWith(".test")) return [{ address: "127.0.0.1", family: 4 }];
    throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
  };
  const policy = (over: Partial<FetchPolicy> = {}): FetchPolicy => ({ allow: [], maxBytes: 1 << 20, timeoutMs: 5000, maxRedirects: 3, resolve, ...over });

  beforeAll(async () => {
    port = await listen(server);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("refuses 127.0.0.1 by default, by address and by a name resolving to it, without connecting", async () => {
    const before = hits.length;
    await expect(fetchUrl(`http://127.0.0.1:${port}/file.txt`, policy())).rejects.toThrowCode("TR_ERR_FETCH_REFUSED", /127\.0\.0\.1.*not allowed.*fetchAllowList/);
    await expect(fetchUrl(`http://files.test:${port}/file.txt`, policy())).rejects.toThrowCode("TR_ERR_FETCH_REFUSED");
    await expect(fetchUrl(`http://[::ffff:127.0.0.1]:${port}/file.txt`, policy())).rejects.toThrowCode("TR_ERR_FETCH_REFUSED");
    await expect(fetchUrl(`http://0x7f.1:${port}/file.txt`, policy())).rejects.toThrowCode("TR_ERR_FETCH_REFUSED"); // the URL parser's IPv4 forms
    await expect(fetchUrl(`http://mixed.test:${port}/file.txt`, policy())).rejects.toThrowCode("TR_ERR_FETCH_REFUSED", /mixed\.test.*not allowed/); // one bad address is enough
    expect(hits.length).toBe(before);
  });

  it("does not say what a refused host resolves to (no map of the internal network), only how to allow it", async () => {
    for (const host of ["mixed.test", "db.internal.test"]) {
      const err = await fetchUrl(`http://${host}:${port}/file.txt`, policy()).catch((e: Error) => e);
      expect(err).toMatchObject({ code: "TR_ERR_FETCH_REFUSED" });
      const message = (err as Error).message;
      expect(message).toMatch(new RegExp(`${host.replaceAll(".", "\\.")}.*not allowed.*fetchAllowList`));
      for (const leak of ["127.0.0.1", "10.1.2.3", "8.8.8.8", "loopback", "private", "resolves"]) expect(message).not.toContain(leak);
    }
  });

  it("fetches 127.0.0.1 once it is on the allow-list, by address or by name", async () => {
    const byAddress = await fetchUrl(`http://127.0.0.1:${port}/file.txt`, policy({ allow: ["127.0.0.1"] }));
    expect(byAddress.data.toString()).toBe("hello from the fixture");
    const byName = await fetchUrl(`http://files.test:${port}/file.txt`, policy({ allow: ["files.test"] }));
    expect(byName.data.toString()).toBe("hello from the fixture");
    const byRange = await fetchUrl(`http://files.test:${port}/file.txt`, policy({ allow: ["127.0.0.0/8"] }));
    expect(byRange.data.toString()).toBe("hello from the fixture");
  });

  it("connects to the address it checked: one lookup per hop, the name still sent as Host", async () => {
    rebindCount = 0;
    lookups.length = 0;
    const res = await fetchUrl(`http://rebind.test:${port}/file.txt`, policy({ allow: ["127.0.0.1"] }));
    expect(res.data.toString()).toBe("hello from the fixture");
    // The system resolver knows no "rebind.test", and a second lookup would have said 10.0.0.1:
    // the connection used the pinned, checked address.
    expect(lookups).toEqual(["rebind.test"]);
    expect(hits.at(-1)).toBe(`rebind.test:${port} /file.txt`);
  });

  it("checks every redirect hop again and bounds the number of redirects", async () => {
    const ok = await fetchUrl(`http://a.test:${port}/redirect?to=/file.txt`, policy({ allow: ["127.0.0.1"] }));
    expect(ok.data.toString()).toBe("hello from the fixture");
    expect(ok.url.pathname).toBe("/file.txt");
    // a.test is allowed by name; the redirect's target is not, though it is the same machine.
    const to = encodeURIComponent(`http://evil.test:${port}/file.txt`);
    const before = hits.length;
    await expect(fetchUrl(`http://a.test:${port}/redirect?to=${to}`, policy({ allow: ["a.test"] }))).rejects.toThrowCode("TR_ERR_FETCH_REFUSED", /evil\.test/);
    expect(hits.length).toBe(before + 1); // the first hop only
    await expect(fetchUrl(`http://a.test:${port}/loop`, policy({ allow: ["a.test"] }))).rejects.toThrowCode("TR_ERR_FETCH_FAILED", /at most 3/);
    const toFile = encodeURIComponent("file:///etc/passwd");
    await expect(fetchUrl(`http://a.test:${port}/redirect?to=${toFile}`, policy({ allow: ["a.test"] }))).rejects.toThrowCode("TR_ERR_FETCH_REFUSED");
  });

  it("bounds size (declared or streamed) and time", async () => {
    const small = policy({ allow: ["127.0.0.1"], maxBytes: 4096 });
    await expect(fetchUrl(`http://127.0.0.1:${port}/big`, small)).rejects.toThrowCode("TR_ERR_FILE_TOO_LARGE", /4096 bytes/);
    await expect(fetchUrl(`http://127.0.0.1:${port}/big-chunked`, small)).rejects.toThrowCode("TR_ERR_FILE_TOO_LARGE");
    expect((await fetchUrl(`http://127.0.0.1:${port}/big`, policy({ allow: ["127.0.0.1"], maxBytes: 5000 }))).data.length).toBe(5000);
    await expect(fetchUrl(`http://127.0.0.1:${port}/stall`, policy({ allow: ["127.0.0.1"], timeoutMs: 300 }))).rejects.toThrowCode("TR_ERR_FETCH_FAILED", /0\.3 s/);
  });

  it("refuses other schemes, credentials, bad URLs, unknown hosts and HTTP errors with a ValidationError", async () => {
    const p = policy({ allow: ["127.0.0.1"] });
    await expect(fetchUrl("file:///etc/passwd", p)).rejects.toThrowCode("TR_ERR_FETCH_REFUSED");
    await expect(fetchUrl("ftp://x.test/a", p)).rejects.toThrowCode("TR_ERR_FETCH_REFUSED");
    await expect(fetchUrl(`http://user:pw@127.0.0.1:${port}/file.txt`, p)).rejects.toThrowCode("TR_ERR_FETCH_REFUSED");
    await expect(fetchUrl("http://", p)).rejects.toThrowCode("TR_ERR_FETCH_REFUSED");
    await expect(fetchUrl("http://nowhere.invalid/a", p)).rejects.toThrowCode("TR_ERR_FETCH_FAILED");
    await expect(fetchUrl(`http://127.0.0.1:${port}/missing`, p)).rejects.toThrowCode("TR_ERR_FETCH_FAILED", /HTTP 404/);
    await expect(fetchUrl(`http://127.0.0.1:${port}/missing`, p)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("a URL given as a file input", () => {
  const { server } = fixtureServer();
  let port: number;
  const read = async (file: string | null) => `${file!.split("/").pop()}:${await readFile(file!, "utf8")}`;
  beforeAll(async () => {
    port = await listen(server);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("is refused for 127.0.0.1 by default, with a message, through @gradio/client's handle_file", async () => {
    const app = await start(new tr.Interface({ fn: read, inputs: "file", outputs: "text" }));
    try {
      const client = await connect(app.base);
      await expect(client.predict("/predict", [handle_file(`http://127.0.0.1:${port}/file.txt`)])).rejects.toMatchObject({
        message: expect.stringMatching(/refusing to fetch .*not allowed/),
      });
    } finally {
      await app.close();
    }
  });

  it("is fetched into the file store when the address is on launch({ fetchAllowList })", async () => {
    const app = await start(new tr.Interface({ fn: read, inputs: "file", outputs: "text" }), { fetchAllowList: ["127.0.0.1"] });
    try {
      const client = await connect(app.base);
      expect((await client.predict("/predict", [handle_file(`http://127.0.0.1:${port}/file.txt`)])).data).toEqual(["file.txt:hello from the fixture"]);
      // A name without an extension gets one from the content type, so file-type checks still work.
      const named = await client.predict("/predict", [handle_file(`http://127.0.0.1:${port}/photo`)]);
      expect((named.data as string[])[0]).toMatch(/^photo\.png:/);
    } finally {
      await app.close();
    }
  });

  it("is bounded by maxFileSize, and only http(s) is fetched", async () => {
    const app = await start(new tr.Interface({ fn: read, inputs: "file", outputs: "text" }), { fetchAllowList: ["127.0.0.0/8"], maxFileSize: 4096 });
    try {
      const big = await fetch(`${app.base}/gradio_api/run/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: [{ path: `http://127.0.0.1:${port}/big`, meta: { _type: "gradio.FileData" } }] }),
      });
      expect(big.status).toBe(422);
      const bigBody = await big.json();
      expect(bigBody.code).toBe("TR_ERR_FILE_TOO_LARGE");
      expect(bigBody.error).toMatch(/4096 bytes/);
      const file = await fetch(`${app.base}/gradio_api/run/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: [{ path: "file:///etc/passwd", meta: { _type: "gradio.FileData" } }] }),
      });
      expect(file.status).toBe(422);
      const fileBody = await file.json();
      expect(fileBody.code).toBe("TR_ERR_INVALID_VALUE");
      expect(fileBody.error).toMatch(/only http\(s\) URLs/);
    } finally {
      await app.close();
    }
  });

  it("refuses a bad fetchAllowList entry at launch, naming the option", async () => {
    await expect(start(new tr.Interface({ fn: read, inputs: "file", outputs: "text" }), { fetchAllowList: ["http://x/"] })).rejects.toThrowCode(
      "TR_ERR_OPTION_INVALID",
      /fetchAllowList.*"http:\/\/x\/"/,
    );
  });
});
