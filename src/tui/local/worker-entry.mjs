// Entry of the machine worker when the UI runs from source (tests, benchmarks): a worker thread
// does not inherit the main thread's TypeScript loader, so it registers tsx before loading the
// worker's source. Compiled (dist/), local-session.ts starts the worker's bundle directly.
import { register } from "tsx/esm/api";

register();
await import("./machine-worker.ts");
