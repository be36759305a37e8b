import { Registry } from "../../core/registry.js";
import type { FlaggingCallback } from "./callback.js";
import { CSVLogger } from "./csv-logger.js";
import { SQLiteLogger } from "./sqlite-logger.js";

/** Flagging callbacks by name (`flaggingCallback: "sqlite"`): each name makes a fresh callback for one Interface. */
export const flaggingCallbacks = new Registry<() => FlaggingCallback>("flaggingCallbacks");
flaggingCallbacks.register("csv", () => new CSVLogger());
flaggingCallbacks.register("sqlite", () => new SQLiteLogger());
