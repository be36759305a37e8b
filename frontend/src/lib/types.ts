/** The parts of tradio's /config that the page reads (a Gradio-shaped config). */
export type Props = Record<string, any>;

export interface ComponentConfig {
  id: number;
  type: string;
  props: Props;
}

export interface LayoutNode {
  id: number;
  children?: LayoutNode[];
}

export type Trigger = "click" | "submit" | "change";

export interface Dependency {
  id: number;
  targets: [number, string][];
  inputs: number[];
  outputs: number[];
  backend_fn: boolean;
  frontend_action?: string | null;
  api_name?: string | null;
  trigger_mode?: "once" | "multiple" | "always_last";
}

export interface AppConfig {
  title?: string | null;
  css?: string | null;
  theme?: string | null;
  live?: boolean;
  components: ComponentConfig[];
  layout: LayoutNode;
  dependencies: Dependency[];
  [key: string]: unknown;
}

/** Gradio's FileData as the server sends it. */
export interface FileData {
  path: string;
  url?: string | null;
  size?: number | null;
  orig_name?: string | null;
  mime_type?: string | null;
  meta?: { _type: string };
}

export interface ProgressItem {
  progress: number | null;
  index: number | null;
  length: number | null;
  unit: string | null;
  desc: string | null;
}

/** What an output shows while its dependency runs, or after it failed. */
export interface RunStatus {
  /** "streaming": a generator has sent values; they show through while it goes on. */
  stage: "queued" | "running" | "streaming" | "error";
  /** performance.now() when the job was submitted. */
  start: number;
  position?: number;
  size?: number;
  eta?: number | null;
  progress?: ProgressItem[];
  title?: string;
  message?: string;
}

export interface Toast {
  id: number;
  level: "info" | "warning" | "success" | "error";
  title: string;
  message: string;
}
