// A real text classifier: the AFINN-165 word list inside the `sentiment` package (nothing is downloaded),
// its score turned into positive/negative confidences. The default export explains predictions with
// Kernel SHAP; `leaveOneOut` with Gradio's default method.
import Sentiment from "sentiment";
import * as tr from "tradio";

const analyzer = new Sentiment();

/** AFINN scores words from -5 to +5; a logistic of the sum (halved) gives a confidence. */
export function classify(review: string): Record<"positive" | "negative", number> {
  const { score } = analyzer.analyze(review);
  const positive = 1 / (1 + Math.exp(-score / 2));
  return { positive, negative: 1 - positive };
}

const make = (interpretation: "shap" | "default", title: string) =>
  new tr.Interface({
    fn: classify,
    inputs: new tr.Textbox({ label: "review", lines: 3, value: "The plot was not good, but the actors were wonderful and the music great." }),
    outputs: new tr.Label({ label: "sentiment" }),
    interpretation,
    numShap: 5,
    title,
    allowFlagging: "never", // the gallery serves every demo from one folder: only demo/flagging flags
    description:
      "An AFINN-165 lexicon classifier. Submit a review, then press Interpret: red words support the predicted sentiment, blue words work against it.",
    examples: ["I love this phone, the screen is amazing.", "Terrible service and the food was cold.", "Not bad at all."],
  });

export default make("shap", "Sentiment (SHAP interpretation)");
export const leaveOneOut = make("default", "Sentiment (leave-one-out interpretation)");
