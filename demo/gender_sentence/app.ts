// The guide's sentence demo: which words make a sentence read as about a man or a woman. The default export
// uses leave-one-out interpretation; `custom` is the guide's own interpretation function.
import * as tr from "tradio";

const maleWords = ["he", "his", "him"];
const femaleWords = ["she", "hers", "her"];

export function genderOfSentence(sentence: string): Record<"male" | "female", number> {
  const words = sentence.split(/\s+/).map((w) => w.toLowerCase());
  const male = words.filter((w) => maleWords.includes(w)).length;
  const female = words.filter((w) => femaleWords.includes(w)).length;
  const total = Math.max(male + female, 1);
  return { male: male / total, female: female / total };
}

/** Scores each word itself: +1 for words of the predicted gender, -1 for the other, 0 elsewhere. */
export function interpretGender(sentence: string): [string, number][] {
  const result = genderOfSentence(sentence);
  const isMale = result.male > result.female;
  return sentence.split(/( )/).map((word) => {
    const token = word.toLowerCase();
    const mine = isMale ? maleWords : femaleWords;
    const theirs = isMale ? femaleWords : maleWords;
    return [word, mine.includes(token) ? 1 : theirs.includes(token) ? -1 : 0];
  });
}

const make = (interpretation: "default" | typeof interpretGender, title: string) =>
  new tr.Interface({
    fn: genderOfSentence,
    inputs: new tr.Textbox({ label: "sentence", value: "She went to his house to get her keys." }),
    outputs: new tr.Label({ label: "gender" }),
    interpretation,
    title,
    allowFlagging: "never", // the gallery serves every demo from one folder: only demo/flagging flags
    description: "Submit a sentence, then press Interpret: red words pushed the prediction up, blue words pushed it down.",
  });

export default make("default", "Gender of a sentence (leave-one-out interpretation)");
export const custom = make(interpretGender, "Gender of a sentence (custom interpretation)");
