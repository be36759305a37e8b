// The streaming benchmarks' function, shared by the app (queue-app.ts) and its bare baseline (bare-stream.ts).
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Gradio's load test (pull request 7670): 500 tokens at 100 tokens a second, so 5.0 s at best. */
export async function* tokens(_: string) {
  let text = "";
  for (let i = 0; i < 500; i++) {
    await sleep(10);
    text += `t${i} `;
    yield text;
  }
}
