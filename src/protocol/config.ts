import type { EventDef, Graph, ResolveContext } from "../graph/graph.js";
import type { ApiEndpoint, ApiInfo, AppConfig, ComponentConfig, Dependency } from "./types.js";

export const VERSION = "0.1.0";
export const API_PREFIX = "/gradio_api";

/** Where the module of a component registered from outside tradio is served. */
export const viewPath = (type: string): string => `${API_PREFIX}/views/${encodeURIComponent(type)}.js`;

/** What the config says beyond the graph: values of the server and of the request. */
export interface ConfigExtras {
  root: string;
  showError: boolean;
  maxFileSize: number | null;
  username: string | null;
  authRequired: boolean;
  mcpServer: boolean;
}

function dependency(event: EventDef): Dependency {
  return {
    id: event.id,
    targets: event.targets.map(([id, name]) => [id, name]),
    inputs: event.inputs.map((c) => c.id),
    outputs: event.outputs.map((c) => c.id),
    backend_fn: event.fn !== null,
    js: null,
    frontend_action: event.frontendAction,
    api_name: event.apiName,
    api_visibility: event.showApi && event.apiName ? "public" : "private",
    show_api: event.showApi,
    queue: null,
    batch: event.batch,
    max_batch_size: event.maxBatchSize,
    concurrency_limit: event.concurrencyLimit,
    cancels: [],
    types: { generator: false, cancel: false },
    collects_event_data: false,
    trigger_after: null,
    trigger_only_on_success: false,
    trigger_mode: event.live ? "always_last" : "once",
    show_progress: event.showProgress,
    preprocess: event.preprocess,
    connection: "sse",
  };
}

/** The Gradio-shaped `/config`: what `@gradio/client` and the page read. Values are computed per request (root, user). */
export async function buildConfig(graph: Graph, extras: ConfigExtras, ctx: ResolveContext): Promise<AppConfig> {
  const components: ComponentConfig[] = [];
  for (const c of graph.components) {
    const props = c.props();
    if (!c.stateful) {
      props.value = await c.initialValue(ctx).catch(() => props.value ?? null);
      props.interactive = graph.isInteractive(c);
    }
    components.push({
      id: c.id,
      type: c.type,
      props: { ...props, name: c.type },
      skip_api: c.stateful,
      component_class_id: c.className,
      key: null,
      api_info: c.apiInfo(),
      example_inputs: c.exampleInput(),
      view: c.viewModule ? `${extras.root}${viewPath(c.type)}` : null,
    });
  }
  for (const b of graph.blocks) {
    const resolved = b.resolve ? await b.resolve(ctx) : {};
    components.push({ id: b.id, type: b.type, props: { ...b.props(), ...resolved, name: b.type }, skip_api: true, component_class_id: b.type, key: null });
  }
  components.sort((a, b) => a.id - b.id);
  const meta = graph.meta;
  return {
    version: VERSION,
    mode: "interface",
    protocol: "sse_v3",
    api_prefix: API_PREFIX,
    root: extras.root,
    app_id: null,
    dev_mode: false,
    analytics_enabled: false,
    enable_queue: true,
    connect_heartbeat: false,
    show_api: true,
    show_error: extras.showError,
    max_file_size: extras.maxFileSize,
    is_space: false,
    space_id: null,
    auth_required: extras.authRequired,
    mcp_server: extras.mcpServer,
    username: extras.username,
    title: meta.title ?? "tradio",
    description: meta.description,
    article: meta.article,
    css: meta.css,
    theme: meta.theme,
    thumbnail: meta.thumbnail,
    allow_flagging: "never",
    flagging_options: [],
    interpretation: false,
    live: false,
    ...(graph.config as Partial<AppConfig>),
    components,
    layout: graph.layout,
    dependencies: graph.events.map(dependency),
  };
}

function parameterName(label: string | undefined, i: number): string {
  const base = (label ?? `input_${i}`).toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[a-z_]/.test(base) ? base : `input_${i}`;
}

/** The keyword name of each visible input of an endpoint (from its label), unique within it: `/info`'s and MCP's. */
export function parameterNames(event: EventDef): { name: string; component: EventDef["inputs"][number] }[] {
  const used = new Set<string>();
  return event.inputs
    .filter((c) => !c.stateful)
    .map((c, i) => {
      let name = parameterName(c.label, i);
      while (used.has(name)) name = `${name}_${i}`;
      used.add(name);
      return { name, component: c };
    });
}

/** `/info`: the API description `view_api()` reads. Both top-level keys are always present. */
export function buildInfo(graph: Graph): ApiInfo {
  const named: Record<string, ApiEndpoint> = {};
  for (const event of graph.events) {
    if (!event.fn || !event.apiName || !event.showApi) continue;
    named[`/${event.apiName}`] = {
      parameters: parameterNames(event).map(({ name, component: c }, i) => ({
        label: c.label ?? `input ${i}`,
        parameter_name: name,
        parameter_has_default: false,
        parameter_default: null,
        type: c.apiInfo(),
        python_type: { type: c.pythonType(), description: c.typeDescription() },
        component: c.className,
        example_input: c.exampleInput(),
      })),
      returns: event.outputs
        .filter((c) => !c.stateful)
        .map((c) => ({
          label: c.label ?? "output",
          type: c.apiInfo(),
          python_type: { type: c.pythonType(), description: "" },
          component: c.className,
        })),
      api_visibility: "public",
      show_api: true,
      description: event.description ?? "",
    };
  }
  return { named_endpoints: named, unnamed_endpoints: {} };
}
