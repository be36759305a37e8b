import type { ApiEndpoint, ApiParameter, AppConfig } from "$protocol";
import { isFileData } from "./format.js";

/**
 * What the "Use via API" panel shows for each endpoint: example arguments (from the app's examples when it
 * has some, else each component's own example) and the code to call it from JavaScript, Python and curl,
 * written for the page's real URL (a mount prefix included).
 */

/** A file argument: the snippets fetch it (JS) or name its URL (Python, curl). */
interface FileArg {
  file: string;
}

export type Arg = { name: string; value: unknown };

/** The languages the panel writes snippets in. */
export type Lang = "javascript" | "python" | "curl";

const isFileArg = (v: unknown): v is FileArg => typeof v === "object" && v !== null && "file" in v && Object.keys(v).length === 1;

/** A FileData (an example's file, or a component's example URL) as the URL the snippets name. */
function asArg(value: unknown, url: string): unknown {
  if (Array.isArray(value)) return value.map((v) => asArg(v, url));
  if (isFileData(value) && value.meta?._type === "gradio.FileData") {
    const where = value.url ?? value.path;
    // A path the server gave is on the server: a client reaches it through the app's file route.
    return { file: /^https?:/i.test(where) ? where : `${url}/gradio_api/file=${encodeURI(where)}` };
  }
  return value;
}

/** Whether a value holds a file argument anywhere. */
const hasFile = (v: unknown): boolean => isFileArg(v) || (Array.isArray(v) && v.some(hasFile));

/** The endpoint's arguments with example values: the first of the app's examples that fills its inputs, else each component's own. */
export function exampleArgs(config: AppConfig, apiName: string, endpoint: ApiEndpoint, url: string): Arg[] {
  const dep = config.dependencies.find((d) => `/${d.api_name}` === apiName);
  const stateless = new Set(config.components.filter((c) => !c.skip_api).map((c) => c.id));
  const inputIds = dep ? dep.inputs.filter((id) => stateless.has(id)) : [];
  const dataset = config.components.find((c) => {
    const ids: unknown = c.props.component_ids;
    return c.type === "dataset" && Array.isArray(ids) && inputIds.some((id) => ids.includes(id)) && Array.isArray(c.props.samples) && c.props.samples.length > 0;
  });
  const columns: number[] = dataset?.props.component_ids ?? [];
  const sample: unknown[] | undefined = dataset?.props.samples?.[0];
  return endpoint.parameters.map((p, i) => {
    const col = inputIds[i] === undefined ? -1 : columns.indexOf(inputIds[i]);
    const value = sample && col >= 0 && sample[col] !== undefined ? sample[col] : p.parameter_has_default ? p.parameter_default : p.example_input;
    return { name: p.parameter_name ?? `param_${i}`, value: asArg(value ?? null, url) };
  });
}

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

/** A JavaScript identifier for a file argument's blob. */
const blobName = (name: string) => `${name.replace(/[^A-Za-z0-9_$]/g, "_")}_file`;

/** `Client.connect(url).predict("/name", {...})` with @gradio/client; files are fetched and passed as blobs. */
/** Where a snippet for an app with a login puts the password. */
export const PASSWORD_PLACEHOLDER = "<YOUR_PASSWORD>";

export function jsSnippet(url: string, apiName: string, args: Arg[], login: string | null = null): string {
  // Files inside lists are named by URL (the server fetches them); a file argument of its own is sent as a blob.
  const nested = args.some((a) => !isFileArg(a.value) && hasFile(a.value));
  const jsValue = (v: unknown): string =>
    isFileArg(v) ? `handle_file(${JSON.stringify(v.file)})` : Array.isArray(v) && hasFile(v) ? `[${v.map(jsValue).join(", ")}]` : JSON.stringify(v, null, 2);
  const fetches = args
    .filter((a) => isFileArg(a.value))
    .map((a) => `const ${blobName(a.name)} = await (await fetch(${JSON.stringify((a.value as FileArg).file)})).blob();\n`);
  const fields = args.map((a) => {
    const key = /^[A-Za-z_$][\w$]*$/.test(a.name) ? a.name : JSON.stringify(a.name);
    const value = isFileArg(a.value) ? blobName(a.name) : indent(jsValue(a.value), "  ");
    return `  ${key}: ${value},\n`;
  });
  return (
    `import { Client${nested ? ", handle_file" : ""} } from "@gradio/client";\n\n` +
    (fetches.length ? `${fetches.join("")}\n` : "") +
    `const client = await Client.connect(${JSON.stringify(`${url}/`)}${login === null ? "" : `, { auth: [${JSON.stringify(login)}, ${JSON.stringify(PASSWORD_PLACEHOLDER)}] }`});\n` +
    `const result = await client.predict(${JSON.stringify(apiName)}, {\n${fields.join("")}});\n\n` +
    `console.log(result.data);\n`
  );
}

/** A JSON value as a Python literal (files as `handle_file(url)`). */
export function pyLiteral(v: unknown, pad = ""): string {
  if (isFileArg(v)) return `handle_file(${JSON.stringify(v.file)})`;
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : v > 0 ? 'float("inf")' : v < 0 ? 'float("-inf")' : 'float("nan")';
  if (typeof v === "string") return JSON.stringify(v);
  const inner = `${pad}    `;
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => `${inner}${pyLiteral(x, inner)}`).join(",\n")}\n${pad}]` : "[]";
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length ? `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pyLiteral(x, inner)}`).join(",\n")}\n${pad}}` : "{}";
}

