import { Component, type ComponentOptions, type JSONSchema } from "./component.js";

/**
 * Session state: the value lives on the server, one per page load, and never reaches the page or the
 * API. `new State(value)` gives every session its own deep copy of `value` (a function is called once
 * per session, so a per-session id is never shared); the "state" shortcut starts at `undefined`, so the
 * function's own default parameter (`history = []`) applies.
 *
 * @example
 * new tr.State<string[]>([])                      // each session starts with its own empty list
 * new tr.State(() => ({ id: crypto.randomUUID() })) // a fresh value per session
 */
export class State<S = any> extends Component<S, S> {
  readonly type = "state";
  readonly className = "State";
  override readonly stateful = true;
  private readonly initial: S | (() => S) | undefined;

  constructor(value?: S | (() => S)) {
    super({});
    this.initial = value;
  }

  /** A fresh copy of the initial value for a new session. */
  fresh(): S | undefined {
    const v = this.initial;
    if (typeof v === "function") return (v as () => S)();
    if (v === undefined) return undefined;
    return deepCopy(v);
  }

  override props(): Record<string, unknown> {
    return { visible: false, value: null };
  }
  apiInfo(): JSONSchema {
    return {};
  }
  exampleInput(): unknown {
    return null;
  }
  preprocess(payload: unknown): S {
    return payload as S;
  }
  postprocess(value: S): S {
    return value;
  }
}

/** structuredClone keeps Maps, Sets, Dates and typed arrays; objects it cannot clone (functions, class
 *  instances with private fields) are shared as they are, which is what a Python deepcopy fallback gives. */
export function deepCopy<T>(v: T): T {
  try {
    return structuredClone(v);
  } catch {
    return v;
  }
}

/** Options are not accepted by State; the constructor takes the initial value. */
export type StateOptions = ComponentOptions;
