import { basename, dirname } from "node:path";
import { create as contentDisposition } from "content-disposition";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { API_PREFIX } from "../../protocol/config.js";
import type { Tally } from "../../core/counter.js";
import { codeOf, HttpError } from "../../core/errors.js";
import type { Served } from "../context.js";
import { multipartFailure } from "../validate.js";
import { mimeOf, safeName } from "../../core/files.js";

/** Types a browser may show inline; anything else (HTML, SVG, unknown) is sent as a download. */
const INLINE = /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/|video\/|text\/plain|text\/csv|application\/pdf|application\/json)/;

/**
 * `POST /gradio_api/upload`, in the multipart scope (see multipartRoutes). At most `uploading.limit` uploads
 * from one client address are in progress at once (with Redis, across the app's processes), so a slow
 * client cannot hold many connections open.
 */
export function uploadRoute(f: FastifyInstance, s: Served, uploading: Tally): void {
  const admit = async (req: FastifyRequest, reply: FastifyReply) => {
    const client = req.ip ?? "";
    // Given back when the answer is sent or the connection goes (a timeout, a client that gives up),
    // even if that happens while the tally (in Redis) is being asked.
    let held = false;
    let closed = false;
    reply.raw.once("close", () => {
      closed = true;
      if (held) uploading.give(client);
    });
    if (!(await uploading.take(client))) {
      // The refused body is not read: the connection ends with the answer, so it holds nothing. Node
      // would keep reading the body of a half-closed connection, so the socket is ended once the answer
      // is out, and destroyed shortly after whether or not the client ends its side.
      reply.header("retry-after", "10").header("connection", "close");
      const socket = req.raw.socket;
      reply.raw.once("finish", () => {
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      });
      throw new HttpError(429, "TR_ERR_RATE_LIMITED", `too many uploads in progress from this address (at most ${uploading.limit}); try again when one has finished`);
    }
    held = true;
    if (closed) uploading.give(client);
  };
  f.post(`${API_PREFIX}/upload`, { onRequest: admit }, async (req) => {
    if (!req.isMultipart()) throw new HttpError(400, "TR_ERR_BAD_REQUEST", "upload must be multipart/form-data with one or more `files` parts");
    const paths: string[] = [];
    // Into the uploader's own part of the store (their login's, with auth): no other login may use it.
    const files = s.runtime.files.forCaller(req.tradioUser ?? null);
    try {
      for await (const part of req.parts()) {
        if (part.type !== "file") continue;
        // Streamed to disk: memory stays small whatever the file size; a file cut at the limit is dropped.
        const stored = await files.saveStream(part.file, safeName(part.filename, "blob"), () => {
          if (part.file.truncated) throw new HttpError(413, "TR_ERR_FILE_TOO_LARGE", "file is larger than the maximum file size");
        });
        paths.push(stored);
      }
    } catch (err) {
      if (codeOf(err) === "TR_ERR_STORE_FULL") throw new HttpError(507, "TR_ERR_STORE_FULL", (err as Error).message);
      throw multipartFailure(err);
    }
    if (paths.length === 0) throw new HttpError(400, "TR_ERR_BAD_REQUEST", "no file in the upload");
    return paths;
  });
}

/** `GET /gradio_api/file=<path>`: the caller's own uploads and outputs, and the author's allowed files. */
export function fileRoutes(f: FastifyInstance, s: Served): void {
  // The same 403 for a missing file as for a forbidden one, so the route never tells which files exist.
  const serve = async (path: string, req: FastifyRequest, reply: FastifyReply) => {
    // Another login's files are answered like missing ones.
    const real = await s.runtime.files.forCaller(req.tradioUser ?? null).servable(path);
    if (!real) throw new HttpError(403, "TR_ERR_FILE_NOT_ALLOWED", "File not allowed");
    const mime = mimeOf(real);
    const inline = INLINE.test(mime);
    reply.header("x-content-type-options", "nosniff");
    reply.header("content-security-policy", `default-src 'none'; sandbox; frame-ancestors ${s.options.frameAncestors}`);
    // Other sites may not embed the files (no-cors loads) unless the author lets them call the app.
    reply.header("cross-origin-resource-policy", s.options.allowedOrigins.length > 0 ? "cross-origin" : "same-origin");
    if (!inline) reply.header("content-disposition", contentDisposition(safeName(basename(real))));
    reply.header("content-type", inline ? mime : "application/octet-stream");
    return reply.sendFile(basename(real), dirname(real), { contentType: false, acceptRanges: true, dotfiles: "deny" });
  };
  // The router has already decoded the path once; it is not decoded again (no `%252e%252e` tricks).
  f.route<{ Params: { "*": string } }>({
    method: ["GET", "HEAD"],
    url: `${API_PREFIX}/file=*`,
    handler: (req, reply) => serve(req.params["*"], req, reply),
  });
}
