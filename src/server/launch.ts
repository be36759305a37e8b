import { isIP } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import type { Graph } from "../graph/graph.js";
import type { QueueOptions } from "../queue/scheduler.js";
import { MOUNT_KINDS, mountApp, type MountOptions } from "./mount.js";
import { checkOptions, describe, isPositive } from "../core/options.js";
import { OptionError } from "../core/errors.js";

/** `launch()`'s options: where to listen, and everything `mountApp()` takes (one list, checked once). */
export interface LaunchOptions extends Omit<MountOptions, "prefix"> {
  /** Default 7860, or env TRADIO_SERVER_PORT; 0 picks any free port. */
  port?: number;
  /** Default 127.0.0.1, or env TRADIO_SERVER_NAME; "0.0.0.0" listens on every interface. */
  host?: string;
  /** Kept for Gradio code: the queue is always on. */
  enableQueue?: boolean;
  /** Print nothing. */
  quiet?: boolean;
  /**
   * The app runs behind a reverse proxy: believe its X-Forwarded-For/-Host/-Proto headers. `true` trusts
   * any peer (only when nothing but the proxy can reach the app); or the proxy's addresses/CIDR ranges.
   */
  trustProxy?: boolean | string[];
  /** Seconds a client has to send a request's headers. Default 10. */
  headersTimeout?: number;
  /** Seconds a client has to send a whole request, body included (uploads too). Default 300. */
  requestTimeout?: number;
  /** Seconds a request may go without a byte from the client while it is sent (headers, body, an upload). Default 30. */
  idleTimeout?: number;
  /** Seconds an idle keep-alive connection stays open between requests. Default 72 (above common proxies' 60). */
  keepAliveTimeout?: number;
}

export interface Launched {
  url: string;
  port: number;
  server: FastifyInstance;
  close(): Promise<void>;
}

interface Launchable {
  readonly graph: Graph;
  readonly queueOptions?: QueueOptions;
}

const nonNegativeInt = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v < 65536;

// Counted on globalThis so the CLI sees launches made by another copy of tradio (dist vs. src).
const LAUNCHES = Symbol.for("tradio.launches");
type Counter = { [LAUNCHES]?: number };
/** How many apps this process has launched: the CLI launches a default export only if the file launched none. */
export function launchCount(): number {
  return (globalThis as Counter)[LAUNCHES] ?? 0;
}

/**
 * Builds a Fastify server for one app and starts listening (`iface.launch(opts)` calls this).
 *
 * @example
 * const app = await iface.launch({ port: 0, auth: ["admin", "pass1234"], showError: true });
 * console.log(app.url); // http://127.0.0.1:<port>/
 * await app.close();
 */
export async function launch(target: Launchable, opts: LaunchOptions = {}): Promise<Launched> {
  const { prefix: _none, ...mountKinds } = MOUNT_KINDS;
  checkOptions("launch", opts as Record<string, unknown>, mountKinds, {
    port: nonNegativeInt,
    host: "string",
    enableQueue: "boolean",
    quiet: "boolean",
    trustProxy: (v) => typeof v === "boolean" || (Array.isArray(v) && v.every((x) => typeof x === "string")),
    headersTimeout: isPositive,
    requestTimeout: isPositive,
    idleTimeout: isPositive,
    keepAliveTimeout: isPositive,
  });
  const envPort = process.env.TRADIO_SERVER_PORT;
  const port = opts.port ?? (envPort !== undefined ? Number(envPort) : 7860);
  if (!nonNegativeInt(port)) throw new OptionError("TR_ERR_OPTION_INVALID", `launch: port must be an integer from 0 to 65535, got ${describe(envPort ?? port)}`);
  const host = opts.host ?? process.env.TRADIO_SERVER_NAME ?? "127.0.0.1";
  (globalThis as Counter)[LAUNCHES] = launchCount() + 1;

  const graph = target.graph;
  const timeouts = {
    headers: Math.round((opts.headersTimeout ?? 10) * 1000),
    request: Math.round((opts.requestTimeout ?? 300) * 1000),
    idle: Math.round((opts.idleTimeout ?? 30) * 1000),
    keepAlive: Math.round((opts.keepAliveTimeout ?? 72) * 1000),
  };
  // A client cannot hold a connection by sending slowly: headers, the whole request and every pause
  // while it is sent are bounded. Node checks the first two this often.
  const checkEvery = Math.max(100, Math.min(5000, Math.floor(Math.min(timeouts.headers, timeouts.request) / 4)));
  const server = Fastify({
    logger: false,
    bodyLimit: 16 * 1024 * 1024,
    trustProxy: opts.trustProxy ?? false,
    requestTimeout: timeouts.request,
    keepAliveTimeout: timeouts.keepAlive,
    connectionTimeout: timeouts.idle,
    http: { headersTimeout: Math.min(timeouts.headers, timeouts.request), requestTimeout: timeouts.request, connectionsCheckingInterval: checkEvery },
  });
  // The idle timeout is for receiving a request: once its body is in (a streamed upload reads it in its
  // handler), the answer may take as long as the function does, and the event stream stays open.
  // A callback hook, and the timer touched once per connection: this runs on every request.
  server.addHook("preHandler", (req, _reply, done) => {
    const socket = req.raw.socket;
    if (socket?.timeout && !(typeof req.isMultipart === "function" && req.isMultipart())) socket.setTimeout(0);
    done();
  });
  const {
    port: _port,
    host: _host,
    enableQueue: _queue,
    quiet: _quiet,
    trustProxy: _proxy,
    headersTimeout: _headers,
    requestTimeout: _request,
    idleTimeout: _idle,
    keepAliveTimeout: _keepAlive,
    ...mount
  } = opts;
  await mountApp(server, target, {
    ...mount,
    mcpServer: opts.mcpServer ?? process.env.TRADIO_MCP_SERVER === "true",
    // The name the server listens on is one it answers to.
    allowedHosts: [...(opts.allowedHosts ?? []), ...(isIP(host) || host === "localhost" ? [] : [host])],
  });
  // Features of the graph get ready first (a flagging log that cannot be appended to is reported now).
  for (const hook of graph.lifecycle.onLaunch) await hook();
  await server.listen({ port, host });
  const address = server.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const url = `http://${shownHost}:${actualPort}/`;
  if (!opts.quiet) {
    console.log(`Running on local URL:  ${url}`);
    if (opts.mcpServer ?? process.env.TRADIO_MCP_SERVER === "true") {
      console.log(`MCP server (tools for agents): ${url}gradio_api/mcp/  (SSE transport: ${url}gradio_api/mcp/sse)`);
    }
  }
  return { url, port: actualPort, server, close: () => server.close() };
}
