// Running pcscope's own BIOS and the demo guest under QEMU and on pcscope's PC for the firmware
// tests: demo disks in temporary directories, a QEMU run that ends when the guest has halted
// (the demo ends with cli; hlt, so the run watches the debug-console log for the last line), and
// the list of POST stages the log must name.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AioContext, openImage } from "../../src/emu/block/index.ts";
import { createDemoDisk, DEMO_RESET_MODE_OFFSET, embeddedBiosPath } from "../../src/emu/machine/demo-disk.ts";
import { createPcMachine } from "../../src/emu/machine/pc.ts";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIOS_BIN = embeddedBiosPath();
export const BIOS_ELF = join(REPO_ROOT, "firmware", "bios", "out", "bios.elf");
export const DEMO_ELF = join(REPO_ROOT, "firmware", "demo", "out", "demo.elf");

/** The last line of a demo run that completed. */
export const DEMO_DONE = "demo: done; halting (cli; hlt)";

/**
 * The POST stages in the order the debug console must name them: the function (the line's
 * prefix) and a fragment of its message.
 */
export const POST_STAGES: readonly (readonly [string, string])[] = [
  ["reset_vector", "entry_post (16-bit real mode)"],
  ["call32", "transition32 to 32-bit flat protected mode"],
  ["post_main", "32-bit flat protected mode"],
  ["pam_warm_boot_check", "PAM 0x59-0x5f"],
  ["a20_enable", "A20"],
  ["pic_setup", "8259 PICs"],
  ["pit_setup", "8254 PIT"],
  ["ram_size_detect", "RAM below 4 GiB: 32 MiB"],
  ["pci_scan", "8086:1237"],
  ["pci_setup_ide", "BAR4"],
  ["pam_shadow_bios", "copied 0xfffe0000-0xffffffff to RAM"],
  ["pam_shadow_bios", "locked read-only"],
  ["e820_setup", "E820 0:"],
  ["bda_setup", "BDA"],
  ["ivt_setup", "IVT"],
  ["ata_setup", "primary master"],
  ["post_main", "POST done"],
  ["call32", "transition16 back to 16-bit real mode"],
  ["int19_handler", "booting from disk 0x80"],
];

/** Returns the stages missing from `log`, in order (each searched after the previous one). */
export function missingStages(log: string): string[] {
  const lines = log.split("\n");
  const missing: string[] = [];
  let at = 0;
  for (const [fn, text] of POST_STAGES) {
    const i = lines.findIndex((l, k) => k >= at && l.startsWith(`${fn}: `) && l.includes(text));
    if (i < 0) missing.push(`${fn}: ...${text}...`);
    else at = i + 1;
  }
  return missing;
}

/** A temporary directory removed by the returned cleanup function. */
export function tempDir(prefix = "pcscope-fw-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Creates a demo disk in `dir` (with the block layer); `resetMode` 1 or 2 arms the warm-reset test. */
export async function makeDemoDisk(dir: string, resetMode = 0): Promise<string> {
  const path = join(dir, "demo.qcow2");
  await createDemoDisk(path);
  if (resetMode) {
    const blk = openImage(path);
    try {
      const sector = new Uint8Array(512);
      await blk.pread(0, sector);
      sector[DEMO_RESET_MODE_OFFSET] = resetMode;
      await blk.pwrite(0, sector);
    } finally {
      await blk.close();
    }
  }
  return path;
}

/** What a guest run produced. */
export interface GuestRun {
  log: string;
  /** True when the log reached a final line before the timeout. */
  finished: boolean;
  status: number | null;
  stderr: string;
}

/** Options of runQemuGuest(). */
export interface QemuGuestOptions {
  disk?: string;
  /** Lines (substrings) that end the run once the log has `count` of them (default 1). */
  until?: string;
  count?: number;
  timeoutMs?: number;
  extraArgs?: string[];
  /** Called once QEMU runs, e.g. to drive its monitor or gdb; the run ends when it resolves. */
  driver?: (qemu: ChildProcess, logPath: string) => Promise<void>;
}

/** The QEMU command line of the issue: -M pc, 32 MiB, our BIOS, debug console on 0x402. */
export function qemuGuestArgs(logPath: string, disk?: string, extra: string[] = []): string[] {
  return [
    "-nodefaults",
    "-display",
    "none",
    "-M",
    "pc",
    "-m",
    "32",
    "-bios",
    BIOS_BIN,
    ...(disk ? ["-drive", `file=${disk},format=qcow2,if=ide`] : []),
    "-debugcon",
    `file:${logPath}`,
    "-global",
    "isa-debugcon.iobase=0x402",
    ...extra,
  ];
}

/** Reads a file as latin1, "" when missing. */
export function readText(path: string): string {
  return existsSync(path) ? readFileSync(path).toString("latin1") : "";
}

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
  return n;
}

