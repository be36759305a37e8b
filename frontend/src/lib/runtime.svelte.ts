import { Client, handle_file } from "@gradio/client";
import { newSessionHash } from "./session.js";
import type { AppConfig, ComponentConfig, Dependency, RunStatus, Toast } from "./types.js";

/** Components that only ever display a value. */
const DISPLAY_ONLY = new Set(["label", "html", "markdown", "highlightedtext", "json", "chatbot"]);
/** Layout and event blocks: no value of their own. */
const BLOCKS = new Set(["row", "column", "button", "dataset", "group", "form", "tabs", "tab", "accordion"]);
const LIVE_DEBOUNCE_MS = 300;

/** One component on the page: its config, its current value and the status of the job writing it. */
export class Slot {
  value = $state.raw<unknown>(null);
  status = $state.raw<RunStatus | null>(null);
  constructor(
    readonly config: ComponentConfig,
    readonly interactive: boolean,
  ) {
    this.value = clone(config.props.value ?? null);
  }
  get id(): number {
    return this.config.id;
  }
  get type(): string {
    return this.config.type;
  }
  get props(): Record<string, any> {
    return this.config.props;
  }
}

function clone<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  try {
    return structuredClone(v);
  } catch {
    return v;
  }
}

/** The page's URL without query, hash or trailing slash: what Client.connect needs. */
export function appUrl(loc: Location = window.location): string {
  const path = loc.pathname.replace(/index\.html$/, "").replace(/\/+$/, "");
  return loc.origin + path;
}

interface Running {
  epoch: number;
  again: boolean;
}

/**
 * The page's runtime: one Slot per component, the event bindings of the config's dependencies, and the
 * @gradio/client connection (one session per page load; Clear starts a new one).
 */
export class AppRuntime {
  readonly slots = new Map<number, Slot>();
  readonly components = new Map<number, ComponentConfig>();
  toasts = $state<Toast[]>([]);
  /** Ticks while a job runs, so status overlays show the elapsed time. */
  now = $state(performance.now());
  /** Bumped by Clear: results of jobs started before it are dropped. */
  private epoch = 0;
  private client: Promise<Client>;
  private readonly bindings = new Map<string, Dependency[]>();
  /** The hidden `interpretation` output of each interpreted input, by the input's id. */
  private readonly interpretations = new Map<number, Slot>();
  private readonly running = new Map<number, Running>();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private active = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private toastId = 0;

  constructor(
    readonly config: AppConfig,
    readonly url: string,
    client: Client,
    public sessionHash: string,
  ) {
    this.client = Promise.resolve(client);
    const inputs = new Set<number>();
    const outputs = new Set<number>();
    for (const dep of config.dependencies) {
      if (!dep.backend_fn) continue;
      dep.inputs.forEach((id) => inputs.add(id));
      dep.outputs.forEach((id) => outputs.add(id));
    }
    for (const c of config.components) {
      this.components.set(c.id, c);
      if (BLOCKS.has(c.type)) continue;
      const explicit = c.props.interactive;
      const interactive =
        typeof explicit === "boolean" ? explicit : !DISPLAY_ONLY.has(c.type) && !(outputs.has(c.id) && !inputs.has(c.id));
      const slot = new Slot(c, interactive);
      this.slots.set(c.id, slot);
      if (c.type === "interpretation" && typeof c.props.component_id === "number") this.interpretations.set(c.props.component_id, slot);
    }
    for (const dep of config.dependencies) {
      for (const [id, event] of dep.targets) {
        const key = `${id}:${event}`;
        const list = this.bindings.get(key) ?? [];
        list.push(dep);
        this.bindings.set(key, list);
      }
    }
  }

  /** Connects to the app at `url` with a fresh CSPRNG session id. */
  static async connect(url: string): Promise<AppRuntime> {
    const hash = newSessionHash();
    const client = await AppRuntime.open(url, hash);
    if (!client.config) throw new Error("The app sent no config.");
    return new AppRuntime(client.config as unknown as AppConfig, url, client, hash);
  }

  private static open(url: string, session_hash: string): Promise<Client> {
    return Client.connect(url, { session_hash, events: ["data", "status", "log"], record_history: false });
  }

