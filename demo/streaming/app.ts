// A generator streams its values token by token; the page shows each as it arrives.
import * as tr from "tradio";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function* write(prompt: string, history: [string, string][] = []) {
  const answer = `You asked: "${prompt}". Here is a reply streamed one word at a time, the way a language model would send it.`;
  const pairs: [string, string][] = [...history, [prompt, ""]];
  for (const word of answer.split(" ")) {
    await sleep(80);
    pairs[pairs.length - 1] = [prompt, `${pairs[pairs.length - 1][1]}${word} `];
    yield [pairs.map((p) => [...p] as [string, string]), pairs];
  }
}

export default new tr.Interface({
  fn: write,
  inputs: ["text", "state"],
  outputs: ["chatbot", "state"],
  title: "Streaming",
  description: "An async generator: every `yield` reaches the page as it happens (as diffs, at most 20 updates a second).",
  allowFlagging: "never",
  concurrencyLimit: null,
});
