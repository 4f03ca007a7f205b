// npm `v86` (a JavaScript PC emulator translating x86 to wasm), loaded for the benchmarks that run it
// beside pcscope (cpu, linux).
import { createRequire } from "node:module";

/** v86's emulator constructor. */
export type V86Constructor = typeof import("v86").V86;

/** npm `v86`'s constructor and wasm path, or the reason it cannot be loaded. */
export async function loadV86(): Promise<{ V86: V86Constructor; wasmPath: string } | string> {
  try {
    const wasmPath = createRequire(import.meta.url).resolve("v86/build/v86.wasm");
    const { V86 } = await import("v86");
    return { V86, wasmPath };
  } catch (err) {
    return `npm v86 cannot be loaded (npm ci installs it): ${String(err)}`;
  }
}
