import { Component, type JSONSchema } from "../../components/component.js";
import { shapeOf, type InterpretationShape } from "../../core/interpretable.js";

const score = { type: "number" };
const maybe = { anyOf: [{ type: "number" }, { type: "null" }] };
const pair = { type: "array", items: maybe, minItems: 2, maxItems: 2 };
const SCHEMAS: Record<InterpretationShape, JSONSchema> = {
  text: { type: "array", items: { type: "array", prefixItems: [{ type: "string" }, score], minItems: 2, maxItems: 2 } },
  pixels: { type: "array", items: { type: "array", items: score } },
  segments: { type: "array", items: score },
  scores: { type: "array", items: score },
  number: { type: "array", items: { type: "array", prefixItems: [score, maybe], minItems: 2, maxItems: 2 } },
  pair,
  pairs: { type: "array", items: pair },
  choices: { type: "array", items: maybe },
};

/**
 * The `/interpret` event's output for one input: the scores to lay over that input's view, or null.
 * Hidden and outside the layout; the page finds the input it belongs to by `component_id`.
 */
export class Interpretation extends Component<never, unknown, unknown> {
  readonly type = "interpretation";
  readonly className = "Interpretation";

  constructor(readonly target: Component<any, any>) {
    super({ visible: false });
    this.label = `interpretation of ${target.label ?? target.className}`;
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      component_id: this.target.id,
      component: this.target.type,
      shape: shapeOf(this.target) ?? null,
    };
  }

  apiInfo(): JSONSchema {
    const shape = shapeOf(this.target);
    const schema = shape ? SCHEMAS[shape] : {};
    return { anyOf: [schema, { type: "null" }], description: this.label };
  }
  exampleInput(): unknown {
    return null;
  }
  preprocess(): never {
    this.fail("an interpretation is an output only");
  }
  /** The interpretation code already checked the shape. */
  postprocess(value: unknown): unknown {
    return value ?? null;
  }
}
