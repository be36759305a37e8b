import type { Dependency } from "$protocol";
import { toWire, type Connection } from "./connection.js";
import { clone, type Slots } from "./slots.svelte.js";
import { failureOf, JobStatus, type Clock, type Failure } from "./status.svelte.js";
import type { Toasts } from "./toasts.svelte.js";

/** Change events of live apps wait this long for the next keystroke before they run. */
const LIVE_DEBOUNCE_MS = 300;

interface Running {
  epoch: number;
  /** Triggered again while running (live apps): run once more with the newest inputs. */
  again: boolean;
}

/**
 * The config's event bindings: each dependency's `targets` ([component id, event]) run it. A run reads its
 * inputs' values, sends them with `client.submit`, and writes what comes back into its outputs.
 *
 * Click → `trigger(id, "click")` → `run(dep)` → `client.submit(dep.id, data)` → each `data` message → the
 * outputs' `value`, each `status` message → their `status`.
 */
export class Dispatch {
  private readonly bindings = new Map<string, Dependency[]>();
  private readonly running = new Map<number, Running>();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  /** Bumped by Clear: results of jobs started before it are dropped. */
  private epoch = 0;

  constructor(
    dependencies: readonly Dependency[],
    private readonly slots: Slots,
    private readonly connection: Connection,
    private readonly clock: Clock,
    private readonly toasts: Toasts,
  ) {
    for (const dep of dependencies) {
      for (const [id, event] of dep.targets) {
        const key = `${id}:${event}`;
        const list = this.bindings.get(key) ?? [];
        list.push(dep);
        this.bindings.set(key, list);
      }
    }
  }

  /** A person's edit: store the value and fire the component's change listeners. */
  edit(id: number, value: unknown): void {
    if (!this.slots.get(id)) return;
    this.slots.set(id, value);
    this.trigger(id, "change");
  }

  /** Fills components from an example (and outputs from cached results). */
  fill(ids: number[], values: unknown[], fireChange: boolean): void {
    ids.forEach((id, i) => this.slots.set(id, clone(values[i] ?? null)));
    if (fireChange) ids.forEach((id) => this.trigger(id, "change"));
  }

  /** Runs the dependencies bound to (id, event): a button's click, Enter's submit, an edit's change. Change events of live apps are debounced. */
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
    // Session state stays on the server: the page neither sends nor shows it.
    const outputs = this.slots.of(dep.outputs).filter((s) => s.type !== "state");
    const data = this.slots
      .of(dep.inputs)
      .filter((s) => s.type !== "state")
      .map((s) => toWire(s.value));
    // Scores that arrive after their input was edited no longer describe it: they are dropped.
    const basis = outputs.map((s) => {
      const input = s.type === "interpretation" ? this.slots.get(s.props.component_id) : undefined;
      return input ? { input, value: input.value } : null;
    });
    const isStale = (i: number) => {
      const b = basis[i];
      return b !== null && b.input.value !== b.value;
    };

    const status = new JobStatus(outputs, this.clock);
    status.begin();
    let failed: Failure | null = null;
    try {
      const client = await this.connection.ready();
      if (epoch !== this.epoch) return;
      for await (const msg of client.submit(dep.id, data)) {
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
            failed = failureOf(msg);
            break;
          }
          if (msg.stage === "complete") break;
          status.update(msg);
        } else if (msg.type === "log") {
          this.toasts.log(msg);
        }
      }
    } catch (err) {
      failed = { title: "Error", message: err instanceof Error ? err.message : String(err) };
    } finally {
      status.end();
      if (this.running.get(dep.id) === me) this.running.delete(dep.id);
    }
    if (epoch !== this.epoch) return;
    status.settle(failed);
    if (failed && outputs.length === 0) this.toasts.show("error", failed.title, failed.message, null);
    if (me.again) void this.run(dep);
  }

  /** Clear: outputs back to their initial values, pending work dropped, and a new session (fresh state). */
  reset(dep: Dependency): void {
    this.epoch++;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.running.clear();
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
