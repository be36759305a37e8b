// A slow function that reports its progress: the page shows the queue position, the elapsed time and a
// progress bar, and nothing times out however long it runs.
import * as tr from "tradio";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), reject(new tr.Error("Cancelled"))), { once: true });
  });

async function train(epochs: number, ctx: tr.CallContext) {
  const losses: number[] = [];
  let loss = 1;
  for await (const epoch of ctx.progress.track(Array.from({ length: epochs }, (_, i) => i + 1), { desc: "Training", unit: "epochs" })) {
    await sleep(400, ctx.signal);
    loss *= 0.7;
    losses.push(Number(loss.toFixed(4)));
    void epoch;
  }
  return { epochs, finalLoss: losses.at(-1) ?? null, losses };
}

export default new tr.Interface({
  fn: train,
  inputs: new tr.Slider({ minimum: 1, maximum: 30, step: 1, value: 8, label: "epochs" }),
  outputs: new tr.JSON({ label: "Training report" }),
  title: "Long job",
  description: "A slow job with progress. Open two tabs: with the default concurrency of 1, the second waits in the queue and sees its position and ETA.",
  allowFlagging: "never",
});
