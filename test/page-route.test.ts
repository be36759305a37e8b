// The page route: the HTML carries the config, the API description and a skeleton; everything is sent
// compressed; the hashed assets are immutable and shared by every app mounted on one server.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tr from "../src/index.js";
import { buildInfo } from "../src/protocol/config.js";
import { FRONTEND_DIR, scriptJson } from "../src/server/routes/page.js";
import { ensurePageBuilt } from "./browser/helpers.js";
import { raw, start } from "./helpers.js";

beforeAll(() => ensurePageBuilt());

/** The JSON the page embeds, parsed as the browser would read it. */
function embedded(html: string): any {
  const m = html.match(/<script type="application\/json" id="tradio-page">([^<]*)<\/script>/);
  expect(m, "the page embeds #tradio-page").not.toBeNull();
  return JSON.parse(m![1]);
}

const assetUrls = (html: string) => [...html.matchAll(/(?:src|href)="([^"]*assets\/[^"]+)"/g)].map((m) => m[1]);

const hostile = "</script><script>alert(1)</script><!-- \u2028";
const greet = (name: string) => `Hello, ${name}!`;

describe("the page route", () => {
  let app: Awaited<ReturnType<typeof start>>;
  const iface = new tr.Interface({ fn: greet, inputs: new tr.Textbox({ label: hostile }), outputs: "text", title: `T ${hostile}`, description: hostile });
  beforeAll(async () => {
    app = await start(iface);
  });
  afterAll(() => app.close());

  it("embeds /config and /gradio_api/info as JSON that no </script> can end", async () => {
    const res = await fetch(`${app.base}/`, { headers: { "accept-encoding": "identity" } });
    const html = await res.text();
    // One script element of JSON, and nothing of the hostile text outside it as markup.
    expect(html.match(/<script/g)?.length).toBe(4); // the theme script, the early controls' script, the page's module, the JSON
    expect(html).not.toContain("<script>alert(1)");
    const page = embedded(html);
    const config = await (await fetch(`${app.base}/config`)).json();
    expect(page.config).toEqual(config);
    expect(page.info).toEqual(buildInfo(iface.graph));
    expect(page.config.title).toBe(`T ${hostile}`);
    expect(html).toContain(`<title>T &#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#60;!-- \u2028</title>`);
    expect(scriptJson({ s: "</script><!--\u2028" })).toBe('{"s":"\\u003c/script>\\u003c!--\\u2028"}');
  });

  it("draws a skeleton of the layout: grey shapes hidden from assistive technology, text inputs and buttons as real controls", async () => {
    const html = await (await fetch(`${app.base}/`)).text();
    const skeleton = html.match(/<div id="app">(.*?)<\/div>\s*<noscript>/s)![1];
    expect(skeleton).toContain('<main class="sk-col"><span class="sk-sr">Loading</span>');
    // The input: a real field with its (escaped) label; the output: a grey shape, its label drawn by CSS.
    const label = "&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#60;!-- \u2028";
    const id = /<label class="sk-label" for="tr-early-(\d+)">/.exec(skeleton)![1];
    expect(skeleton).toContain(`<label class="sk-label" for="tr-early-${id}">${label}</label><input type="text" id="tr-early-${id}" class="sk-input" data-tr-early="${id}"`);
    expect(skeleton).toMatch(/<div class="sk-block" aria-hidden="true"><div class="sk-label" data-t="output"><\/div><div class="sk-field"/);
    // Buttons are buttons; Clear is marked as the reset the early script does itself.
    expect(skeleton).toMatch(/<button type="button" class="sk-btn sk-secondary" data-tr-early="\d+" data-tr-reset>Clear<\/button>/);
    expect(skeleton).toMatch(/<button type="button" class="sk-btn sk-primary" data-tr-early="\d+">Submit<\/button>/);
    expect(skeleton).not.toMatch(/<script|alert\(1\)<\/script/);
    // The early script is in the head, before the page's own.
    expect(html.indexOf("window.__tradioEarly")).toBeGreaterThan(0);
    expect(html.indexOf("window.__tradioEarly")).toBeLessThan(html.indexOf('<script type="module"'));
    // Every inline script parses (they are joined into one line, where a stray `//` would end them), and
    // the early one is handed the client's chunk to fetch on a first click.
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(inline.length).toBeGreaterThanOrEqual(2);
    for (const code of inline) expect(() => new Function(code)).not.toThrow();
    expect(inline.find((c) => c.startsWith("(function (preload)"))).toMatch(/\(\["[^"]*\/assets\/client-[^"]+\.js"\]\)$/);
  });

  it("writes a text area's value as text that cannot end it, and a number's bounds", async () => {
    const area = await start(
      new tr.Interface({ fn: (s: string, n: number | null) => `${s}${n}`, inputs: [new tr.Textbox({ lines: 3, value: "</textarea><script>alert(1)</script>" }), new tr.Number({ value: 2, minimum: 0, maximum: 9 })], outputs: "text" }),
    );
    try {
      const html = await (await fetch(`${area.base}/`)).text();
      expect(html).toContain('rows="3"');
      expect(html).toContain("&#60;/textarea&#62;&#60;script&#62;alert(1)&#60;/script&#62;</textarea>");
      expect(html).toMatch(/<input type="number" id="tr-early-2" class="sk-input" data-tr-early="2" style="height:\d+px" step="1" min="0" max="9" value="2">/);
    } finally {
      await area.close();
    }
  });

  it("sends the page compressed with brotli or gzip, as the browser accepts", async () => {
    const plain = await raw(app.base, { path: "/", headers: { "accept-encoding": "identity" } });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const br = await rawBytes(app.base, "/", { "accept-encoding": "gzip, deflate, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toContain("accept-encoding");
    expect(br.headers["cache-control"]).toBe("no-cache");
    expect(brotliDecompressSync(br.body).toString()).toContain('id="tradio-page"');
    expect(br.body.length).toBeLessThan(Buffer.byteLength(plain.body) / 2);
    const gz = await rawBytes(app.base, "/", { "accept-encoding": "gzip;q=1, br;q=0" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toContain('id="tradio-page"');
  });

  it("serves the hashed assets immutable for a year, precompressed", async () => {
    const html = await (await fetch(`${app.base}/`)).text();
    const urls = assetUrls(html);
    expect(urls.some((u) => u.endsWith(".js")) && urls.some((u) => u.endsWith(".css"))).toBe(true);
    for (const url of urls) {
      expect(url.startsWith("./assets/")).toBe(true);
      const name = url.slice("./assets/".length);
      const plain = await rawBytes(app.base, `/assets/${name}`, { "accept-encoding": "identity" });
      expect(plain.body.length).toBeGreaterThan(100);
      for (const [accept, encoding] of [["br, gzip", "br"], ["gzip", "gzip"], ["identity", undefined]] as const) {
        const res = await rawBytes(app.base, `/assets/${name}`, { "accept-encoding": accept });
        expect(res.status).toBe(200);
        expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
        expect(res.headers["content-encoding"]).toBe(encoding);
        const body = encoding === "br" ? brotliDecompressSync(res.body) : encoding === "gzip" ? gunzipSync(res.body) : res.body;
        expect(body.equals(plain.body)).toBe(true);
      }
    }
    // The build wrote both compressed copies of every script and stylesheet.
    const files = readdirSync(path.join(FRONTEND_DIR, "assets"));
    for (const f of files.filter((f) => /index-.*\.(js|css)$/.test(f))) expect(files).toEqual(expect.arrayContaining([`${f}.br`, `${f}.gz`]));
  });

  it("names the chunks of the app's component types in the page, and no others", async () => {
    const views = JSON.parse(readFileSync(path.join(FRONTEND_DIR, "views.json"), "utf8")) as { types: Record<string, string[]> };
    const preloaded = (html: string) => [...html.matchAll(/<link rel="modulepreload" crossorigin href="\.\/assets\/([^"]+)"/g)].map((m) => m[1]);
    const chat = await start(new tr.Interface({ fn: (m: string) => [[m, m]], inputs: "text", outputs: "chatbot" }));
    try {
      for (const [base, has, hasNot] of [
        [app.base, ["textbox", "markdown"], ["chatbot", "image", "plot"]],
        [chat.base, ["textbox", "chatbot"], ["markdown", "image", "plot"]],
      ] as const) {
        const html = await (await fetch(`${base}/`)).text();
        const links = preloaded(html);
        // Every script and stylesheet comes after the skeleton, so none holds back its parsing or first paint.
        const skeletonEnd = html.indexOf("<noscript>");
        expect(skeletonEnd).toBeGreaterThan(html.indexOf('<div class="tr-skeleton">'));
        for (const tag of html.matchAll(/<link rel="(?:modulepreload|stylesheet)"|<script type="module"/g)) expect(tag.index).toBeGreaterThan(skeletonEnd);
        expect(html.match(/<script type="module"/g)).toHaveLength(1);
        for (const type of has) for (const f of views.types[type].filter((f) => f.endsWith(".js"))) expect(links).toContain(f);
        for (const type of hasNot) expect(links).not.toContain(views.types[type][0]);
        // @gradio/client is loaded once the page is drawn, not before.
        expect(links.some((f) => f.startsWith("client-"))).toBe(false);
      }
      // Markdown (marked and DOMPurify) comes with the Markdown view, not with a chat that starts empty.
      const sanitize = views.types.markdown.find((f) => f.startsWith("sanitize-"));
      expect(sanitize).toBeTruthy();
      expect(views.types.chatbot).not.toContain(sanitize);
    } finally {
      await chat.close();
    }
  });

  it("tells a page without the app's login only that a login is needed", async () => {
    const locked = await start(new tr.Interface({ fn: greet, inputs: "text", outputs: "text", title: "Secret title" }), { auth: ["ada", "lovelace"], authMessage: "Staff only" });
    try {
      const html = await (await fetch(`${locked.base}/`)).text();
      expect(embedded(html)).toEqual({ login: { message: "Staff only", title: "Secret title" } });
      expect(html).not.toContain("\"components\""); // the title is shown on the login form; the app itself is not
      // The login form is in the HTML, with real fields (the page's own form takes them over).
      expect(html).toContain('<h1 class="sk-h1">Log in to Secret title</h1><p class="sk-login-message">Staff only</p>');
      expect(html).toMatch(/<input id="tr-early-username"[^>]*name="username" required autocomplete="username">/);
      expect(html).toMatch(/<input id="tr-early-password"[^>]*name="password" required type="password" autocomplete="current-password">/);
      const login = await fetch(`${locked.base}/login`, { method: "POST", body: new URLSearchParams({ username: "ada", password: "lovelace" }) });
      const cookie = login.headers.get("set-cookie")!.split(";")[0];
      const page = embedded(await (await fetch(`${locked.base}/`, { headers: { cookie } })).text());
      expect(page.config.title).toBe("Secret title");
      expect(page.config.username).toBe("ada");
    } finally {
      await locked.close();
    }
    // An author's title and message are text in the login form, never markup.
    const hostileLogin = await start(new tr.Interface({ fn: greet, inputs: "text", outputs: "text", title: hostile }), { auth: ["ada", "lovelace"], authMessage: hostile });
    try {
      const html = await (await fetch(`${hostileLogin.base}/`)).text();
      expect(html).not.toContain("<script>alert(1)");
      expect(html).toContain("Log in to &#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;");
    } finally {
      await hostileLogin.close();
    }
  });
});

describe("apps mounted on one server", () => {
  it("name the same asset URLs, so the browser loads the bundle once; each app's own copy still works", async () => {
    const server = Fastify();
    const names = ["one", "two", "deep/three"];
    for (const name of names) {
      const iface = new tr.Interface({ fn: greet, inputs: "text", outputs: "text", title: name });
      await server.register(async (f) => void (await tr.mountApp(f, iface, { prefix: `/${name}` })), { prefix: `/${name}` });
    }
    const base = await server.listen({ port: 0, host: "127.0.0.1" });
    try {
      const resolved = new Set<string>();
      for (const name of names) {
        const pageUrl = `${base}/${name}/`;
        const urls = assetUrls(await (await fetch(pageUrl)).text());
        for (const u of urls) {
          const absolute = new URL(u, pageUrl).href;
          resolved.add(absolute);
          expect((await fetch(absolute)).status).toBe(200);
        }
        // Every app serves the same files under its own prefix too.
        const own = urls.map((u) => new URL(`./assets/${u.split("assets/")[1]}`, pageUrl).href);
        for (const u of own) expect((await fetch(u)).status).toBe(200);
      }
      // One URL for each file (scripts, stylesheet, the text view's chunk) for all three apps: those of the first app mounted.
      expect([...resolved].length).toBeGreaterThanOrEqual(3);
      expect(new Set([...resolved].map((u) => new URL(u).pathname.split("/assets/")[0]))).toEqual(new Set(["/one"]));
    } finally {
      await server.close();
    }
  });
});

/** A GET whose body stays bytes (compressed bodies are not text). */
async function rawBytes(base: string, pathname: string, headers: Record<string, string>) {
  const { request } = await import("node:http");
  const url = new URL(base);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname.replace(/\/$/, "") + pathname, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}
