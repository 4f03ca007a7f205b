// Linux boot to power-off (the second half of `npm run bench boot`): Debian 12's i386 686 kernel with the busybox initramfs of
// src/guest/linux-guest.ts (no modules, a script that just exits, so /init starts and powers off),
// with the command line and memory of test/guest/linux-boot.test.ts. Wall time under pcscope (the
// `pcscope run --kernel` process, spawn to exit, and its guest instructions from the summary line)
// beside QEMU TCG (`qemu-system-i386 -kernel`, process wall time) and v86 (npm `v86` in this
// process, given Debian's SeaBIOS, from construction to the kernel's last console line), all from
// the same run: pcscope once (minutes), the peers REPS times each (medians), interleaved.
// The speed issue's bars: within 3x QEMU TCG's wall time, and faster than v86.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildLinuxGuest, INIT_MARK, type LinuxGuest } from "../../src/guest/linux-guest.ts";
import { median, report } from "./report.ts";
import { loadV86, type V86Constructor } from "./v86.ts";

const PCSCOPE_REPS = 1;
const REPS = 3;
const MEM_MIB = 256;
const CPU = "pentium2";
const APPEND = "console=ttyS0 panic=-1 cryptomgr.notests";
const SEABIOS = "/usr/share/seabios/bios.bin";
const VGABIOS = "/usr/share/seabios/vgabios-stdvga.bin";
const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "pcscope.js");
/** The kernel's last console line when the guest powers off (with ACPI) or halts (without). */
const POWER_DOWN = "reboot: Power down";
const HALTED = "reboot: System halted";
const PCSCOPE_TIMEOUT_MS = 45 * 60_000;
const QEMU_TIMEOUT_MS = 5 * 60_000;
const V86_TIMEOUT_MS = 10 * 60_000;
/** What /init prints once the script is done, just before it powers off. */
const SCRIPT_DONE = `${INIT_MARK} script exited with status 0`;
/** pcscope's one-line summary on stderr: "pcscope: REASON: N instructions in T s (M MIPS)". */
const SUMMARY = /pcscope: (.*): (\d+) instructions in ([\d.]+) s/;

/** One measured boot: wall seconds and, where the emulator counts them, guest instructions. */
interface Boot {
  seconds: number;
  instructions: number | null;
}

