// Entry of the machine worker: a worker thread does not inherit the main thread's TypeScript
// loader, so it registers tsx (as bin/pcscope.js does) before loading the worker's source.
import { register } from "tsx/esm/api";

register();
await import("./machine-worker.ts");
