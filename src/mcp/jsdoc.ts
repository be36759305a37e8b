import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type * as TS from "typescript";
import type { FnOrigin } from "../graph/graph.js";

/** What an author's JSDoc says of a function: its summary, and its @param lines in the order of its parameters. */
export interface FnDocs {
  summary: string | null;
  params: (string | null)[];
}

/**
 * Reads the JSDoc of the function an event wraps, as Gradio reads docstrings, with the TypeScript
 * compiler of the app's own installation (none installed: no docs). Nothing here runs unless an MCP
 * server starts, so apps pay nothing for it otherwise.
 */
export async function readDocs(origin: FnOrigin): Promise<FnDocs | null> {
  let ts: typeof TS;
  try {
    ts = createRequire(origin.file)("typescript") as typeof TS;
  } catch {
    return null;
  }
  let text: string;
  try {
    text = await readFile(origin.file, "utf8");
  } catch {
    return null;
  }
  const source = ts.createSourceFile(origin.file, text, ts.ScriptTarget.Latest, true);
  const node = findFunction(ts, source, origin);
  if (!node) return null;
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const doc = docs[docs.length - 1];
  if (!doc) return null;
  const said = new Map<string, string>();
  for (const tag of doc.tags ?? []) {
    if (!ts.isJSDocParameterTag(tag)) continue;
    const text = ts.getTextOfJSDocComment(tag.comment)?.replace(/^\s*-\s*/, "").trim();
    if (text) said.set(tag.name.getText(source), text);
  }
  const fn = functionOf(ts, node);
  const params = fn ? fn.parameters.map((p) => (ts.isIdentifier(p.name) ? (said.get(p.name.text) ?? null) : null)) : [];
  const summary = ts.getTextOfJSDocComment(doc.comment)?.trim() || null;
  return { summary, params };
}

/** The declaration of the function by name (function, const = arrow/function), else the `fn:` written at the call's line. */
function findFunction(ts: typeof TS, source: TS.SourceFile, origin: FnOrigin): TS.Node | undefined {
  let byName: TS.Node | undefined;
  let inline: TS.Node | undefined;
  const visit = (node: TS.Node): void => {
    if (byName) return;
    if (origin.name && ts.isFunctionDeclaration(node) && node.name?.text === origin.name) byName = node;
    else if (origin.name && ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === origin.name && node.initializer && isFunctionLike(ts, node.initializer)) {
      byName = node.parent?.parent && ts.isVariableStatement(node.parent.parent) ? node.parent.parent : node;
    } else if (!inline && ts.isPropertyAssignment(node) && node.name.getText(source) === "fn" && isFunctionLike(ts, node.initializer)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      if (Math.abs(line - origin.line) <= 30) inline = node;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return byName ?? inline;
}

/** The function itself, from the declaration that carries its JSDoc. */
function functionOf(ts: typeof TS, node: TS.Node): TS.SignatureDeclarationBase | undefined {
  if (ts.isFunctionDeclaration(node)) return node;
  if (ts.isVariableStatement(node)) {
    const init = node.declarationList.declarations[0]?.initializer;
    return init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
  }
  if (ts.isVariableDeclaration(node) || ts.isPropertyAssignment(node)) {
    const init = node.initializer;
    return init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
  }
  return undefined;
}

function isFunctionLike(ts: typeof TS, node: TS.Node): boolean {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}
