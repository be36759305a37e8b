// A tradio app with an echo function, for the run-route and start-up benchmarks. Plain JavaScript run by
// node itself, as an app in production would be, so no TypeScript loader is measured.
import { Interface } from "../../dist/index.js";

const port = Number(process.argv[2] ?? 0);
const app = await new Interface({ fn: (s) => s, inputs: "text", outputs: "text" }).launch({ port, quiet: true });
process.send?.({ port: app.port });
