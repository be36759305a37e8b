// The guide's Series example: generate text, then translate it to German.
// Needs the network (and HF_TOKEN for the Inference API): `npx tradio demo/series/app.ts`.
import * as tr from "tradio";

const generator = await tr.Interface.load("huggingface/gpt2");
const translator = await tr.Interface.load("huggingface/t5-small");

export default new tr.Series(generator, translator, {
  title: "Generate, then translate",
  allowFlagging: "never", // the gallery serves every demo from one folder: only demo/flagging flags
  description: "gpt2 continues your text; t5-small translates the result to German.",
});
