import path from "node:path";
import { Component, type JSONSchema } from "../components/component.js";
import { uploadedFile, urlFileData } from "../components/file.js";
import { safeName, type FileData } from "../core/files.js";
import { describe } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

/** A file a function hands back as bytes: stored in the file store under `name`. */
export interface FileBytes {
  name: string;
  data: Uint8Array;
}

function isFileSchema(s: unknown): boolean {
  const props = (s as { properties?: Record<string, unknown> } | null)?.properties;
  return props !== undefined && props !== null && "path" in props && "meta" in props;
}

/** Whether a component's wire value is a file (or a list of files), read from its API schema. */
export function carriesFiles(c: Component<any, any>): boolean {
  const s = c.apiInfo();
  return isFileSchema(s) || (s.type === "array" && isFileSchema(s.items));
}

const isUrl = (p: string) => /^https?:\/\//i.test(p);

/**
 * Stands in for a component in interfaces whose function forwards values elsewhere (loaded models and
 * apps, Parallel, Series). It looks exactly like the component it wraps (type, props, API schema,
 * examples), but carries wire values through instead of converting them:
 * - in: files must be uploads in the file store (or, from the author's code, any readable file, copied
 *   in) and reach the function as local paths; other values arrive as sent, checked by the wrapped
 *   component's preprocess when `validate` is set;
 * - out: the function returns wire values; files may be stored paths, FileData, http(s) URLs or bytes
 *   (`Uint8Array`, `{ name, data }`), and leave as FileData with this request's URL.
 */
export class Relay extends Component<unknown, unknown, unknown> {
  readonly type: string;
  readonly className: string;
  readonly files: boolean;
  override readonly displayOnly: boolean;
  private readonly validate: boolean;

  constructor(
    readonly inner: Component<any, any>,
    opts: { label?: string; validate?: boolean } = {},
  ) {
    super({
      label: opts.label ?? inner.label,
      info: inner.info,
      visible: inner.visible,
      elemId: inner.elemId,
      elemClasses: [...inner.elemClasses],
      interactive: inner.interactive,
    });
    this.displayOnly = inner.displayOnly;
    this.type = inner.type;
    this.className = inner.className;
    this.files = carriesFiles(inner);
    this.validate = opts.validate ?? false;
  }

  override props(): Record<string, unknown> {
    return { ...this.inner.props(), label: this.label ?? null };
  }
  apiInfo(): JSONSchema {
    return this.inner.apiInfo();
  }
  exampleInput(): unknown {
    return this.inner.exampleInput();
  }
  override pythonType(): string {
    return this.inner.pythonType();
  }
  override exampleValue(example: unknown, ctx: ComponentContext): Promise<unknown> {
    return this.inner.exampleValue(example, ctx);
  }
  override initialValue(ctx: ComponentContext): Promise<unknown> {
    return this.inner.initialValue(ctx);
  }

  async preprocess(payload: unknown, ctx: ComponentContext): Promise<unknown> {
    if (payload === null || payload === undefined) return null;
    if (this.files) {
      const one = (p: unknown) => uploadedFile(p, ctx, (m) => this.fail(m));
      return Array.isArray(payload) ? Promise.all(payload.map(one)) : one(payload);
    }
    if (this.validate) await this.inner.preprocess(payload, ctx);
    return payload;
  }

  async postprocess(value: unknown, ctx: ComponentContext): Promise<unknown> {
    if (value === null || value === undefined) return null;
    if (!this.files) return value;
    return Array.isArray(value) ? Promise.all(value.map((v) => this.served(v, ctx))) : this.served(value, ctx);
  }

  /** One returned file → FileData served by this app (or an http(s) URL the page loads directly). */
  private async served(item: unknown, ctx: ComponentContext): Promise<FileData> {
    if (item instanceof Uint8Array) return ctx.files.fileData(await ctx.files.save(item, "file"), ctx.root);
    if (item !== null && typeof item === "object" && (item as FileBytes).data instanceof Uint8Array) {
      const { name, data } = item as FileBytes;
      const stored = await ctx.files.save(data, safeName(name));
      return ctx.files.fileData(stored, ctx.root, path.basename(stored));
    }
    const p = typeof item === "string" ? item : (item as { path?: unknown } | null)?.path;
    if (typeof p !== "string" || p === "") this.fail(`expected a file (a stored path, FileData, URL or bytes), got ${describe(item)}`);
    if (isUrl(p)) return urlFileData(p);
    const real = await ctx.files.servable(p);
    if (real === undefined) this.fail(`the file "${path.basename(p)}" is not one tradio stored or may serve`);
    const orig = (item as { orig_name?: unknown }).orig_name;
    return ctx.files.fileData(real, ctx.root, typeof orig === "string" ? orig : undefined);
  }
}
