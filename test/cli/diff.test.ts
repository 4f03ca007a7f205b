// `pcscope diff`: pcscope stepped beside real QEMU TCG (its gdb stub) or beside another pcscope
// configuration, on the ROMs of firmware/tests/diff/. QEMU's processes are found by the ROM's unique
// temporary path on their command line (pgrep -f), so a test sees exactly the QEMU it started.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, test } from "vitest";
import { splitWords } from "../../src/cli/diff.ts";
import { createBareMachine } from "../../src/emu/machine/board-bare.ts";
import { runCliInProcess } from "../helpers/cli.ts";
import { needPeers } from "../helpers/peers.ts";
import { assembleTestRomFile, REPO_ROOT } from "../helpers/roms.ts";

const dir = mkdtempSync(join(tmpdir(), "pcscope-diff-test-"));

/** The debug console and isa-debug-exit the test ROMs use (lib.inc), as run options. */
function romArgs(rom: string, console = "null"): string[] {
  return ["--bios", rom, "--debugcon", `0xe9=${console}`, "--debug-exit", "0xf4,1"];
}

/** The pids of QEMU processes whose command line names `path` (none: []). */
function qemuProcesses(path: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", `qemu-system-i386.*${path}`], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** The report's instruction number, from `... diverge at instruction N:`. */
function divergenceCount(stdout: string): number {
  const m = /diverge at instruction (\d+):/.exec(stdout);
  if (m === null) throw new Error(`no divergence in:\n${stdout}`);
  return Number(m[1]);
}

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("pcscope diff --against qemu", () => {
  test("a word read at offset 0xFFFF: pcscope raises #GP, QEMU reads across; the instruction is named, exit 1", async () => {
    const rom = await assembleTestRomFile("diff/wrap.asm");
    const r = await runCliInProcess(["diff", "--against", "qemu", ...romArgs(rom)]);
    expect(r.crash).toBeNull();
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^pcscope and qemu diverge at instruction \d+:$/);
    expect(lines[1]).toMatch(
      /^ {2}f000:[0-9a-f]{4} \(linear 0x000f[0-9a-f]{4}\) {2}mov {4}ax, \[0xffff\] {3}\(bytes a1ffff\)$/,
    );
    expect(lines[2]).toBe("  real mode; the state before it was identical on both sides");
    // QEMU's AX holds the bytes at 0xFFFF (0x5A, written by the ROM) and 0x10000 (0); pcscope's EIP
    // is in the #GP handler and its stack holds the fault's frame.
    expect(r.stdout).toMatch(/^ {2}eax +0x00000000 +0x0000005a$/m);
    expect(r.stdout).toMatch(/^ {2}eip +0x[0-9a-f]{8} +0x[0-9a-f]{8}$/m);
    expect(r.stdout).toMatch(/^ {2}0x00007bf8 {2}pcscope {2}[0-9a-f]{2}( [0-9a-f]{2}){5}$/m);
    expect(qemuProcesses(rom)).toEqual([]);

    // The number names that instruction: pcscope alone reaches it after count - 1 steps.
    const count = divergenceCount(r.stdout);
    const linear = Number.parseInt(/\(linear (0x[0-9a-f]+)\)/.exec(r.stdout)![1]!, 16);
    const machine = createBareMachine({
      bios: readFileSync(rom),
      memBytes: 32 << 20,
      debugcons: [{ port: 0xe9, sink: null }],
      debugExit: { port: 0xf4, size: 1 },
    });
    let steps = 0;
    for (; steps < count; steps++) {
      const cpu = machine.cpus[0]!;
      if ((cpu.csBase + cpu.eip) >>> 0 === linear) break;
      machine.step(0);
    }
    expect(steps + 1).toBe(count);

    // With a symbol listing, the address gets its name.
    const listing = join(dir, "wrap.nm");
    writeFileSync(listing, `${(linear - 3).toString(16).padStart(8, "0")} T before_read\n`);
    const named = await runCliInProcess(["diff", "--against", "qemu", "--symbols", listing, ...romArgs(rom)]);
    expect(named.status).toBe(1);
    expect(named.stdout.split("\n")[1]).toContain(
      `(linear 0x${linear.toString(16).padStart(8, "0")} <before_read+0x3>)`,
    );
  });

  test("a ROM doing real work the same way on both: identical until both exit, exit 0", async () => {
    const rom = await assembleTestRomFile("diff/work.asm");
    const log = join(dirname(rom), "con.log");
    const r = await runCliInProcess(["diff", "--against", "qemu", ...romArgs(rom, `file:${log}`)]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const m =
      /^pcscope and qemu are identical for (\d+) instructions \(pcscope: isa-debug-exit wrote 0 \(status 1\); qemu: QEMU exited with status 1\)$/.exec(
        r.stdout.trim(),
      );
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(5000);
    expect(readFileSync(log, "latin1")).toMatch(
      /^real sum .*\nx87 eax=408487ed ebx=00000001 .*\npm32 sum .*\ndone\n$/,
    );
    expect(qemuProcesses(rom)).toEqual([]);
  });

  test("a ROM that halts: identical until both halt (QEMU's step never returns: interrupted), exit 0", async () => {
    const rom = join(dir, "halt.bin");
    const bytes = Buffer.alloc(0x10000);
    bytes.set([0xb8, 0x34, 0x12, 0xfa, 0xf4], 0xfff0); // mov ax, 0x1234; cli; hlt
    writeFileSync(rom, bytes);
    const r = await runCliInProcess(["diff", "--against", "qemu", "--bios", rom]);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toBe(
      "pcscope and qemu are identical for 3 instructions (pcscope: halted with nothing left to wake it; qemu: halted (its step did not come back))\n",
    );
    expect(qemuProcesses(rom)).toEqual([]);
  });

  test("--max-insns ends an agreeing diff early with exit 0", async () => {
    const rom = await assembleTestRomFile("diff/work.asm");
    const r = await runCliInProcess(["diff", "--against", "qemu", "--max-insns", "500", ...romArgs(rom)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("pcscope and qemu are identical for 500 instructions (--max-insns 500 reached)\n");
  });

  test("QEMU not installed (a PATH without it, or --qemu naming nothing): one line naming the package, exit 2", async () => {
    const rom = await assembleTestRomFile("diff/work.asm");
    const path = process.env.PATH;
    process.env.PATH = join(dir, "empty-bin");
    let r: Awaited<ReturnType<typeof runCliInProcess>>;
    try {
      r = await runCliInProcess(["diff", "--against", "qemu", ...romArgs(rom)]);
    } finally {
      process.env.PATH = path;
    }
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "pcscope: qemu-system-i386 not found (install the Debian package qemu-system-x86, or name the binary with --qemu PATH)\n",
    );
    const named = await runCliInProcess([
      "diff",
      "--against",
      "qemu",
      "--qemu",
      "/nonexistent/qemu",
      ...romArgs(rom),
    ]);
    expect(named.status).toBe(2);
    expect(named.stderr).toMatch(
      /^pcscope: \/nonexistent\/qemu not found \(install the Debian package qemu-system-x86/,
    );
  });

  test("QEMU rejecting the options: its own line, exit 2, no process left", async () => {
    const rom = await assembleTestRomFile("diff/work.asm");
    // Real QEMU, given one option it does not know after pcscope's.
    const wrapper = join(dirname(rom), "qemu-strict");
    writeFileSync(wrapper, '#!/bin/sh\nexec qemu-system-i386 "$@" -no-such-option\n');
    chmodSync(wrapper, 0o755);
    const r = await runCliInProcess(["diff", "--against", "qemu", "--qemu", wrapper, ...romArgs(rom)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "pcscope: QEMU refused the options: qemu-system-i386: -no-such-option: invalid option\n",
    );
    expect(qemuProcesses(rom)).toEqual([]);
  });

  test("options QEMU has no counterpart for, and bad usage: one line, exit 2", async () => {
    const rom = await assembleTestRomFile("diff/work.asm");
    const cases: [string[], RegExp][] = [
      [
        ["--against", "qemu", "--cpu", "pcscope", ...romArgs(rom)],
        /^pcscope: --cpu pcscope is pcscope's own model/,
      ],
      [["--against", "qemu", "--bogus", ...romArgs(rom)], /^pcscope: unknown option '--bogus'/],
      [romArgs(rom), /^pcscope: diff needs --against qemu or --against 'RUN OPTIONS'/],
      [["--against", "qemu", "-s", ...romArgs(rom)], /^pcscope: diff: diff drives both machines itself/],
      [["--against", "qemu", "--smp", "2", ...romArgs(rom)], /^pcscope: diff: diff steps one vCPU/],
      [
        ["--against", "--cpu nosuch", ...romArgs(rom)],
        /^pcscope: --against '--cpu nosuch': unable to find CPU model 'nosuch'/,
      ],
      [["--against", "'--cpu", ...romArgs(rom)], /^pcscope: --against: unclosed ' in/],
      [["--against"], /^pcscope: option '--against' needs a value\n$/],
    ];
    for (const [args, expected] of cases) {
      const r = await runCliInProcess(["diff", ...args]);
      expect(r.crash).toBeNull();
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
      expect(r.stderr).toMatch(expected);
    }
    expect(qemuProcesses(rom)).toEqual([]);
  });

  test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s during a diff: exit %d, QEMU killed", async (signal, status) => {
    const rom = await assembleTestRomFile("diff/work.asm");
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, "bin/pcscope.js"), "diff", "--against", "qemu", ...romArgs(rom)],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (qemuProcesses(rom).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(qemuProcesses(rom)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300)); // some stepping
    child.kill(signal);
    expect(await exited).toBe(status);
    expect(stdout).toMatch(/^interrupted after \d+ instructions, identical so far\n$/);
    expect(qemuProcesses(rom)).toEqual([]);
  });
});

describe.skipIf(!needPeers("nasm"))("pcscope diff --against 'run options'", () => {
  test("CPUID models: the reset signature in EDX differs before the first instruction, exit 1", async () => {
    const rom = await assembleTestRomFile("cpuid/cpuid.asm");
    const r = await runCliInProcess(["diff", "--against", "--cpu pentium", ...romArgs(rom)]);
    expect(r.status).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("pcscope and pcscope --cpu pentium differ at reset, before the first instruction:");
    expect(lines[1]).toMatch(
      /^ {2}f000:fff0 \(linear 0xfffffff0\) {2}jmp {4}0xf000:0x[0-9a-f]+ {3}\(bytes ea[0-9a-f]{8}\)$/,
    );
    expect(lines.slice(2)).toEqual([
      "  real mode",
      "registers at reset:",
      "            pcscope     pcscope --cpu pentium",
      "  edx       0x00000663  0x00000543",
      "",
    ]);
  });

  test("the same model given again: identical to the end, exit 0", async () => {
    const rom = await assembleTestRomFile("cpuid/cpuid.asm");
    const r = await runCliInProcess(["diff", "--against", "--cpu qemu32", ...romArgs(rom)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^pcscope and pcscope --cpu qemu32 are identical for \d+ instructions \(pcscope: isa-debug-exit wrote 0 \(status 1\); pcscope --cpu qemu32: isa-debug-exit wrote 0 \(status 1\)\)\n$/,
    );
  });

  test("RAM sizes: the load from 48 MiB is named, with both values of EAX", async () => {
    const rom = await assembleTestRomFile("diff/probe.asm");
    const r = await runCliInProcess(["diff", "--mem", "32M", "--against", "--mem 64M", ...romArgs(rom)]);
    expect(r.status).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^pcscope and pcscope --mem 64M diverge at instruction \d+:$/);
    expect(lines[1]).toMatch(
      /^ {2}0008:[0-9a-f]{8} \(linear 0x000f[0-9a-f]{4}\) {2}mov {4}eax, \[0x3000000\]/,
    );
    expect(lines[2]).toBe("  32-bit protected mode; the state before it was identical on both sides");
    expect(r.stdout).toMatch(/^ {2}eax +0xffffffff +0x00000000$/m);
  });
});

describe("splitWords", () => {
  test.each([
    ["--cpu pentium", ["--cpu", "pentium"]],
    ["  --append 'console=ttyS0 quiet'  --mem=64M", ["--append", "console=ttyS0 quiet", "--mem=64M"]],
    ['--append "a b" ""', ["--append", "a b", ""]],
  ])("%s", (text, words) => {
    expect(splitWords(text)).toEqual(words);
  });
});

describe("pcscope help", () => {
  test("lists diff; diff --help prints its usage", async () => {
    const r = await runCliInProcess(["help"]);
    expect(r.stdout).toMatch(/^ {2}diff +step pcscope beside QEMU/m);
    const usage = await runCliInProcess(["diff", "--help"]);
    expect(usage.status).toBe(0);
    expect(usage.stdout).toMatch(/^usage: pcscope diff --against qemu\|'RUN OPTIONS' /);
  });
});