/** `Client(url).predict(..., api_name="/name")` with gradio_client. */
export function pySnippet(url: string, apiName: string, args: Arg[], login: string | null = null): string {
  const files = args.some((a) => hasFile(a.value));
  const pyName = (n: string) => (/^[A-Za-z_]\w*$/.test(n) ? n : null);
  // Keyword arguments where the names allow, else positional (in order).
  const keywords = args.every((a) => pyName(a.name));
  const lines = args.map((a) => `    ${keywords ? `${a.name}=` : ""}${pyLiteral(a.value, "    ")},\n`);
  return (
    `from gradio_client import Client${files ? ", handle_file" : ""}\n\n` +
    `client = Client(${JSON.stringify(`${url}/`)}${login === null ? "" : `, auth=(${JSON.stringify(login)}, ${JSON.stringify(PASSWORD_PLACEHOLDER)})`})\n` +
    `result = client.predict(\n${lines.join("")}    api_name=${JSON.stringify(apiName)},\n)\n` +
    `print(result)\n`
  );
}

/** The arguments as the `data` array of the HTTP API (files as FileData naming their URL). */
export function wireData(args: Arg[]): unknown[] {
  const wire = (v: unknown): unknown =>
    isFileArg(v)
      ? { path: v.file, meta: { _type: "gradio.FileData" } }
      : Array.isArray(v)
        ? v.map(wire)
        : v;
  return args.map((a) => wire(a.value));
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Gradio's two steps: POST `/gradio_api/call/<name>` answers `{"event_id": …}`; GET
 * `/gradio_api/call/<name>/<event_id>` streams the result. Written for bash and zsh alike.
 */
export function curlSnippet(url: string, apiName: string, args: Arg[], login: string | null = null): string {
  const call = `${url}/gradio_api/call${apiName}`;
  const body = JSON.stringify({ data: wireData(args) });
  // With a login: log in once, keeping the cookie in a file that both steps send.
  const jar = login === null ? "" : " -b cookies.txt";
  const first =
    login === null
      ? ""
      : `curl -s -c cookies.txt -X POST ${url}/login \\\n  --data-urlencode ${shellQuote(`username=${login}`)} \\\n  --data-urlencode ${shellQuote(`password=${PASSWORD_PLACEHOLDER}`)}\n`;
  return (
    first +
    `EVENT_ID=$(curl -s${jar} -X POST ${call} \\\n  -H "Content-Type: application/json" \\\n  -d ${shellQuote(body)} \\\n  | awk -F'"' '{ print $4 }')\n` +
    `curl -N${jar} ${call}/$EVENT_ID\n`
  );
}

/** A placeholder where a token goes until one is made. */
export const TOKEN_PLACEHOLDER = "<YOUR_TOKEN>";

/** A server name for an MCP client's config: the app's title, lower-case, letters, digits and dashes. */
export function serverName(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "tradio";
}

/** `mcpServers` for clients that speak Streamable HTTP (Cursor, VS Code, Windsurf…); with a login, the bearer header. */
export function mcpHttpConfig(name: string, mcpUrl: string, token: string | null): string {
  const server: Record<string, unknown> = { url: mcpUrl };
  if (token !== null) server.headers = { Authorization: `Bearer ${token}` };
  return JSON.stringify({ mcpServers: { [name]: server } }, null, 2);
}

/** `mcpServers` for clients that start local programs only (Claude Desktop): the `mcp-remote` bridge. */
export function mcpBridgeConfig(name: string, mcpUrl: string, token: string | null): string {
  const server: Record<string, unknown> = { command: "npx", args: ["mcp-remote", mcpUrl] };
  if (token !== null) {
    // mcp-remote's own advice: the header through an environment variable, without a space in the argument.
    server.args = ["mcp-remote", mcpUrl, "--header", "Authorization:${AUTH_HEADER}"];
    server.env = { AUTH_HEADER: `Bearer ${token}` };
  }
  return JSON.stringify({ mcpServers: { [name]: server } }, null, 2);
}

/** A parameter's or return value's type for JavaScript readers, from its JSON schema. */
export function jsType(schema: Record<string, unknown> | undefined, depth = 0): string {
  if (!schema || depth > 3) return "any";
  if (schema.title === "FileData" || (schema.properties as Record<string, unknown> | undefined)?.path) return "Blob | File | Buffer";
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const anyOf = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
  if (Array.isArray(anyOf)) return [...new Set(anyOf.map((s) => jsType(s, depth + 1)))].join(" | ");
  switch (schema.type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      const item = jsType(schema.items as Record<string, unknown> | undefined, depth + 1);
      return /[ |]/.test(item) ? `(${item})[]` : `${item}[]`;
    }
    case "object":
      return "object";
    default:
      return "any";
  }
}

/** The type a reader of the given language sees. */
export function typeFor(p: ApiParameter, lang: Lang): string {
  return lang === "python" ? p.python_type.type : jsType(p.type);
}
