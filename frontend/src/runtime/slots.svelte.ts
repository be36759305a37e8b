import type { ComponentConfig } from "$protocol";
import type { RunStatus } from "./types.js";

/**
 * One component on the page: its config, its current value and the status of the job writing it.
 * Every entry of the config's `components` gets one (layout blocks too; their value is never used).
 */
export class Slot {
  value = $state.raw<unknown>(null);
  status = $state.raw<RunStatus | null>(null);
  /** Whether a person edits it: the server decides and sends `props.interactive`. */
  readonly interactive: boolean;

  constructor(readonly config: ComponentConfig) {
    this.interactive = config.props.interactive === true;
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
  /** An input that must not be left empty (`required: true` on the server): its control says `aria-required`. */
  get required(): boolean {
    return this.interactive && this.config.props.required === true;
  }
  /** Back to the value the page started with (Clear). */
  reset(): void {
    this.value = clone(this.config.props.value ?? null);
    this.status = null;
  }
}

/** The page's values: one Slot per component, and which hidden interpretation output explains which input. */
export class Slots {
  private readonly byId = new Map<number, Slot>();
  /** The hidden `interpretation` output of each interpreted input, by the input's id. */
  private readonly interpretations = new Map<number, Slot>();

  constructor(components: readonly ComponentConfig[]) {
    for (const c of components) {
      const slot = new Slot(c);
      this.byId.set(c.id, slot);
      if (c.type === "interpretation" && typeof c.props.component_id === "number") this.interpretations.set(c.props.component_id, slot);
    }
  }

  get(id: number): Slot | undefined {
    return this.byId.get(id);
  }

  /** The slots of `ids`, in order, leaving out ids the config does not have. */
  of(ids: readonly number[]): Slot[] {
    return ids.map((id) => this.byId.get(id)).filter((s): s is Slot => s !== undefined);
  }

  /** Stores a value (an edit, an example, a result): interpretation scores of the old value no longer apply. */
  set(id: number, value: unknown): void {
    const slot = this.byId.get(id);
    if (slot) slot.value = value;
    this.uninterpret(id);
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
  uninterpret(id: number): void {
    const scores = this.interpretations.get(id);
    if (scores) scores.value = null;
  }
}

export function clone<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  try {
    return structuredClone(v);
  } catch {
    return v;
  }
}
