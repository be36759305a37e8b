/**
 * The wire contract: the JSON of `/config` and `/gradio_api/info`, and every sse_v3 frame, in the shape
 * `@gradio/client` 2.x reads. The server builds these values (protocol/) and the page imports these types
 * instead of declaring its own, so the two cannot drift. Types only: nothing here runs.
 */

/** Gradio's FileData as it travels on the wire. */
export interface FileData {
  path: string;
  url?: string | null;
  size?: number | null;
  orig_name?: string | null;
  mime_type?: string | null;
  is_stream?: boolean;
  meta: { _type: "gradio.FileData" };
}

/** One line of a progress report (`progress()` and `progress.track()`). */
export interface ProgressUnit {
  index: number | null;
  length: number | null;
  unit: string | null;
  progress: number | null;
  desc: string | null;
}

export type Props = Record<string, any>;

/** A node of the page's layout tree. */
export interface LayoutNode {
  readonly id: number;
  readonly children?: readonly LayoutNode[];
}

export interface ComponentConfig {
  id: number;
  /** Gradio's lowercase type name; the page picks its view by it. */
  type: string;
  /**
   * Gradio's props in snake_case. tradio also sends, for every value component, `interactive` (whether a
   * person edits it), so the page needs no rules of its own about which components take input.
   */
  props: Props;
  skip_api?: boolean;
  component_class_id?: string;
  key?: null;
  api_info?: Record<string, unknown>;
  example_inputs?: unknown;
  /**
   * For a component registered from outside tradio: the URL of an ES module that draws it on the page
   * (see `ExternalView`). Built-in components have none.
   */
  view?: string | null;
}

export type TriggerMode = "once" | "multiple" | "always_last";

export interface Dependency {
  id: number;
  /** What runs it on the page: [component or block id, event name]. */
  targets: [number, string][];
  inputs: number[];
  outputs: number[];
  backend_fn: boolean;
  js: null;
  /** A page-side action for dependencies without a backend function ("reset" for Clear). */
  frontend_action: string | null;
  api_name: string | null;
  api_visibility: "public" | "private";
  show_api: boolean;
  queue: null;
  batch: boolean;
  max_batch_size: number;
  concurrency_limit: number | "default" | null;
  cancels: number[];
  types: { generator: boolean; cancel: boolean };
  collects_event_data: boolean;
  trigger_after: null;
  trigger_only_on_success: boolean;
  trigger_mode: TriggerMode;
  /** "hidden": the outputs show no status while it runs (a streaming input's event: they update in place). */
  show_progress: "full" | "minimal" | "hidden";
  /**
   * tradio's: the server preprocesses its inputs, so a `required` input left empty is refused. The page
   * refuses it first, on the input, without sending (flagging sends values as they are: false).
   */
  preprocess: boolean;
  connection: "sse";
}

export interface AppConfig {
  version: string;
  mode: "interface";
  protocol: "sse_v3";
  api_prefix: string;
  root: string;
  app_id: null;
  dev_mode: false;
  analytics_enabled: false;
  enable_queue: true;
  connect_heartbeat: false;
  show_api: boolean;
  show_error: boolean;
  /** Largest upload in bytes, or null for the server's default. */
  max_file_size: number | null;
  is_space: false;
  space_id: null;
  auth_required: boolean;
  /**
   * The app is also an MCP server (`launch({ mcpServer: true })`): tools at `<root>/gradio_api/mcp/`, their
   * list at `<root>/gradio_api/mcp/schema`. The page's API panel shows its MCP tab then.
   */
  mcp_server: boolean;
  username: string | null;
  title: string;
  description: string | null;
  article: string | null;
  css: string | null;
  theme: string;
  thumbnail: string | null;
  /** "manual", "auto" or "never". */
  allow_flagging: string;
  /** [button label, logged value] per flag button. */
  flagging_options: [string, string][];
  interpretation: boolean;
  live: boolean;
  components: ComponentConfig[];
  layout: LayoutNode;
  dependencies: Dependency[];
}

