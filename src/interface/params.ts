/**
 * Parameter names of a JS function, read from its source, so that inputs get Gradio's default labels
 * (the function's parameter names) and `/info` its keyword names. Destructured or rest parameters give
 * null. Best effort: a function whose source cannot be read gives an empty list.
 */
export function parameterNames(fn: (...args: never[]) => unknown): (string | null)[] {
  const src = Function.prototype.toString.call(fn);
  let start: number;
  let end: number;
  const arrow = /^(?:async\s*)?([A-Za-z_$][\w$]*)\s*=>/.exec(src);
  if (arrow) return [arrow[1]];
  start = src.indexOf("(");
  if (start < 0) return [];
  let depth = 0;
  let quote: string | null = null;
  const parts: string[] = [];
  let current = "";
  for (end = start + 1; end < src.length; end++) {
    const ch = src[end];
    if (quote) {
      current += ch;
      if (ch === "\\") current += src[++end] ?? "";
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) {
      if (depth === 0) break;
      depth--;
    } else if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts.map((p) => {
    const m = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*([A-Za-z_$][\w$]*)\s*(?:=|$)/.exec(p);
    return m ? m[1] : null;
  });
}
