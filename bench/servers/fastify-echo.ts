// The baseline: a bare Fastify route doing the same work as tradio's run route for an echo function
// (parse the JSON body, check the value, answer the same JSON shape).
import Fastify from "fastify";

const port = Number(process.argv[2] ?? 0);
const server = Fastify({ logger: false });
server.get("/config", async () => ({ ok: true }));
server.post("/gradio_api/run/predict", async (req, reply) => {
  const body = req.body as { data?: unknown[] };
  if (!body || !Array.isArray(body.data) || typeof body.data[0] !== "string") return reply.code(422).send({ error: "bad" });
  return { data: [body.data[0]], is_generating: false, duration: 0, average_duration: 0, render_config: null, changed_state_ids: [] };
});
await server.listen({ port, host: "127.0.0.1" });
const address = server.server.address();
process.send?.({ port: typeof address === "object" && address ? address.port : port });
