import { Interface } from "../../dist/index.js";
const app = await new Interface({ fn: (s) => s, inputs: "text", outputs: "text" }).launch({ port: 7999, quiet: true });
setTimeout(() => process.exit(0), 7000);
