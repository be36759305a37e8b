// The page benchmarks' server, in its own process as in a deployment: the benchmark's process drives
// Chromium over CDP, and its traffic (a message per network event) would otherwise wait in the server's
// event loop and slow the app's nine requests more than the static page's one. Sends its base URL to the parent.
import Fastify from "fastify";
import { Interface, mountApp } from "../../dist/index.js";

function chat(message: string, history: [string, string][] = []) {
  history.push([message, message.startsWith("How") ? "Good" : "I don't know"]);
  return [history, history];
}

// The same interaction without a framework: a field, a Submit button, and a reply drawn by the page.
const STATIC = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>static</title></head>
<body><main class="app"><label>message <input></label><button type="button">Submit</button><div id="log"></div></main>
<script>document.querySelector("button").onclick = function () {
  var m = document.querySelector("input").value;
  document.getElementById("log").textContent = m + " → " + (m.indexOf("How") === 0 ? "Good" : "I don't know");
};</script></body></html>`;

// The app's own document (its skeleton, embedded config and stylesheet) with a script of a few lines in place
// of the app's: it waits for the stylesheet as the app does, draws a field and a Submit in place of the
// skeleton (taking what was typed and clicked in its early controls), and answers the click through the server. No page drawn by script can be ready sooner with this
// document: what separates the app from it is the app's own script.
const FLOOR_SCRIPT = `const app = document.getElementById("app");
const config = JSON.parse(document.getElementById("tradio-page").textContent).config;
await Promise.all([...document.querySelectorAll('link[rel="stylesheet"]')].filter((l) => !l.sheet).map((l) => new Promise((done) => { l.onload = l.onerror = done; })));
// What was typed and clicked in the skeleton's early controls carries over, as in the app.
const typed = app.querySelector(".sk-input")?.value ?? "";
const clicked = (window.__tradioEarly ?? []).length > 0;
app.innerHTML = '<main class="app"><label>message <textarea></textarea></label><button type="button">Submit</button><p></p></main>';
app.querySelector("textarea").value = typed;
app.querySelector("button").onclick = async () => {
  const res = await fetch(config.root + config.api_prefix + "/run/predict", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: [app.querySelector("textarea").value] }) });
  app.querySelector("p").textContent = (await res.json()).data[0].at(-1).join(" → ");
};
if (clicked) app.querySelector("button").click();`;

/** The headers of the app's page that are the server's policy for documents, not the page's content. */
const DOCUMENT_HEADERS = ["cross-origin-opener-policy", "content-security-policy", "referrer-policy", "x-content-type-options", "cache-control"];

const server = Fastify({ logger: false });
const demo = new Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"], allowFlagging: "never" });
await server.register(async (f) => void (await mountApp(f, demo, { prefix: "/chatbot" })), { prefix: "/chatbot" });
let documentHeaders: Record<string, string> = {};
server.get("/static.html", async (_req, reply) => reply.headers(documentHeaders).type("text/html; charset=utf-8").send(STATIC));
let floor = "";
server.get("/floor/", async (_req, reply) => reply.headers(documentHeaders).type("text/html; charset=utf-8").send(floor));
server.get("/floor.js", async (_req, reply) => reply.header("cache-control", "no-cache").type("text/javascript; charset=utf-8").send(FLOOR_SCRIPT));
server.get("/bare.html", async (_req, reply) => reply.type("text/html; charset=utf-8").send(STATIC));
const base = await server.listen({ port: 0, host: "127.0.0.1" });
const page = await fetch(`${base}/chatbot/`);
documentHeaders = Object.fromEntries(DOCUMENT_HEADERS.flatMap((h) => (page.headers.has(h) ? [[h, page.headers.get(h)!]] : [])));
const appScripts = /<script type="module"[^>]*><\/script>|<link rel="modulepreload"[^>]*>/g;
const html = await page.text();
if (!appScripts.test(html)) throw new Error("the app's page has no module script: update this benchmark");
floor = html.replace(appScripts, "").replace("</body>", '<script type="module" src="/floor.js"></script></body>').replaceAll('"./assets/', '"/chatbot/assets/');
if (!documentHeaders["cross-origin-opener-policy"]) throw new Error("the app's page sent no Cross-Origin-Opener-Policy: update this benchmark");
process.send!({ base });
process.on("disconnect", () => void server.close().then(() => process.exit(0)));
