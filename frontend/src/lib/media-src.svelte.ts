import { fileUrl } from "./format.js";

/**
 * What a media element plays or shows for a component value: an object URL for a File picked on the page
 * (revoked when the value changes or the view goes), else the URL of the server's FileData. Call it while
 * a view is created; `src` follows `value()`.
 */
export function mediaSrc(value: () => unknown): { readonly src: string | null } {
  let objectUrl = $state<string | null>(null);
  $effect(() => {
    const v = value();
    if (v instanceof Blob) {
      const url = URL.createObjectURL(v);
      objectUrl = url;
      return () => URL.revokeObjectURL(url);
    }
    objectUrl = null;
  });
  const src = $derived.by(() => {
    const v = value();
    return v instanceof Blob ? objectUrl : fileUrl(v);
  });
  return {
    get src() {
      return src;
    },
  };
}
