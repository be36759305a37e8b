// The echo app as a user writes it for the CLI (`npx tradio app.mjs`): the run-route benchmark launches
// tradio this way, so what it measures is what a user runs.
import { Interface } from "../../dist/index.js";

export default new Interface({ fn: (s) => s, inputs: "text", outputs: "text" });
export const launchOptions = { quiet: true };
