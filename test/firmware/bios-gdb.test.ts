// Source-level debugging of pcscope's BIOS and demo guest with the real gdb against QEMU's gdb
// stub (-S -gdb tcp:127.0.0.1:PORT) and against pcscope's (`pcscope run --machine pc -S --gdb`):
// break in the INT 13h handler (32-bit C) and in the demo's real-mode C, then bt, list and next,
// using the committed ELF files.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { freePort } from "../helpers/qemu.ts";
import {
  BIOS_BIN,
  BIOS_ELF,
  DEMO_ELF,
  makeDemoDisk,
  REPO_ROOT,
  run,
  runQemuGuest,
  tempDir,
} from "./bios-helpers.ts";

/** gdb's batch arguments: load `elf`, connect to 127.0.0.1:`port`, run `commands`. */
function gdbArgs(elf: string, port: number, commands: string[]): string[] {
  const args = ["-nx", "-batch", "-ex", `file ${elf}`, "-ex", `target remote 127.0.0.1:${port}`];
  for (const c of commands) args.push("-ex", c);
  return args;
}

/** Runs `pcscope run --machine pc` paused with its gdb server and a batch gdb session against it. */
async function pcscopeGdbSession(elf: string, commands: string[]): Promise<string> {
  const { dir, cleanup } = tempDir();
  try {
    const disk = await makeDemoDisk(dir);
    const port = await freePort();
    const args = [join(REPO_ROOT, "bin", "pcscope.js"), "run", "--machine", "pc", "--bios", BIOS_BIN];
    args.push(
      "--drive",
      `file=${disk},format=qcow2,if=ide`,
      "--debugcon",
      "0x402=null",
      "-S",
      "--gdb",
      `tcp:127.0.0.1:${port}`,
    );
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    const listening = new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes("listening")) resolve();
      });
      child.on("close", () => reject(new Error(`pcscope exited: ${stderr}`)));
    });
    const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
    try {
      await listening;
      const r = await run("gdb", gdbArgs(elf, port, [...commands, "kill"]), 40_000);
      return r.stdout + r.stderr;
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  } finally {
    cleanup();
  }
}

/** Runs QEMU paused with its gdb stub and a batch gdb session of `commands` against it. */
async function gdbSession(elf: string, commands: string[]): Promise<string> {
  const { dir, cleanup } = tempDir();
  try {
    const disk = await makeDemoDisk(dir);
    const port = await freePort();
    let out = "";
    await runQemuGuest({
      disk,
      extraArgs: ["-S", "-gdb", `tcp:127.0.0.1:${port}`],
      timeoutMs: 40_000,
      driver: async () => {
        const r = await run("gdb", gdbArgs(elf, port, commands), 30_000);
        out = r.stdout + r.stderr;
      },
    });
    return out;
  } finally {
    cleanup();
  }
}

describe.skipIf(!needPeers("qemu-system-i386", "gdb"))("gdb with the firmware ELF files", () => {
  it("breaks in int13_handler, shows the backtrace and source, and steps a line", async () => {
    expectInt13Session(await gdbSession(BIOS_ELF, INT13_COMMANDS));
  });

  it("breaks in the demo's real-mode C (CS = 0, so EIP is the linked address)", async () => {
    const out = await gdbSession(DEMO_ELF, [
      "break demo_main",
      "continue",
      "bt 1",
      "list demo_main",
      "next",
      "next",
      "info line *$pc",
    ]);
    expect(out).toMatch(/Breakpoint 1, demo_main \(boot_drive=128\) at firmware\/demo\/stage2\.c:\d+/);
    expect(out).toContain("void demo_main(u32 boot_drive) {");
    expect(out).toMatch(/Line \d+ of "firmware\/demo\/stage2\.c"/);
  });
});

describe.skipIf(!needPeers("gdb"))("gdb with the firmware ELF against pcscope's gdb server", () => {
  it("breaks in int13_handler, shows the backtrace and source, and steps a line", async () => {
    expectInt13Session(await pcscopeGdbSession(BIOS_ELF, INT13_COMMANDS));
  });
});

const INT13_COMMANDS = ["break int13_handler", "continue", "bt", "list", "next", "info line *$pc"];

/** What a gdb session of INT13_COMMANDS must show. */
function expectInt13Session(out: string): void {
  expect(out).toMatch(/Breakpoint 1 at 0xe[0-9a-f]+: file firmware\/bios\/int13\.c, line \d+\./);
  expect(out).toMatch(/Breakpoint 1, int13_handler \(r=0x7b[0-9a-f]{2}\) at firmware\/bios\/int13\.c:(\d+)/);
  // bt: the C handler, called from the 32-bit side of call32 in entry.S.
  expect(out).toMatch(/#0 +int13_handler \(r=0x[0-9a-f]+\) at firmware\/bios\/int13\.c:\d+/);
  expect(out).toMatch(/#1 +0x000f[0-9a-f]{4} in transition32_flat \(\) at firmware\/bios\/entry\.S:\d+/);
  // list: the source around the handler.
  expect(out).toContain("void int13_handler(struct bregs *r) {");
  // next: one source line further, still in int13.c.
  const stop = Number(/Breakpoint 1, int13_handler .*int13\.c:(\d+)/.exec(out)?.[1]);
  const after = /Line (\d+) of "firmware\/bios\/int13\.c"/.exec(out);
  expect(after, out).not.toBeNull();
  expect(Number(after?.[1])).toBeGreaterThan(stop);
}
