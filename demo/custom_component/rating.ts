// A component from outside tradio: a star rating. The server half is a Component subclass (how values
// are checked and converted); the page half is rating-view.js, a plain ES module the page loads by the
// same type name. Registering it makes the "rating" shortcut work like Gradio's built-in ones.
import { fileURLToPath } from "node:url";
import * as tr from "tradio";

export interface RatingOptions extends tr.ComponentOptions {
  /** Number of stars (default 5). */
  max?: number;
  value?: number;
}

export class Rating extends tr.Component<number, number> {
  readonly type = "rating";
  readonly className = "Rating";
  override readonly viewModule = fileURLToPath(new URL("./rating-view.js", import.meta.url));
  readonly max: number;

  constructor(opts: RatingOptions = {}) {
    super(opts);
    this.max = opts.max ?? 5;
  }

  protected override extraOptions() {
    return { max: (v: unknown) => typeof v === "number" && Number.isInteger(v) && v > 0 && v <= 20, value: "number" as const };
  }

  override props() {
    return { ...super.props(), max: this.max, value: this.value ?? 0 };
  }

  apiInfo() {
    return { type: "integer", minimum: 0, maximum: this.max };
  }
  exampleInput() {
    return Math.ceil(this.max / 2);
  }
  override pythonType() {
    return "int";
  }

  private check(v: unknown, what: string): number {
    if (v === null || v === undefined) return 0;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > this.max) this.fail(`${what} must be a whole number of stars from 0 to ${this.max}, got ${JSON.stringify(v)}`);
    return v as number;
  }
  preprocess(payload: unknown) {
    return this.check(payload, "a rating");
  }
  postprocess(value: number) {
    return this.check(value, "the returned rating");
  }
}

tr.components.register("rating", () => new Rating(), { replace: true });

declare module "tradio" {
  interface Shortcuts {
    rating: Rating;
  }
}
