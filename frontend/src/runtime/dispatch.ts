import type { Client } from "@gradio/client";
import { tick } from "svelte";
import type { Dependency } from "$protocol";
import { humanSize } from "../lib/format.js";
import { reveal } from "../lib/reveal.js";
import { tooLarge, UploadRefused, uploadFile } from "../lib/upload.js";
import type { Connection } from "./connection.js";
import { clone, type Slot, type Slots } from "./slots.svelte.js";
import { DepStates, failureOf, JobStatus, LOST, UNREACHABLE, type Clock, type Failure } from "./status.svelte.js";
import type { Toasts } from "./toasts.svelte.js";
import type { DepState } from "./types.js";

/** Change events of live apps wait this long for the next keystroke before they run. */
const LIVE_DEBOUNCE_MS = 300;

/** One run of a dependency, from its trigger to its last message. */
interface Running {
  epoch: number;
  /** Triggered again while running (live apps): run once more with the newest inputs. */
  again: boolean;
  client: Client | null;
  job: ReturnType<Client["submit"]> | null;
  /** Stop or Clear asked the server to cancel it. */
  stopped: boolean;
  /** Its connection to the server was lost: it will hear nothing more. */
  lost: boolean;
  /** Aborts its uploads (Stop, Clear). */
  uploads: AbortController;
}

/**
 * The config's event bindings: each dependency's `targets` ([component id, event]) run it. A run reads its
 * inputs' values, sends them with `client.submit`, and writes what comes back into its outputs.
 *
 * Click → `trigger(id, "click")` → `run(dep)` → `client.submit(dep.id, data)` → each `data` message → the
 * outputs' `value`, each `status` message → their `status`. `stop(dep)` cancels a run (Stop, and Clear for
 * every run); a run whose connection is lost ends at once with a message, and the next one connects anew.
 */
export class Dispatch {
  private readonly bindings = new Map<string, Dependency[]>();
  private readonly running = new Map<number, Running>();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  /** What each dependency is doing, by id, for the buttons that start it (reactive). */
  readonly states = new DepStates();
  /** Bumped by Clear: results of jobs started before it are dropped. */
  private epoch = 0;

  constructor(
    dependencies: readonly Dependency[],
    private readonly slots: Slots,
    private readonly connection: Connection,
    private readonly clock: Clock,
    private readonly toasts: Toasts,
    /** The config's `max_file_size`: larger files are refused before they are sent. */
    private readonly maxFileSize: number | null = null,
  ) {
    for (const dep of dependencies) {
      for (const [id, event] of dep.targets) {
        const key = `${id}:${event}`;
        const list = this.bindings.get(key) ?? [];
        list.push(dep);
        this.bindings.set(key, list);
      }
    }
    connection.onLost((client) => {
      for (const r of this.running.values()) {
        if (r.client !== client || r.lost) continue;
        r.lost = true;
        // Ends its `for await`: no message will come. If the server is still there (a proxy dropped the
        // stream), the job is cancelled so that it does not hold a slot for a result nobody will see.
        void r.job?.return();
        this.cancel(r);
      }
    });
  }

  /** The dependencies that (id, event) runs. */
  bound(id: number, event: string): readonly Dependency[] {
    return this.bindings.get(`${id}:${event}`) ?? [];
  }

