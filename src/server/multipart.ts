import type { FastifyInstance } from "fastify";
import multipart from "@fastify/multipart";

/**
 * Registers routes that read multipart bodies in a scope of their own with the multipart parser. At the
 * root its hooks (one on every request, one on every response) were a tenth of the run route's cost,
 * and only the upload route and the login form read such bodies. Elsewhere a multipart body gets 415.
 */
export async function multipartRoutes(f: FastifyInstance, maxFileSize: number, routes: (scope: FastifyInstance) => void): Promise<void> {
  await f.register(async (scope) => {
    // Bounded so one request cannot make the parser hold much: no route needs more than two small fields.
    await scope.register(multipart, { limits: { fileSize: maxFileSize, files: 100, fields: 20, parts: 120, fieldSize: 64 * 1024, fieldNameSize: 200, headerPairs: 100 } });
    routes(scope);
  });
}
