import { createHash } from "node:crypto";
import type { Graph } from "./graph.js";

/**
 * A short name for an app that every process building it from the same file derives alike: a hash of
 * its title and of its events' names, kinds and components. Processes serving one app share a queue
 * under it; a process built from another app (or another version of it, with other inputs) does not
 * take that app's jobs.
 */
export function fingerprint(graph: Graph): string {
  const shape = {
    title: graph.meta.title,
    events: graph.events.map((e) => [
      e.id,
      e.apiName,
      e.fn !== null,
      e.batch,
      e.inputs.map((c) => [c.type, c.label ?? null]),
      e.outputs.map((c) => [c.type, c.label ?? null]),
    ]),
  };
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 12);
}
