// A tradio app with an echo function, for the run-route, start-up and Redis benchmarks. Plain JavaScript run by
// node itself, as an app in production would be, so no TypeScript loader is measured. A second argument
// is a Redis URL: the same app with its queue in Redis.
import { Interface } from "../../dist/index.js";

const port = Number(process.argv[2] ?? 0);
const redis = process.argv[3];
const app = await new Interface({ fn: (s) => s, inputs: "text", outputs: "text" }).launch({ port, quiet: true, ...(redis ? { redis } : {}) });
process.send?.({ port: app.port });
