// The guide's Parallel example: three text generators from the Hugging Face Hub side by side.
// Needs the network (and HF_TOKEN for the Inference API): `npx tradio demo/parallel/app.ts`.
import * as tr from "tradio";

const generator1 = await tr.Interface.load("huggingface/gpt2");
const generator2 = await tr.Interface.load("huggingface/EleutherAI/gpt-neo-2.7B");
const generator3 = await tr.Interface.load("huggingface/EleutherAI/gpt-j-6B");

export default new tr.Parallel(generator1, generator2, generator3, {
  title: "Three generators",
  allowFlagging: "never", // the gallery serves every demo from one folder: only demo/flagging flags
  description: "One prompt, three models from the Hugging Face Hub, run at the same time.",
});
