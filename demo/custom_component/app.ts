// A component from outside tradio (./rating.ts and ./rating-view.js) used like a built-in one.
import * as tr from "tradio";
import { Rating } from "./rating.js";

function review(text: string, stars: number) {
  const verdict = stars >= 4 ? "Glad you liked it" : stars >= 2 ? "Thanks for the honest review" : "Sorry it disappointed";
  return [`${verdict}: ${stars}/5 for "${text}"`, Math.min(5, stars + 1)] as const;
}

export default new tr.Interface({
  fn: review,
  inputs: ["text", "rating"],
  outputs: ["text", new Rating({ label: "our guess at your next rating" })],
  title: "Custom component",
  description: "A star rating that is not part of tradio: a `Component` subclass for the server and an ES module for the page, registered under one type name.",
  allowFlagging: "never",
  examples: [["The food was great", 5]],
});
