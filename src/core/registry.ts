import { OptionError } from "./errors.js";

/**
 * One open registry per extension point (components, interpretation methods, load prefixes, flagging
 * callbacks, schedulers, session stores): tradio registers its own entries the same way a third party
 * does, so nothing built in is special.
 */
export class Registry<T> {
  private readonly entries = new Map<string, T>();

  constructor(readonly what: string) {}

  /** Adds an entry; a name already taken is an error unless `replace` is set. */
  register(name: string, entry: T, opts: { replace?: boolean } = {}): this {
    if (typeof name !== "string" || !/^[a-z][a-z0-9_-]*$/i.test(name)) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${this.what}: a name must be letters, digits, "-" or "_", starting with a letter, got ${JSON.stringify(name)}`);
    }
    if (this.entries.has(name) && !opts.replace) {
      throw new OptionError("TR_ERR_REGISTRY_DUPLICATE", `${this.what}: "${name}" is already registered (pass { replace: true } to replace it)`);
    }
    this.entries.set(name, entry);
    return this;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry, or undefined. */
  find(name: string): T | undefined {
    return this.entries.get(name);
  }

  /** The entry; an unknown name is an error that lists the known ones. */
  get(name: string): T {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      throw new OptionError("TR_ERR_REGISTRY_UNKNOWN", `${this.what}: nothing is registered as "${name}" (known: ${this.names().join(", ")})`);
    }
    return entry;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  values(): T[] {
    return [...this.entries.values()];
  }
}
