import { MemoryScheduler } from "../../src/queue/memory.js";
import { schedulers } from "../../src/queue/scheduler.js";
import { schedulerConformance } from "./conformance.js";

schedulerConformance("memory", (settings) => new MemoryScheduler(settings));
schedulerConformance("memory, from the registry", (settings) => schedulers.get("memory")(settings));