  slot(id: number): Slot | undefined {
    return this.slots.get(id);
  }

  /** True when some dependency listens for `event` on component `id`. */
  listens(id: number, event: string): boolean {
    return this.bindings.has(`${id}:${event}`);
  }

  /** The interpretation output that explains input `id`, when the app has interpretation. */
  interpretationOf(id: number): Slot | undefined {
    return this.interpretations.get(id);
  }

  /** True for the first input (in config order) now showing scores: the colour key is shown there only. */
  firstInterpreted(id: number): boolean {
    for (const [input, scores] of this.interpretations) if (scores.value !== null && scores.value !== undefined) return input === id;
    return false;
  }

  /** Scores explain one value of the input: an edit, an example or Clear removes them. */
  private uninterpret(id: number): void {
    const slot = this.interpretations.get(id);
    if (slot) slot.value = null;
  }

  /** A user edit: store the value and fire the component's change listeners. */
  setByUser(id: number, value: unknown): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.value = value;
    this.uninterpret(id);
    this.trigger(id, "change");
  }

  /**
   * A button click. A button carrying `flag_value` (the flag buttons) first writes that value into the
   * hidden component its dependency reads last (the "flag option" textbox), then the event runs.
   */
  click(button: ComponentConfig): void {
    const value = button.props.flag_value;
    if (value !== undefined) {
      for (const dep of this.bindings.get(`${button.id}:click`) ?? []) {
        const last = this.slots.get(dep.inputs[dep.inputs.length - 1]);
        if (last && last.props.visible === false) last.value = value;
      }
    }
    this.trigger(button.id, "click");
  }

  /** Runs the dependencies bound to (id, event). Change events of live apps are debounced. */
  trigger(id: number, event: string): void {
    for (const dep of this.bindings.get(`${id}:${event}`) ?? []) {
      if (event === "change" && dep.backend_fn) {
        clearTimeout(this.timers.get(dep.id));
        this.timers.set(
          dep.id,
          setTimeout(() => {
            this.timers.delete(dep.id);
            void this.run(dep);
          }, LIVE_DEBOUNCE_MS),
        );
      } else void this.run(dep);
    }
  }

  /** Fills components from an example (and outputs from cached results). */
  fill(ids: number[], values: unknown[], fireChange: boolean): void {
    ids.forEach((id, i) => {
      const slot = this.slots.get(id);
      if (slot) slot.value = clone(values[i] ?? null);
      this.uninterpret(id);
    });
    if (fireChange) ids.forEach((id) => this.trigger(id, "change"));
  }

  async run(dep: Dependency): Promise<void> {
    if (!dep.backend_fn) {
      if (dep.frontend_action === "reset") this.reset(dep);
      return;
    }
    const busy = this.running.get(dep.id);
    if (busy && busy.epoch === this.epoch) {
      // Live apps (always_last) run once more with the newest inputs; others ignore repeat triggers.
      if (dep.trigger_mode === "always_last") busy.again = true;
      if (dep.trigger_mode !== "multiple") return;
    }
    const epoch = this.epoch;
    const me: Running = { epoch, again: false };
    this.running.set(dep.id, me);
    const outputs = dep.outputs.map((id) => this.slots.get(id)).filter((s): s is Slot => !!s && s.type !== "state");
    const data = dep.inputs
      .map((id) => this.slots.get(id))
      .filter((s): s is Slot => !!s && s.type !== "state")
      .map((s) => toWire(s.value));
    // Scores that arrive after their input was edited no longer describe it: they are dropped.
    const basis = outputs.map((s) => {
      const input = s.type === "interpretation" ? this.slots.get(s.props.component_id) : undefined;
      return input ? { input, value: input.value } : null;
    });
    const start = performance.now();
    for (const s of outputs) s.status = { stage: "queued", start };
    this.tick(1);
    let failed: { title: string; message: string } | null = null;
    try {
      const client = await this.client;
      if (epoch !== this.epoch) return;
      const job = client.submit(dep.id, data);
      for await (const msg of job) {
        if (epoch !== this.epoch) break;
        if (msg.type === "data") {
          const values = msg.data as unknown[];
          outputs.forEach((s, i) => {
            const b = basis[i];
            const stale = b !== null && b.input.value !== b.value;
            if (i < values.length && !stale) s.value = values[i];
            if (s.status && s.status.stage !== "error") s.status = { ...s.status, stage: "streaming", progress: undefined };
          });
        } else if (msg.type === "status") {
          if (msg.stage === "error") {
            failed = { title: msg.title || "Error", message: errorText(msg.message) };
            break;
          }
          if (msg.stage === "complete") break;
          const running = msg.original_msg === "process_starts" || msg.stage === "generating";
          for (const s of outputs) {
            const prev = s.status ?? { stage: "queued" as const, start };
            s.status = {
              ...prev,
              stage: prev.stage === "streaming" ? "streaming" : running || prev.stage === "running" ? "running" : "queued",
              position: running ? undefined : (msg.position ?? prev.position),
              size: running ? undefined : (msg.size ?? prev.size),
              eta: msg.eta ?? prev.eta,
              progress: msg.progress_data ?? prev.progress,
            };
          }
        } else if (msg.type === "log") {
          const level = (msg.level as Toast["level"]) || "info";
          if (msg.visible !== false) this.toast(level, msg.title || level[0].toUpperCase() + level.slice(1), String(msg.log ?? ""), msg.duration);
        }
      }
    } catch (err) {
      failed = { title: "Error", message: err instanceof Error ? err.message : String(err) };
    } finally {
      this.tick(-1);
      if (this.running.get(dep.id) === me) this.running.delete(dep.id);
    }
    if (epoch !== this.epoch) return;
    if (failed) {
      for (const s of outputs) s.status = { stage: "error", start, title: failed.title, message: failed.message };
      if (outputs.length === 0) this.toast("error", failed.title, failed.message, null);
    } else {
      for (const s of outputs) s.status = null;
    }
    if (me.again) void this.run(dep);
  }

  /** Clear: outputs back to their initial values, pending work dropped, and a new session (fresh state). */
  reset(dep: Dependency): void {
    this.epoch++;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.running.clear();
    for (const id of dep.outputs) {
      const slot = this.slots.get(id);
      if (!slot) continue;
      slot.value = clone(slot.config.props.value ?? null);
      slot.status = null;
      const scores = this.interpretations.get(id);
      if (scores) {
        scores.value = null;
        scores.status = null;
      }
    }
    this.sessionHash = newSessionHash();
    const next = AppRuntime.open(this.url, this.sessionHash);
    const previous = this.client;
    this.client = next.catch(async (err) => {
      this.toast("error", "Connection lost", err instanceof Error ? err.message : String(err), null);
      return previous;
    });
  }

  dismiss(slot: Slot): void {
    slot.status = null;
  }

  toast(level: Toast["level"], title: string, message: string, duration: number | null | undefined = 10): void {
    const id = ++this.toastId;
    this.toasts.push({ id, level, title, message });
    if (duration !== null && duration !== undefined && duration > 0) setTimeout(() => this.closeToast(id), duration * 1000);
  }

  closeToast(id: number): void {
    const i = this.toasts.findIndex((t) => t.id === id);
    if (i >= 0) this.toasts.splice(i, 1);
  }

  private tick(delta: number): void {
    this.active += delta;
    this.now = performance.now();
    if (this.active > 0 && !this.ticker) {
      this.ticker = setInterval(() => (this.now = performance.now()), 100);
    } else if (this.active <= 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }
}

function errorText(message: unknown): string {
  if (typeof message === "string") return message;
  if (Array.isArray(message)) return message.map((m) => (typeof m === "object" && m && "message" in m ? String(m.message) : String(m))).join("\n");
  return "An error occurred";
}

/** A component value as the client sends it: Blobs/Files become uploads (the client uploads them). */
function toWire(v: unknown): unknown {
  if (v instanceof Blob) return handle_file(v);
  if (Array.isArray(v) && v.some((x) => x instanceof Blob)) return v.map((x) => (x instanceof Blob ? handle_file(x) : x));
  return v;
}