/**
 * Runs qemu-system-i386 until the debug-console log contains `until` (`count` times) or a BIOS
 * "halting" line, or a driver finishes, or the timeout; then stops QEMU with SIGTERM (a clean
 * shutdown that closes the qcow2 image) and returns the log.
 */
export function runQemuGuest(opts: QemuGuestOptions = {}): Promise<GuestRun> {
  const { dir, cleanup } = tempDir("pcscope-qemu-");
  const logPath = join(dir, "debugcon.log");
  const until = opts.until ?? DEMO_DONE;
  const count = opts.count ?? 1;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  return new Promise<GuestRun>((resolve) => {
    const qemu = spawn("qemu-system-i386", qemuGuestArgs(logPath, opts.disk, opts.extraArgs), {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    let finished = false;
    let stopping = false;
    qemu.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString("latin1")).slice(-4000);
    });
    const stop = () => {
      if (stopping) return;
      stopping = true;
      clearInterval(poll);
      clearTimeout(timer);
      qemu.kill("SIGTERM");
    };
    const poll = setInterval(() => {
      if (opts.driver) return;
      const log = readText(logPath);
      if (occurrences(log, until) >= count || /; halting\n/.test(log)) {
        finished = true;
        clearInterval(poll);
        // Nothing follows a halt; a short grace period lets a wrong extra line show up.
        setTimeout(stop, 100);
      }
    }, 50);
    const timer = setTimeout(stop, timeoutMs);
    if (opts.driver) {
      opts.driver(qemu, logPath).then(
        () => {
          finished = true;
          stop();
        },
        (err: unknown) => {
          stderr += `\ndriver failed: ${String(err)}`;
          stop();
        },
      );
    }
    qemu.on("close", (status) => {
      clearInterval(poll);
      clearTimeout(timer);
      const log = readText(logPath);
      cleanup();
      resolve({ log, finished, status, stderr });
    });
    qemu.on("error", (err) => {
      stderr += String(err);
    });
  });
}

/** Runs a command; resolves with its exit status and output (never rejects). */
export function run(
  command: string,
  args: string[],
  timeoutMs = 30_000,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, cwd: REPO_ROOT, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const status = err ? (typeof err.code === "number" ? err.code : null) : 0;
        resolve({ status, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** What a run on pcscope's PC produced. */
export interface PcscopeRun {
  log: string;
  /** The last stop event's kind ("halted" when the guest stopped for good). */
  stop: string;
  instructions: number;
  resets: number;
}

/** Options of runPcscopeGuest(). */
export interface PcscopeGuestOptions {
  disk?: string;
  /** Press the reset button once the log contains this text. */
  resetWhen?: string;
  /** Instruction budget for the whole run. */
  maxInstructions?: number;
}

/**
 * Boots our BIOS on pcscope's i440fx PC (createPcMachine, QEMU's -M pc -m 32 -nodefaults with the
 * debug console on 0x402 and the disk as primary master) until the guest halts for good; resets
 * requested by the guest (0xcf9, i8042) restart the machine as in QEMU. Closes the image at the end.
 */
export function runPcscopeGuest(opts: PcscopeGuestOptions = {}): PcscopeRun {
  const ctx = new AioContext("sync");
  const backend = opts.disk ? openImage(opts.disk, { ctx }) : null;
  try {
    const machine = createPcMachine({
      bios: new Uint8Array(readFileSync(BIOS_BIN)),
      memBytes: 32 << 20,
      debugcons: [{ port: 0x402, sink: null }],
      drives: backend ? [{ index: 0, media: "disk", backend }] : [],
      aio: ctx,
    });
    const log = () => machine.monitorInfo("log") ?? "";
    const limit = opts.maxInstructions ?? 200_000_000;
    let resetPending = opts.resetWhen;
    let stop = "budget";
    let resets = 0;
    let spent = 0;
    while (spent < limit) {
      const slice = resetPending ? 20_000 : 5_000_000;
      const event = machine.run(slice);
      spent += slice;
      stop = event.kind;
      if (resetPending && log().includes(resetPending)) {
        machine.reset();
        resets++;
        resetPending = undefined;
        continue;
      }
      if (event.kind === "reset") {
        resets++;
        continue;
      }
      if (event.kind !== "budget") break;
    }
    return { log: log(), stop, instructions: machine.cpus[0]?.instructions ?? 0, resets };
  } finally {
    backend?.closeSync();
  }
}
