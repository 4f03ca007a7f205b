// Timing a guest ROM under qemu-system-i386 (TCG) for the benchmarks that put pcscope beside QEMU.
import { spawn } from "node:child_process";

/** The isa-debug-exit port the benchmark ROMs write to when they are done. */
export const DEBUG_EXIT_PORT = 0xf4;

/** Wall seconds of one QEMU run of `rom` (with `extra` arguments) until isa-debug-exit ends it. */
export function timeQemu(rom: string, extra: string[] = []): Promise<number> {
  const args = ["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", "-accel", "tcg", "-bios", rom];
  args.push("-device", `isa-debug-exit,iobase=0x${DEBUG_EXIT_PORT.toString(16)},iosize=1`, ...extra);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn("qemu-system-i386", args, { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      // isa-debug-exit with 0 exits with status 1
      if (code !== 1) reject(new Error(`qemu exited with ${code}`));
      else resolve((performance.now() - t0) / 1000);
    });
  });
}

/** A 64 KiB ROM whose reset vector exits at once (mov al, 0 / out 0xF4, al): QEMU's start-up cost. */
export function trivialRom(): Uint8Array {
  const rom = new Uint8Array(0x10000);
  rom.set([0xb0, 0x00, 0xe6, DEBUG_EXIT_PORT, 0xf4], 0xfff0);
  return rom;
}
