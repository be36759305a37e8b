import type { Component } from "../components/component.js";
import { Block, type LayoutNode } from "../graph/graph.js";
import type { GraphBuilder } from "../graph/builder.js";

/** What an Interface lays out, each part already in the graph. */
export interface InterfaceParts {
  /** Title and description, above everything. */
  head: Block[];
  inputs: readonly Component<any, any>[];
  /** `additionalInputs`, in their accordion, under the inputs. */
  additional: { accordion: Block; inputs: readonly Component<any, any>[] } | null;
  outputs: readonly Component<any, any>[];
  /** Clear and Submit. */
  buttons: Block[];
  examples: Block | null;
  /** Flag and Interpret, under the outputs. */
  outputButtons: Block[];
  article: Block | null;
}

const node = (item: Block | Component<any, any>, children?: LayoutNode[]): LayoutNode => (children ? { id: item.id, children } : { id: item.id });

/**
 * Gradio's Interface page: inputs (the additional ones in an accordion) with Clear/Submit and the examples in a left column, outputs with the
 * flag and interpret buttons in a right one, between the title and the article.
 */
export function interfaceLayout(builder: GraphBuilder, parts: InterfaceParts): LayoutNode {
  const row = builder.add(new Block("row", { equal_height: false }));
  const inCol = builder.add(new Block("column", { scale: 1, variant: "panel", elem_classes: ["inputs"] }));
  const outCol = builder.add(new Block("column", { scale: 1, variant: "panel", elem_classes: ["outputs"] }));
  const buttons = builder.add(new Block("row", { elem_classes: ["buttons"] }));
  const outButtons = builder.add(new Block("row", { elem_classes: ["output-buttons"] }));

  const inChildren = parts.inputs.filter((c) => !c.stateful).map((c) => node(c));
  if (parts.additional) inChildren.push(node(parts.additional.accordion, parts.additional.inputs.map((c) => node(c))));
  inChildren.push(node(buttons, parts.buttons.map((b) => node(b))));
  if (parts.examples) inChildren.push(node(parts.examples));
  const outChildren = parts.outputs.filter((c) => !c.stateful).map((c) => node(c));
  outChildren.push(node(outButtons, parts.outputButtons.map((b) => node(b))));
  return {
    id: 0,
    children: [...parts.head.map((b) => node(b)), node(row, [node(inCol, inChildren), node(outCol, outChildren)]), ...(parts.article ? [node(parts.article)] : [])],
  };
}
