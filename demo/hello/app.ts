// Text in, text out: the smallest tradio app. Run it alone with `npx tradio demo/hello/app.ts`.
import * as tr from "tradio";

/**
 * Greets someone by name, as warmly as asked.
 * @param name - who to greet
 * @param intensity - how many exclamation marks to add
 */
function greet(name: string, intensity: number) {
  return `Hello, ${name}${"!".repeat(intensity)}`;
}

export default new tr.Interface({
  fn: greet,
  inputs: ["text", new tr.Slider({ minimum: 1, maximum: 10, step: 1, value: 1, label: "intensity" })],
  outputs: "text",
  title: "Hello",
  allowFlagging: "never", // the gallery serves every demo from one folder: only demo/flagging flags
  description: "Type a name and get a greeting.",
  examples: [
    ["World", 1],
    ["tradio", 3],
  ],
});
