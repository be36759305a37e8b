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

/** The headers of the app's page that are the server's policy for documents, not the page's content. */
const DOCUMENT_HEADERS = ["cross-origin-opener-policy", "content-security-policy", "referrer-policy", "x-content-type-options", "cache-control"];

const server = Fastify({ logger: false });
const demo = new Interface({ fn: chat, inputs: ["text", "state"], outputs: ["chatbot", "state"], allowFlagging: "never" });
await server.register(async (f) => void (await mountApp(f, demo, { prefix: "/chatbot" })), { prefix: "/chatbot" });
let documentHeaders: Record<string, string> = {};
server.get("/static.html", async (_req, reply) => reply.headers(documentHeaders).type("text/html; charset=utf-8").send(STATIC));
server.get("/bare.html", async (_req, reply) => reply.type("text/html; charset=utf-8").send(STATIC));
const base = await server.listen({ port: 0, host: "127.0.0.1" });
const page = await fetch(`${base}/chatbot/`);
documentHeaders = Object.fromEntries(DOCUMENT_HEADERS.flatMap((h) => (page.headers.has(h) ? [[h, page.headers.get(h)!]] : [])));
if (!documentHeaders["cross-origin-opener-policy"]) throw new Error("the app's page sent no Cross-Origin-Opener-Policy: update this benchmark");
process.send!({ base });
process.on("disconnect", () => void server.close().then(() => process.exit(0)));
