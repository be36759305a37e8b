import type { Props } from "$protocol";

/** Base classes plus the author's `elem_classes`, as one class string. */
export function classes(props: Props, ...base: (string | false | null | undefined)[]): string {
  const extra = Array.isArray(props.elem_classes) ? props.elem_classes.filter((c: unknown) => typeof c === "string") : [];
  return [...base.filter(Boolean), ...extra].join(" ");
}

/** A CSS length from a number of pixels or any CSS length string. */
export function cssSize(v: unknown): string | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return `${v}px`;
  if (typeof v === "string" && v.trim()) return v;
  return undefined;
}
