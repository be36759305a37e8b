import { basename, dirname } from "node:path";
import type { FastifyInstance, FastifyReply } from "fastify";
import { API_PREFIX } from "../../app/config.js";
import { mimeOf, safeName } from "../../app/files.js";
import { HttpError } from "../../errors.js";
import type { Served } from "../context.js";

/** Types a browser may show inline; anything else (HTML, SVG, unknown) is sent as a download. */
const INLINE = /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/|video\/|text\/plain|text\/csv|application\/pdf|application\/json)/;

export function fileRoutes(f: FastifyInstance, s: Served): void {
  f.post(`${API_PREFIX}/upload`, async (req) => {
    if (!req.isMultipart()) throw new HttpError(400, "upload must be multipart/form-data with one or more `files` parts");
    const paths: string[] = [];
    for await (const part of req.parts()) {
      if (part.type !== "file") continue;
      const data = await part.toBuffer();
      if (part.file.truncated) throw new HttpError(413, "file is larger than the maximum file size");
      paths.push(await s.app.files.save(data, safeName(part.filename, "blob")));
    }
    if (paths.length === 0) throw new HttpError(400, "no file in the upload");
    return paths;
  });

  const serve = async (path: string, reply: FastifyReply) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      throw new HttpError(403, "File not allowed");
    }
    const real = await s.app.files.servable(decoded);
    if (!real) throw new HttpError(403, "File not allowed");
    const mime = mimeOf(real);
    const inline = INLINE.test(mime);
    reply.header("x-content-type-options", "nosniff");
    reply.header("content-security-policy", "default-src 'none'; sandbox");
    if (!inline) reply.header("content-disposition", `attachment; filename="${safeName(real).replace(/"/g, "")}"`);
    reply.header("content-type", inline ? mime : "application/octet-stream");
    return reply.sendFile(basename(real), dirname(real), { contentType: false, acceptRanges: true, dotfiles: "deny" });
  };
  f.route<{ Params: { "*": string } }>({
    method: ["GET", "HEAD"],
    url: `${API_PREFIX}/file=*`,
    handler: (req, reply) => serve(req.params["*"], reply),
  });
}