  /**
   * A person's edit: store the value and fire the component's change listeners. A file over the app's
   * size limit is refused at once, on the component, and not kept.
   */
  edit(id: number, value: unknown): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    const refused = blobsOf(value)
      .map((b) => tooLarge(b, this.maxFileSize))
      .find((r) => r !== null);
    if (refused) {
      slot.status = { stage: "error", start: performance.now(), title: refused.title, message: refused.message };
      return;
    }
    if (slot.status?.stage === "error") slot.status = null;
    this.slots.set(id, value);
    this.trigger(id, "change");
  }

  /**
   * A chunk of a streaming input (the microphone of a live app): it becomes the input's value and runs the
   * dependencies bound to its `stream` event at once.
   */
  stream(id: number, chunk: unknown): void {
    this.slots.set(id, chunk);
    this.trigger(id, "stream");
  }

  /** Whether a dependency bound to (id, event) is running: a streaming input waits before its next chunk. */
  busy(id: number, event: string): boolean {
    return this.bound(id, event).some((dep) => this.running.get(dep.id)?.epoch === this.epoch);
  }

  /**
   * The inputs' values as they are sent: files are uploaded first (with their progress on the input when
   * it takes a moment) and sent as the FileData the server returned.
   */
  private async wire(inputs: readonly Slot[], client: Client, signal: AbortSignal): Promise<unknown[]> {
    const api = `${client.config?.root ?? this.connection.url}${client.api_prefix}`;
    return Promise.all(
      inputs.map(async (slot) => {
        const value = slot.value;
        const blobs = blobsOf(value);
        if (blobs.length === 0) return value;
        const start = performance.now();
        const total = blobs.reduce((n, b) => n + b.size, 0);
        const loaded = new Map<Blob, number>();
        let shown = false;
        const show = () => {
          if (signal.aborted) return;
          const done = [...loaded.values()].reduce((n, l) => n + l, 0);
          const mb = (n: number) => Math.round(n / 1e5) / 10;
          slot.status = {
            stage: "uploading",
            start,
            progress: [{ progress: total ? done / total : null, desc: `Uploading ${blobs.length > 1 ? `${blobs.length} files` : "the file"} (${humanSize(total)})`, index: mb(done), length: mb(total), unit: "MB" }],
          };
        };
        // Small files go by unnoticed: the progress shows once an upload has taken a quarter of a second.
        const timer = setTimeout(() => ((shown = true), show()), 250);
        try {
          const sent = await Promise.all(
            (Array.isArray(value) ? value : [value]).map((v) => {
              if (!(v instanceof Blob)) return v;
              const refused = tooLarge(v, this.maxFileSize);
              if (refused) throw refused;
              return uploadFile(api, v, this.maxFileSize, signal, (l) => {
                loaded.set(v, l);
                if (shown) show();
              });
            }),
          );
          if (slot.status?.stage === "uploading") slot.status = null;
          return Array.isArray(value) ? sent : sent[0];
        } catch (err) {
          if (err instanceof UploadRefused && !signal.aborted) slot.status = { stage: "error", start, title: err.title, message: err.message, toasted: true };
          else if (slot.status?.stage === "uploading") slot.status = null;
          throw err;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }

  /** Fills components from an example (and outputs from cached results): a refusal of the values they held goes. */
  fill(ids: number[], values: unknown[], fireChange: boolean): void {
    for (const slot of this.slots.of(ids)) if (slot.status?.stage === "error") slot.status = null;
    ids.forEach((id, i) => this.slots.set(id, clone(values[i] ?? null)));
    if (fireChange) ids.forEach((id) => this.trigger(id, "change"));
  }

  /** Runs the dependencies bound to (id, event): a button's click, Enter's submit, an edit's change. Change events of live apps are debounced. */
  trigger(id: number, event: string): void {
    for (const dep of this.bound(id, event)) {
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

  /**
   * Asks the server to cancel the run of `dep` (Stop): a waiting job leaves the queue, a running one is
   * aborted and its slot freed. The outputs keep what they show (a generator's values so far).
   */
  stop(dep: Dependency): void {
    const r = this.running.get(dep.id);
    if (!r || r.stopped) return;
    this.cancel(r);
    if (r.epoch === this.epoch) this.states.set(dep.id, { state: "stopping" });
  }

  private cancel(r: Running): void {
    r.stopped = true;
    r.uploads.abort();
    const job = r.job;
    if (!job) return; // not submitted yet: `run` sees `stopped` before it submits
    // The cancel names the job's event id, which the server gives when the job joins the queue.
    void job
      .wait_for_id()
      .then((id) => (id ? job.cancel() : undefined))
      .catch(() => {});
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
    // Session state stays on the server: the page neither sends nor shows it.
    const outputs = this.slots.of(dep.outputs).filter((s) => s.type !== "state");
    const inputs = this.slots.of(dep.inputs).filter((s) => s.type !== "state");
    if (dep.preprocess !== false && this.refuseEmpty(inputs, dep)) return;
    const epoch = this.epoch;
    const me: Running = { epoch, again: false, client: null, job: null, stopped: false, lost: false, uploads: new AbortController() };
    this.running.set(dep.id, me);
    this.states.set(dep.id, { state: "running" });
    // Scores that arrive after their input was edited no longer describe it: they are dropped.
    const basis = outputs.map((s) => {
      const input = s.type === "interpretation" ? this.slots.get(s.props.component_id) : undefined;
      return input ? { input, value: input.value } : null;
    });
    const isStale = (i: number) => {
      const b = basis[i];
      return b !== null && b.input.value !== b.value;
    };

    // A stream's outputs (show_progress "hidden") update in place: no status over them between chunks.
    const status = new JobStatus(outputs, this.clock, dep.show_progress === "hidden");
    status.begin();
    let failed: Failure | null = null;
    let refusedInput = false;
    let sent: Slot[] = [];
    let messages: unknown[] = [];
    const scrollY = window.scrollY;
    try {
      let client: Client;
      try {
        client = await this.connection.ready();
      } catch {
        throw UNREACHABLE;
      }
      if (epoch !== this.epoch || me.stopped) return;
      me.client = client;
      const data = await this.wire(inputs, client, me.uploads.signal);
      if (epoch !== this.epoch || me.stopped) return;
      // A chat: the message box empties once the message is sent (it comes back if the message fails).
      if (outputs.some((s) => s.type === "chatbot")) {
        sent = inputs.filter((s) => s.type === "textbox" && s.interactive && !dep.outputs.includes(s.id) && typeof s.value === "string" && s.value !== "");
        messages = sent.map((s) => s.value);
        for (const s of sent) this.slots.set(s.id, "");
      }
      const job = client.submit(dep.id, data);
      me.job = job;
      for await (const msg of job) {
        if (epoch !== this.epoch) break;
        if (msg.type === "data") {
          const values = msg.data as unknown[];
          // @gradio/client applies a stream's diffs in place: every update of a chat history or a JSON
          // value is the same object, which a `$state.raw` slot would take as unchanged. Each update is
          // stored as a copy, so the views redraw as the value grows.
          outputs.forEach((s, i) => {
            if (i < values.length && !isStale(i)) s.value = clone(values[i]);
          });
          status.received();
        } else if (msg.type === "status") {
          if (msg.stage === "error") {
            // A broken connection: before the job joined, the server was not reached; after, it is gone.
            failed = msg.broken ? (job.event_id() ? LOST : UNREACHABLE) : failureOf(msg);
            if (msg.broken && job.event_id()) this.connection.lost(client);
            break;
          }
          if (msg.stage === "complete") break;
          status.update(msg);
        } else if (msg.type === "log") {
          this.toasts.log(msg);
        }
      }
      if (me.lost && !failed) failed = LOST;
    } catch (err) {
      if (me.uploads.signal.aborted) {
        // Stopped or cleared while uploading: nothing to show.
      } else if (err instanceof UploadRefused) {
        // Shown on the input it concerns (by `wire`); the outputs wait for the next Submit.
        failed = { title: err.title, message: err.message };
        refusedInput = true;
      } else failed = err === UNREACHABLE ? UNREACHABLE : { title: "Error", message: err instanceof Error ? err.message : String(err) };
    } finally {
      status.end();
      if (this.running.get(dep.id) === me) this.running.delete(dep.id);
    }
    if (epoch !== this.epoch) return;
    // Stopped: the outputs keep what they show, with no error.
    if (me.stopped && !me.lost) failed = null;
    if (this.running.has(dep.id)) {
      // Another run of it has started meanwhile (`multiple`): it owns the state.
    } else if (dep.outputs.length === 0 && !me.stopped) {
      // A job without outputs (a flag) says how it went on its button: saved, or why not.
      this.note(dep.id, failed ? { state: "failed", message: failed.message } : { state: "done" });
    } else this.states.delete(dep.id);
    // A value the server refused names its component (`Image "photo": …`): the error shows on that input.
    const label = failed && !refusedInput ? /^\w+ "([^"]*)": /.exec(failed.message)?.[1] : undefined;
    const named = label ? inputs.find((s) => s.props.label === label) : undefined;
    if (named && failed) {
      failed = { ...failed, title: "Input refused" };
      named.status = { stage: "error", start: performance.now(), title: failed.title, message: failed.message, toasted: failed.visible !== false };
    }
    status.settle(refusedInput || named ? null : failed);
    if (failed && failed.visible !== false) {
      // Errors show on the outputs and, as in Gradio 4, as a toast (the only place when there are no outputs).
      const duration = failed.duration !== undefined ? failed.duration : outputs.length ? 10 : null;
      this.toasts.show("error", failed.title, failed.message, duration);
      sent.forEach((s, i) => s.value === "" && (s.value = messages[i]));
    }
    // The result (or the error) comes into sight, unless the person scrolled meanwhile; live runs (while
    // typing) and stopped ones leave the page where it is.
    const shown = inputs.find((s) => s.status?.stage === "error") ?? outputs.find((s) => s.type !== "interpretation");
    if (shown && !me.stopped && !dep.targets.some(([, e]) => e === "change" || e === "stream")) void tick().then(() => reveal(shown.id, scrollY));
    if (me.again) void this.run(dep);
  }

  /**
   * A `required` input left empty is refused on the page, as the server would refuse it (its own words,
   * `required_message`), without sending anything: the refusal shows on each such input, the first is
   * brought into view, and a toast names them. The server still checks. True when something was refused.
   */
  private refuseEmpty(inputs: readonly Slot[], dep: Dependency): boolean {
    const empty = inputs.filter((s) => s.props.required === true && isEmptyValue(s));
    if (empty.length === 0) return false;
    const start = performance.now();
    const scrollY = window.scrollY;
    for (const s of empty) s.status = { stage: "error", start, title: "Input refused", message: requiredMessage(s), toasted: true };
    const names = empty.map((s) => (s.props.label ? `“${s.props.label}”` : s.type)).join(", ");
    this.toasts.show("error", "Input refused", empty.length === 1 ? requiredMessage(empty[0]!) : `${empty.length} required inputs are empty: ${names}.`, 10);
    if (!dep.targets.some(([, e]) => e === "change" || e === "stream")) void tick().then(() => reveal(empty[0]!.id, scrollY));
    return true;
  }

  /** Shows a dependency's outcome on its buttons for a few seconds (a refusal, a saved flag). */
  note(id: number, state: DepState, seconds = 4): void {
    this.states.set(id, state);
    setTimeout(() => {
      if (this.states.get(id) === state) this.states.delete(id);
    }, seconds * 1000);
  }

  /** Whether every input of `dep` is empty: nothing typed, picked or shown (numbers and booleans always count). */
  empty(dep: Dependency): boolean {
    return this.slots.of(dep.inputs).every((s) => {
      const v = s.value;
      return v === null || v === undefined || v === "" || (Array.isArray(v) ? v.length === 0 : typeof v === "object" && !(v instanceof Blob) && Object.keys(v).length === 0);
    });
  }

  /**
   * Clear: running jobs cancelled on the server, outputs back to their initial values, pending work
   * dropped, and a new session (fresh state).
   */
  reset(dep: Dependency): void {
    for (const r of this.running.values()) if (r.epoch === this.epoch) this.cancel(r);
    this.epoch++;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.running.clear();
    this.states.clear();
    for (const slot of this.slots.of(dep.outputs)) {
      slot.reset();
      const scores = this.slots.interpretationOf(slot.id);
      if (scores) {
        scores.value = null;
        scores.status = null;
      }
    }
    this.connection.restart((err) => this.toasts.show("error", "Connection lost", err instanceof Error ? err.message : String(err), null));
  }
}

/** The files in a component value (a File, or a list holding some). */
function blobsOf(v: unknown): Blob[] {
  if (v instanceof Blob) return [v];
  return Array.isArray(v) ? v.filter((x): x is Blob => x instanceof Blob) : [];
}

/** Whether an input holds nothing, as the server's `required` check sees it: null, "" (unless "" is a choice) or []. */
function isEmptyValue(slot: Slot): boolean {
  const v = slot.value;
  if (v === null || v === undefined) return true;
  if (v === "") return !(Array.isArray(slot.props.choices) && slot.props.choices.some((c: unknown) => (Array.isArray(c) ? c[1] : c) === ""));
  return Array.isArray(v) && v.length === 0;
}

/** What the server says when a required input is left empty (the config's `required_message`). */
function requiredMessage(slot: Slot): string {
  return typeof slot.props.required_message === "string" ? slot.props.required_message : `${slot.props.label ? `"${slot.props.label}": ` : ""}this input is required.`;
}