/** Writes a progress line to stderr (stdout keeps the report lines). */
function progress(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

/** The last non-empty line of a console log, for error messages. */
function lastLine(log: string): string {
  const lines = log.split(/\r?\n/).filter((l) => l.trim() !== "");
  return lines.length === 0 ? "(no console output)" : lines[lines.length - 1]!.slice(0, 160);
}

/** Runs a command to its exit (killed after `ms`); resolves to status, stdout, stderr and wall seconds. */
function runTimed(
  cmd: string,
  args: string[],
  ms: number,
): Promise<{ status: number | null; out: string; err: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    proc.stdout.setEncoding("latin1").on("data", (d: string) => {
      out += d;
    });
    proc.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), ms);
    proc.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.on("close", (code) => {
      clearTimeout(timer);
      resolve({ status: code, out, err, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

/** One pcscope boot as the CLI runs it; throws unless the guest powered off with status 0. */
async function pcscope(guest: LinuxGuest): Promise<Boot> {
  const r = await runTimed(
    process.execPath,
    [
      ...[BIN, "run", "--mem", `${MEM_MIB}M`, "--cpu", CPU],
      ...["--kernel", guest.kernel, "--initrd", guest.initrd, "--append", APPEND],
      ...["--serial", "stdio", "--no-reboot"],
    ],
    PCSCOPE_TIMEOUT_MS,
  );
  const summary = SUMMARY.exec(r.err);
  if (r.status !== 0 || !r.out.includes(SCRIPT_DONE) || !r.out.includes(POWER_DOWN) || !summary)
    throw new Error(`pcscope exited with ${r.status}: ${lastLine(r.err)}; console: ${lastLine(r.out)}`);
  return { seconds: r.seconds, instructions: Number(summary[2]) };
}

/** One QEMU TCG boot; throws unless it powered off with status 0. */
async function qemu(guest: LinuxGuest): Promise<Boot> {
  const r = await runTimed(
    "qemu-system-i386",
    [
      ...["-nodefaults", "-display", "none", "-M", "pc", "-accel", "tcg"],
      ...["-m", String(MEM_MIB), "-cpu", CPU],
      ...["-kernel", guest.kernel, "-initrd", guest.initrd, "-append", APPEND],
      ...["-serial", "stdio", "-no-reboot"],
    ],
    QEMU_TIMEOUT_MS,
  );
  if (r.status !== 0 || !r.out.includes(SCRIPT_DONE) || !r.out.includes(POWER_DOWN))
    throw new Error(`qemu exited with ${r.status}: ${lastLine(r.err)}; console: ${lastLine(r.out)}`);
  return { seconds: r.seconds, instructions: null };
}

/** An ArrayBuffer holding exactly the file's bytes. */
function fileBuffer(path: string): ArrayBuffer {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/**
 * One v86 boot in this process: from construction until the kernel's last console line (v86 has
 * no ACPI by default, so `poweroff -f` ends in "System halted"); throws, naming the last console
 * line, when that does not come within V86_TIMEOUT_MS.
 */
async function v86(V86: V86Constructor, wasmPath: string, guest: LinuxGuest): Promise<Boot> {
  const t0 = performance.now();
  const emulator = new V86({
    wasm_path: wasmPath,
    bios: { buffer: fileBuffer(SEABIOS) },
    vga_bios: { buffer: fileBuffer(VGABIOS) },
    bzimage: { buffer: fileBuffer(guest.kernel) },
    initrd: { buffer: fileBuffer(guest.initrd) },
    cmdline: APPEND,
    memory_size: MEM_MIB << 20,
    autostart: true,
  });
  let log = "";
  try {
    return await new Promise<Boot>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no power-off in ${V86_TIMEOUT_MS / 1000} s; console: ${lastLine(log)}`)),
        V86_TIMEOUT_MS,
      );
      emulator.add_listener("serial0-output-byte", (byte) => {
        log += String.fromCharCode(byte);
        if (byte !== 0x0a) return;
        if (!log.includes(POWER_DOWN) && !log.includes(HALTED)) return;
        clearTimeout(timer);
        if (!log.includes(SCRIPT_DONE)) reject(new Error(`stopped before /init ran: ${lastLine(log)}`));
        else
          resolve({
            seconds: (performance.now() - t0) / 1000,
            instructions: emulator.get_instruction_counter(),
          });
      });
    });
  } finally {
    await emulator.destroy();
  }
}

/** Formats a boot for the progress lines. */
function formatBoot(b: Boot): string {
  const insns = b.instructions === null ? "" : `, ${(b.instructions / 1e9).toFixed(2)} G instructions`;
  return `${b.seconds.toFixed(1)} s${insns}`;
}

/** Boots the guest under pcscope once and under QEMU and v86 REPS times each, and prints the figures. */
/** Boots the Linux guest under pcscope, QEMU and v86 and reports the wall times (see the top). */
export async function linuxBootBench(): Promise<void> {
  const guest = buildLinuxGuest({ script: "exit 0\n", modules: [], progress });
  progress(`guest: ${guest.kernel} + ${guest.initrd}`);
  const loaded = await loadV86();
  const ours: Boot[] = [];
  const qemuBoots: Boot[] = [];
  const v86Boots: Boot[] = [];
  let qemuError: string | null = null;
  let v86Error: string | null = typeof loaded === "string" ? loaded : null;
  for (let i = 0; i < REPS; i++) {
    if (qemuError === null) {
      try {
        qemuBoots.push(await qemu(guest));
        progress(`qemu-tcg ${i + 1}/${REPS}: ${formatBoot(qemuBoots[qemuBoots.length - 1]!)}`);
      } catch (err) {
        qemuError = err instanceof Error ? err.message : String(err);
        progress(`qemu-tcg failed: ${qemuError}`);
      }
    }
    if (v86Error === null && typeof loaded !== "string") {
      try {
        v86Boots.push(await v86(loaded.V86, loaded.wasmPath, guest));
        progress(`v86 ${i + 1}/${REPS}: ${formatBoot(v86Boots[v86Boots.length - 1]!)}`);
      } catch (err) {
        v86Error = `v86 did not boot the guest: ${err instanceof Error ? err.message : String(err)}`;
        progress(v86Error);
      }
    }
    if (i < PCSCOPE_REPS) {
      progress(`pcscope ${i + 1}/${PCSCOPE_REPS}: booting (minutes)...`);
      ours.push(await pcscope(guest));
      progress(`pcscope ${i + 1}/${PCSCOPE_REPS}: ${formatBoot(ours[ours.length - 1]!)}`);
    }
  }
  const oursSeconds = median(ours.map((b) => b.seconds));
  const insns = ours[0]!.instructions!;
  const mips = `${(insns / 1e6).toFixed(0)}M guest instructions, ${(insns / oursSeconds / 1e6).toFixed(1)} MIPS`;
  report({
    name: "Linux boot to power-off (wall)",
    unit: "s",
    ours: oursSeconds,
    peer: qemuBoots.length > 0 ? median(qemuBoots.map((b) => b.seconds)) : null,
    peerName: "qemu-tcg",
    higherIsBetter: false,
    note:
      `pcscope ${PCSCOPE_REPS} run, ${mips}; qemu median of ${qemuBoots.length}` +
      (qemuError === null ? "" : `; qemu failed: ${qemuError}`) +
      "; bar <= 3x",
  });
  const v86Insns = v86Boots.map((b) => b.instructions!);
  report({
    name: "Linux boot to power-off (wall)",
    unit: "s",
    ours: oursSeconds,
    peer: v86Boots.length > 0 ? median(v86Boots.map((b) => b.seconds)) : null,
    peerName: "v86",
    higherIsBetter: false,
    note:
      (v86Boots.length > 0
        ? `v86 median of ${v86Boots.length}, ${(median(v86Insns) / 1e6).toFixed(0)}M instructions ` +
          `by v86's own counter, its own CPU model (no --cpu ${CPU}), halts without ACPI`
        : "") +
      (v86Error === null ? "" : `${v86Boots.length > 0 ? "; " : ""}${v86Error}`) +
      "; bar < 1x",
  });
}