/** One parameter or return value of an endpoint in `/info`. */
export interface ApiParameter {
  label: string;
  parameter_name?: string;
  parameter_has_default?: boolean;
  parameter_default?: unknown;
  type: Record<string, unknown>;
  python_type: { type: string; description: string };
  component: string;
  example_input?: unknown;
}

export interface ApiEndpoint {
  parameters: ApiParameter[];
  returns: ApiParameter[];
  api_visibility: "public";
  show_api: true;
  description: string;
}

/** `/gradio_api/info`: both keys are always present (the client's view_api throws otherwise). */
export interface ApiInfo {
  named_endpoints: Record<string, ApiEndpoint>;
  unnamed_endpoints: Record<string, ApiEndpoint>;
}

/** One tool of `GET /gradio_api/mcp/schema`: what an MCP client's `tools/list` gets. */
export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/**
 * What the server writes into the page's HTML (`<script type="application/json" id="tradio-page">`), so
 * the page draws the app without asking for `/config` and `/gradio_api/info`: both, as those routes would
 * answer this request, or, for an app with a login that this request has not passed, the login form.
 */
export type EmbeddedPage = { config: AppConfig; info: ApiInfo } | { login: { message: string | null; title: string | null } };

/** The body of a successful call: the final `process_completed` output and the `/run/<api>` answer. */
export interface SuccessOutput {
  data: unknown[];
  is_generating: false;
  duration: number;
  average_duration: number;
  render_config: null;
  changed_state_ids: [];
}

/** What a failed call shows its caller; `error` is null when the server hides an internal failure. */
export interface ErrorOutput {
  error: string | null;
  title: string;
  duration: number | null;
  visible: boolean;
  /** tradio's error code (TR_ERR_…), so programs need not match messages. */
  code?: string;
}

/** One diff operation of a streamed update: `[op, path, value]`. */
export type DiffOp = ["replace" | "append" | "add" | "delete", (string | number)[], unknown];

interface Framed {
  /** The call the frame belongs to; null frames go to every call of the session. */
  event_id?: string | null;
}

export interface EstimationFrame extends Framed {
  msg: "estimation";
  rank: number;
  queue_size: number;
  rank_eta: number | null;
}
export interface ProcessStartsFrame extends Framed {
  msg: "process_starts";
  eta: number | null;
}
export interface ProgressFrame extends Framed {
  msg: "progress";
  progress_data: ProgressUnit[];
}
export interface LogFrame extends Framed {
  msg: "log";
  log: string;
  level: "info" | "warning" | "success" | "error";
  title: string;
  duration: number | null;
  visible: boolean;
}
export interface GeneratingFrame extends Framed {
  msg: "process_generating";
  /** The first update carries whole values; later ones one list of DiffOps per output. */
  output: { data: unknown[]; is_generating: true };
  success: true;
}
export interface CompletedFrame extends Framed {
  msg: "process_completed";
  output: SuccessOutput | ErrorOutput;
  success: boolean;
}
export interface HeartbeatFrame extends Framed {
  msg: "heartbeat";
}
export interface CloseStreamFrame extends Framed {
  msg: "close_stream";
}
export interface UnexpectedErrorFrame extends Framed {
  msg: "unexpected_error";
  message: string;
  session_not_found: boolean;
  success: false;
}

/** Every frame a session's event stream carries. */
export type Frame =
  | EstimationFrame
  | ProcessStartsFrame
  | ProgressFrame
  | LogFrame
  | GeneratingFrame
  | CompletedFrame
  | HeartbeatFrame
  | CloseStreamFrame
  | UnexpectedErrorFrame;

/**
 * A view for a component registered from outside tradio: the default export of the ES module named by
 * `ComponentConfig.view`. The page calls `mount` once with an element to draw into.
 */
export interface ExternalView {
  mount(
    target: HTMLElement,
    init: {
      props: Props;
      value: unknown;
      interactive: boolean;
      /** Report a person's edit: the page stores the value and fires the component's change event. */
      setValue(value: unknown): void;
    },
  ): { update(value: unknown): void; destroy?(): void };
}
