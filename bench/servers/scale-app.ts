// Apps of the scale benchmarks, one process each: `slot <role>` holds its worker's single slot for
// 100 ms per call (one GPU per worker); `stream` is Gradio's streaming load test app. Launch options
// come as JSON in argv[3]; prints its port to the parent.
import { Interface } from "../../dist/index.js";

const [mode, optionsArg] = process.argv.slice(2);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const options = JSON.parse(optionsArg ?? "{}");

let iface;
if (mode === "slot") {
  iface = new Interface({ fn: async (s: string) => (await sleep(100), s), inputs: "text", outputs: "text", concurrencyLimit: null });
} else if (mode === "stream") {
  async function* tokens(_: string) {
    let text = "";
    for (let i = 0; i < 500; i++) {
      await sleep(10);
      text += `t${i} `;
      yield text;
    }
  }
  iface = new Interface({ fn: tokens, inputs: "text", outputs: "text", concurrencyLimit: null });
} else throw new Error(`unknown mode ${mode}`);

const app = await iface.launch({ port: 0, quiet: true, ...options });
process.send?.({ port: app.port });
// The bench asks how much CPU this process used (user + system, µs), to tell server from client time.
process.on("message", (m) => {
  if (m === "cpu") {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpu: user + system });
  }
});
