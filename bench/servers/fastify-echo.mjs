// The baseline: a bare Fastify route doing the same work as tradio's run route for an echo function
// (parse the JSON body, check the endpoint and the value, time the call, answer the same JSON shape).
import Fastify from "fastify";

const port = Number(process.argv[2] ?? 0);
const server = Fastify({ logger: false });
const echo = (s) => s;
server.get("/config", async () => ({ ok: true }));
server.post("/gradio_api/run/:api", async (req, reply) => {
  const started = performance.now();
  const body = req.body;
  if (!body || typeof body !== "object" || !Array.isArray(body.data)) return reply.code(400).send({ error: "bad body" });
  if (req.params.api !== "predict") return reply.code(404).send({ error: "no such endpoint" });
  const value = body.data[0];
  if (typeof value !== "string") return reply.code(422).send({ error: "expected a string" });
  const duration = (performance.now() - started) / 1000;
  return { data: [echo(value)], is_generating: false, duration, average_duration: duration, render_config: null, changed_state_ids: [] };
});
await server.listen({ port, host: "127.0.0.1" });
const address = server.server.address();
process.send?.({ port: typeof address === "object" && address ? address.port : port });
