// Parallel and Series of local functions (no network): a Parallel whose third member is a Series.
// Run it alone with `npx tradio demo/mix_local/app.ts`.
import * as tr from "tradio";

const shout = new tr.Interface({
  fn: (text: string) => `${text.toUpperCase()}!`,
  inputs: "text",
  outputs: new tr.Textbox({ label: "Shouted" }),
  title: "Shout",
});

const reverse = new tr.Interface({
  fn: (text: string) => [...text].reverse().join(""),
  inputs: "text",
  outputs: new tr.Textbox({ label: "Reversed" }),
  title: "Reverse",
});

const words = new tr.Interface({
  fn: (text: string) => text.split(/\s+/).filter(Boolean).length,
  inputs: "text",
  outputs: new tr.Number({ label: "Words" }),
  title: "Count words",
});

// Series: the shouted text is passed on to Reverse. Parallel: every member gets the same input.
export default new tr.Parallel(shout, words, new tr.Series(shout, reverse), {
  title: "Mix local",
  allowFlagging: "never", // the gallery serves every demo from one folder: only demo/flagging flags
  description: "A Parallel of three interfaces, the last one a Series (Shout → Reverse). Each result is labelled with its source.",
  examples: [["Hello tradio"], ["Parallel and Series"]],
});
