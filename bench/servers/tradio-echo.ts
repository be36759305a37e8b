// A tradio app with an echo function, for the run-route and start-up benchmarks.
import { Interface } from "../../dist/index.js";

const port = Number(process.argv[2] ?? 0);
const app = await new Interface({ fn: (s: string) => s, inputs: "text", outputs: "text" }).launch({ port, quiet: true });
process.send?.({ port: app.port });
