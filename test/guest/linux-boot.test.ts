// Debian's kernel and busybox booted by pcscope and by QEMU 7.2 with the same options and command
// line, two serial ports each: /init writes /proc/kallsyms to the second (COM2, ttyS1), then runs a
// script that names the CPU, waits for the IDE disk (ata_piix + sd_mod), writes a pattern with
// `dd ... conv=fsync` through the block layer into the qcow2 image and lists the devices the kernel
// found; then powers off. QEMU counts time in instructions (-icount) as pcscope does, so neither
// listing depends on the host's load. Two pcscope boots:
// 1. pcscope's run must reach /init, find the same devices as QEMU (the ATA disk with its model and
//    size, the 8250s at 0x3f8 and 0x2f8, the e820 map, the ACPI tables' addresses, lengths and
//    ids and the MADT's entries), dump the same kallsyms listing through COM2
//    as QEMU does (`pcscope syms` reads it, module symbols included), trace the write from the port
//    write to the host file and the FLUSH CACHE of the fsync, leave an image qemu-img calls clean
//    whose bytes qemu-io reads back, and end with "the guest powered off" and exit status 0.
// 2. The same guest under `pcscope run -S --gdb`: the stock gdb breaks at ata_bmdma_start (a libata
//    module function: the bus-master DMA start) at its address in the listing boot 1 dumped (a run
//    is deterministic, and `nokaslr` keeps modules where the listing says), on thread 1; the UI
//    attached to the same stub shows the symbol and a symbolized backtrace; then gdb breaks at
//    kernel_power_off, reads its frame, and continues to the power-off. This run writes its trace as
//    Perfetto JSON, which must hold the same write path, and powers off at the same instruction count
//    as boot 1: virtual time (the RTC's fixed default date, timers at their own deadlines however
//    gdb's stops cut the run) makes the two runs of the guest one and the same.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { KERNEL_BIOS } from "../../src/emu/machine/run-config.ts";
import type { ChromeTrace } from "../../src/emu/trace/perfetto.ts";
import { buildLinuxGuest, INIT_MARK, type LinuxGuest } from "../../src/guest/linux-guest.ts";
import { runGdb } from "../gdbstub/gdb-run.ts";
import { needPeers } from "../helpers/peers.ts";
import { freePort } from "../helpers/qemu.ts";
import { REPO_ROOT } from "../helpers/roms.ts";

const BIN = join(REPO_ROOT, "bin", "pcscope.js");
/** The disk write: 4 KiB of 'Z' (0x5a) at 1 MiB, synced (the fsync is a FLUSH CACHE). */
const PATTERN_OFFSET = 1 << 20;
const SCRIPT = `grep 'model name' /proc/cpuinfo
for i in $(seq 1 40); do
  [ -e /sys/block/sda/size ] && break
  sleep 0.25
done
echo "sda-sectors $(cat /sys/block/sda/size)"
head -c 4096 /dev/zero | tr '\\0' 'Z' | dd of=/dev/sda bs=4096 seek=256 conv=notrunc,fsync 2>/dev/null
echo "cmdline $(cat /proc/cmdline)"
dmesg | grep -E 'BIOS-e820|ACPI: (RSDP|RSDT|FACP|DSDT|FACS|APIC|HPET|WAET|SRAT|Reserving|PM-Timer|LAPIC_NMI|INT_SRC_OVR)|ata1\\.00: (ATA|[0-9]+ sectors)|\\[sda\\] [0-9]+ 512-byte' | sed 's/^\\[[ 0-9.]*\\] //'
dmesg | grep -o 'ttyS[01] at I/O 0x[23]f8.*'
`;
/** nokaslr: with a randomized base, modules load at an offset from the kernel's random pool. */
const APPEND = "console=ttyS0 panic=-1 cryptomgr.notests nokaslr";
/**
 * QEMU's clock from its instruction count (8 ns each), idle time skipped, like pcscope's virtual
 * clock. On the host's clock QEMU's listing depends on the host's load: a guest descheduled at the
 * wrong moment (a busy machine, the full suite) has its kernel threads run at other points between
 * two insmods, and crc64 and crc64_rocksoft, or t10_pi and sd_mod, load 16 KiB off (or the kernel
 * panics early: "IO-APIC + timer doesn't work!"). pcscope's listing is the same in every run.
 */
const QEMU_ICOUNT = "shift=3,sleep=off";
const MEM = "256";
/**
 * A NUMA node holding all RAM and a DIMM hot-plug region, as seed 001 has: the guest then finds an
 * SRAT, whose `ACPI: SRAT` and `Reserving SRAT table memory` lines are compared with QEMU's.
 */
const MEM_HOTPLUG = `${MEM}M,slots=16,maxmem=1G`;
/** The write path of the seed, by QEMU's trace event names. */
const TRACE = [
  "ide_ioport_write",
  "ide_exec_cmd",
  "bmdma_write",
  "ide_dma_cb",
  "dma_blk_io",
  "blk_aio_pwritev",
  "blk_co_pwritev",
  "bdrv_co_pwritev_part",
  "qcow2_writev_start_req",
  "qcow2_pre_write_overlap_check",
  "file_pwrite",
  "blk_aio_flush",
  "file_fdatasync",
];
/** From the bus-master start of the WRITE DMA down to the host file, then the fsync's flush. */
const WRITE_PATH = [
  "bmdma_write",
  "ide_dma_cb",
  "dma_blk_io",
  "blk_aio_pwritev",
  "blk_co_pwritev",
  "bdrv_co_pwritev_part",
  "qcow2_writev_start_req",
  "qcow2_pre_write_overlap_check",
  "file_pwrite",
  "ide_exec_cmd",
  "blk_aio_flush",
  "file_fdatasync",
];
/** A kallsyms line: `c109c0a0 T kernel_power_off`, `d08564e0 t ata_bmdma_start\t[libata]`. */
const KALLSYMS_LINE = /^([0-9a-f]{8}) [A-Za-z] (\S+)/;
/** A pcscope boot: 2 minutes on a quiet machine, 8 seen on a loaded one. */
const BOOT_MS = 900_000;

/** Runs a command to its exit; resolves to its status and what it printed. */
function run(
  cmd: string,
  args: string[],
  ms: number,
): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], cwd: REPO_ROOT });
    let out = "";
    let err = "";
    proc.stdout.setEncoding("latin1").on("data", (d: string) => {
      out += d;
    });
    proc.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), ms);
    proc.on("error", reject);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ status: code, out, err });
    });
  });
}

/** The lines the script printed about the CPU and devices, in order, without timestamps. */
function deviceLines(log: string): string[] {
  return log
    .split(/\r?\n/)
    .filter((l) =>
      /^(model name|sda-sectors|cmdline|BIOS-e820|ACPI: |ata1\.00|sd 0:0:0:0|ttyS[01] at)/.test(l),
    );
}

/** Where two listings part: the first differing line of each (with its number), and the line counts. */
function firstDifference(ours: string, theirs: string): string {
  const a = ours.split("\n");
  const b = theirs.split("\n");
  const i = a.findIndex((line, k) => line !== b[k]);
  const at = i < 0 ? Math.min(a.length, b.length) : i;
  return `line ${at + 1}: pcscope "${a[at] ?? "(end)"}", QEMU "${b[at] ?? "(end)"}" (${a.length} and ${b.length} lines)`;
}

/** A fresh 64 MiB qcow2 image. */
function freshDisk(dir: string, name: string): string {
  const disk = join(dir, name);
  execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", disk, "64M"]);
  return disk;
}

/** pcscope's machine options for the guest: QEMU's, with COM1 and COM2 where given. */
function pcscopeArgs(guest: LinuxGuest, disk: string, com1: string, com2: string): string[] {
  return [
    ...["--mem", MEM_HOTPLUG, "--numa", `node,nodeid=0,cpus=0,mem=${MEM}M`, "--cpu", "pentium2"],
    ...["--kernel", guest.kernel, "--initrd", guest.initrd, "--append", APPEND],
    ...["--drive", `file=${disk},format=qcow2,if=ide`, "--serial", com1, "--serial", com2, "--no-reboot"],
  ];
}

/** Where each name of `want` occurs in `names`, in order from `from` (fails naming the missing one). */
function inOrder(names: readonly string[], want: readonly string[], from: number): number[] {
  const at: number[] = [];
  let i = from;
  for (const name of want) {
    const next = names.indexOf(name, i);
    expect(next, `${name} after ${names[i - 1]} (event ${i})`).toBeGreaterThanOrEqual(i);
    at.push(next);
    i = next + 1;
  }
  return at;
}

/** The address of `name` in a kallsyms listing (module symbols end in `\t[module]`). */
function addressOf(listing: string, name: string): bigint {
  const m = new RegExp(`^([0-9a-f]{8}) [Tt] ${name}(\\t\\[\\w+\\])?$`, "m").exec(listing);
  if (m === null) throw new Error(`${name} is not in the listing`);
  return BigInt(`0x${m[1]}`);
}

/** The `name+0xoff` an address falls in (nearest text symbol at or below it). */
function symbolize(listing: string, addr: bigint): string {
  let best: [bigint, string] | null = null;
  for (const line of listing.split("\n")) {
    const m = KALLSYMS_LINE.exec(line);
    if (m === null || !/ [Tt] /.test(line)) continue;
    const a = BigInt(`0x${m[1]}`);
    if (a <= addr && (best === null || a > best[0])) best = [a, m[2]!];
  }
  if (best === null) return "?";
  return best[0] === addr ? best[1] : `${best[1]}+0x${(addr - best[0]).toString(16)}`;
}

const SOCKET = `pcscope-linux-gdb-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });

/** Polls the tmux screen until `pattern` shows (or fails with the last screen). */
async function waitForScreen(pattern: RegExp, ms: number): Promise<string> {
  const end = Date.now() + ms;
  let last = "";
  while (Date.now() < end) {
    last = tmux("capture-pane", "-p", "-t", "ui");
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`screen never showed ${pattern}:\n${last}`);
}

describe.skipIf(!needPeers("qemu-system-i386", "qemu-img", "qemu-io", "apt-get", "dpkg-deb"))(
  "Debian's Linux under pcscope, against QEMU 7.2",
  () => {
    let guest: LinuxGuest;
    let dir: string;
    let qemuLog = "";
    let qemuKallsyms = "";
    /** The kallsyms listing pcscope's first boot dumped through COM2 (for the gdb boot). */
    let listingFile = "";
    /** The instructions pcscope's first boot retired to its power-off (its summary line). */
    let bootInstructions = "";
    beforeAll(async () => {
      guest = buildLinuxGuest({ script: SCRIPT, kallsyms: true });
      dir = mkdtempSync(join(tmpdir(), "pcscope-linux-"));
      const disk = freshDisk(dir, "qemu.qcow2");
      const kallsyms = join(dir, "qemu-kallsyms.nm");
      const q = await run(
        "qemu-system-i386",
        [
          ...["-nodefaults", "-display", "none", "-M", "pc", "-m", MEM_HOTPLUG, "-cpu", "pentium2"],
          ...["-object", `memory-backend-ram,id=m0,size=${MEM}M`, "-numa", "node,nodeid=0,cpus=0,memdev=m0"],
          // The firmware pcscope runs with --kernel (QEMU's default, bios-256k.bin, is another
          // SeaBIOS build whose F-segment layout puts the RSDP elsewhere).
          ...["-bios", KERNEL_BIOS, "-icount", QEMU_ICOUNT],
          ...["-kernel", guest.kernel, "-initrd", guest.initrd, "-append", APPEND],
          ...["-drive", `file=${disk},format=qcow2,if=ide`, "-serial", "stdio"],
          ...["-serial", `file:${kallsyms}`, "-no-reboot"],
        ],
        120_000,
      );
      qemuLog = q.out;
      expect(q.status, q.err).toBe(0);
      qemuKallsyms = readFileSync(kallsyms, "latin1");
    }, 300_000);

    it(
      "boots to /init, finds QEMU's devices, dumps kallsyms through COM2, traces the write and powers off",
      async () => {
        const disk = freshDisk(dir, "pcscope.qcow2");
        const kallsyms = join(dir, "kallsyms.nm");
        const trace = join(dir, "trace.log");
        const ours = await run(
          process.execPath,
          [
            BIN,
            "run",
            ...pcscopeArgs(guest, disk, "stdio", `file:${kallsyms}`),
            ...["--trace", TRACE.join(","), "--trace-file", trace],
          ],
          BOOT_MS,
        );
        const log = ours.out;
        expect(log, log.slice(-3000)).toContain(`${INIT_MARK} init started`);
        expect(log).toMatch(/model name\s*: Pentium II \(Deschutes\)/);
        expect(deviceLines(log)).toEqual(deviceLines(qemuLog));
        // The kernel's ACPI table lines (signature, address, length, OEM ids) are among them.
        expect(
          deviceLines(log).filter((l) => /^ACPI: (RSDT|FACP|DSDT|APIC|HPET|SRAT) 0x/.test(l)),
        ).toHaveLength(6);
        expect(
          deviceLines(log).some((l) => l.startsWith("ACPI: Reserving SRAT table memory at [mem 0x")),
        ).toBe(true);
        expect(log).toContain("ttyS1 at I/O 0x2f8 (irq = 3, base_baud = 115200) is a 16550A");
        expect(log).toContain(`${INIT_MARK} kallsyms written to ttyS1`);
        expect(log).toContain(`${INIT_MARK} script exited with status 0`);
        expect(log).toContain("reboot: Power down");
        expect(ours.err).toContain("the guest powered off");
        expect(ours.status).toBe(0);
        bootInstructions = /: (\d+) instructions in /.exec(ours.err)?.[1] ?? "";
        expect(bootInstructions, ours.err).not.toBe("");

        // The listing: QEMU's byte for byte (same kernel, modules, command line), read by `syms`.
        const listing = readFileSync(kallsyms, "latin1");
        expect(listing.length).toBeGreaterThan(100_000);
        expect(
          listing === qemuKallsyms,
          `pcscope's COM2 listing differs from QEMU's: ${firstDifference(listing, qemuKallsyms)}`,
        ).toBe(true);
        const ata = addressOf(listing, "ata_bmdma_start");
        const hex = ata.toString(16);
        const syms = (...args: string[]) =>
          execFileSync(process.execPath, [BIN, "syms", kallsyms, ...args], { encoding: "utf8" });
        expect(syms("--name", "ata_bmdma_start")).toContain(`0x${hex} t ata_bmdma_start`);
        expect(syms("--addr", `0x${(ata + 0x13n).toString(16)}`)).toContain(
          `0x${(ata + 0x13n).toString(16)} ata_bmdma_start+0x13`,
        );
        listingFile = kallsyms;

        // The WRITE DMA from the command register to the host file, then the fsync's FLUSH CACHE.
        const lines = readFileSync(trace, "utf8").split("\n");
        const names = lines.map((l) => /^\d+@[\d.]+:(\w+)/.exec(l)?.[1] ?? "");
        const command = lines.findIndex((l) => /ide_ioport_write addr 0x1f7 reg Command val 0xca\b/.test(l));
        expect(command, lines.slice(0, 40).join("\n")).toBeGreaterThanOrEqual(0);
        expect(lines[command + 1]).toMatch(/ide_exec_cmd bus 0x0 unit 0x0 cmd 0xca\b/);
        const at = inOrder(names, WRITE_PATH, command + 2);
        expect(lines[at[0]!]).toMatch(/bmdma_write addr 0x0 val 0x1\b/); // bus master start
        expect(lines[at[WRITE_PATH.indexOf("ide_exec_cmd")]!]).toMatch(/cmd 0xe7\b/); // FLUSH CACHE

        const check = execFileSync("qemu-img", ["check", disk], { encoding: "utf8" });
        expect(check).toContain("No errors were found on the image.");
        const read = execFileSync(
          "qemu-io",
          [
            "-f",
            "qcow2",
            "-c",
            `read -P 0x5a ${PATTERN_OFFSET} 4096`,
            "-c",
            `read -P 0 0 ${PATTERN_OFFSET}`,
            disk,
          ],
          { encoding: "utf8" },
        );
        expect(read).not.toMatch(/Pattern verification failed/);
        expect(read.match(/read \d+\/\d+ bytes/g)).toHaveLength(2);
      },
      BOOT_MS,
    );

    describe.skipIf(!needPeers("gdb", "tmux"))("gdb and the UI on the same guest", () => {
      afterEach(() => {
        try {
          execFileSync("tmux", ["-L", SOCKET, "kill-server"], { stdio: "ignore" });
        } catch {
          // no server left: the test closed its last session
        }
      });

      it(
        "breaks at ata_bmdma_start from the dumped listing on thread 1, shows it in the UI, then at kernel_power_off",
        async () => {
          expect(listingFile, "needs the listing of the first pcscope boot").not.toBe("");
          const listing = readFileSync(listingFile, "latin1");
          const ata = addressOf(listing, "ata_bmdma_start");
          const ataHex = `0x${ata.toString(16)}`;
          const power = addressOf(listing, "kernel_power_off");
          const powerHex = `0x${power.toString(16)}`;
          const traceJson = join(dir, "trace.json");
          const port = await freePort();
          const child = spawn(
            process.execPath,
            [
              // No history: while snapshots are kept the guest's writes stay in memory, and this
              // boot's trace must follow them into the qcow2 file.
              ...[BIN, "run", "-S", "--gdb", `tcp:127.0.0.1:${port}`, "--history", "off"],
              ...pcscopeArgs(guest, freshDisk(dir, "gdb.qcow2"), `file:${join(dir, "serial.log")}`, "null"),
              ...["--trace", TRACE.join(","), "--trace-file", traceJson],
            ],
            { stdio: ["ignore", "ignore", "pipe"] },
          );
          let stderr = "";
          child.stderr.on("data", (d: Buffer) => {
            stderr += d.toString();
          });
          const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
          try {
            for (let i = 0; i < 300 && !stderr.includes("listening"); i++)
              await new Promise((r) => setTimeout(r, 100));
            expect(stderr).toContain("(guest paused)");

            // 1. gdb: break at the module function's address, continue to the first DMA, leave it stopped.
            const stop = await runGdb(
              `127.0.0.1:${port}`,
              [`break *${ataHex}`, "continue", "info threads", "x/wx $esp", "p/x $pc", "disconnect"],
              BOOT_MS,
            );
            expect(stop, stop).toMatch(
              new RegExp(`Breakpoint 1, ${ataHex.replace("0x", "0x0*")} in \\?\\? \\(\\)`),
            );
            expect(stop).toMatch(new RegExp(`^\\* 1 +Thread 1\\b.* ${ataHex} in \\?\\? \\(\\)`, "m"));
            expect(stop).toMatch(new RegExp(`\\$1 = ${ataHex}\\b`));
            // At the entry [esp] is the return into libata's issue path (an indirect call, ops->bmdma_start).
            const ret = /^0x[0-9a-f]+:\s+(0x[0-9a-f]{8})\s*$/m.exec(stop);
            expect(ret, stop).not.toBeNull();
            const caller = symbolize(listing, BigInt(ret![1]!));
            expect(caller).toMatch(/^ata_bmdma_qc_issue\+0x[0-9a-f]+$/);

            // 2. The UI on the same stub: the stop at ata_bmdma_start and its symbolized backtrace.
            const env = { ...process.env };
            delete env.CI;
            const cmd = `node ${BIN} attach 127.0.0.1:${port} --symbols ${listingFile}; echo "EXIT=$?"; sleep 60`;
            execFileSync(
              "tmux",
              ["-L", SOCKET, "new-session", "-d", "-s", "ui", "-x", "160", "-y", "50", cmd],
              {
                env,
                cwd: REPO_ROOT,
              },
            );
            const screen = await waitForScreen(/#2 0x[0-9a-f]{8} \w+\+0x[0-9a-f]+/, 60_000);
            expect(screen).toMatch(new RegExp(`#0 ${ataHex} ata_bmdma_start\\b`));
            expect(screen).toMatch(/#1 0xd[0-9a-f]{7} ata_bmdma_qc_issue\+0x[0-9a-f]+/);
            expect(screen).toContain("ata_bmdma_start:");
            // Closing its terminal drops the UI's connection without a detach: the guest stays stopped.
            const before = stderr.length;
            tmux("kill-session", "-t", "ui");
            for (let i = 0; i < 100 && !stderr.slice(before).includes("the guest stays"); i++)
              await new Promise((r) => setTimeout(r, 100));
            expect(stderr.slice(before)).toContain("debugger disconnected; the guest stays stopped");

            // 3. gdb again: on to kernel_power_off, its frame, then the power-off.
            const end = await runGdb(
              `127.0.0.1:${port}`,
              [
                "p/x $pc",
                `break *${powerHex}`,
                "continue",
                "info threads",
                "x/2wx $ebp",
                "x/wx $esp",
                "delete",
                "continue",
              ],
              BOOT_MS,
            );
            expect(end).toMatch(new RegExp(`\\$1 = ${ataHex}\\b`));
            expect(end, end).toMatch(
              new RegExp(`Breakpoint 1, ${powerHex.replace("0x", "0x0*")} in \\?\\? \\(\\)`),
            );
            expect(end).toMatch(new RegExp(`^\\* 1 +Thread 1\\b.* ${powerHex} in \\?\\? \\(\\)`, "m"));
            // At the entry [esp] is the return into the caller; [ebp] links the caller's frame to its
            // caller's: a saved ebp a little higher on the same 8 KiB kernel stack, a return into code.
            const esp = /^0x[0-9a-f]+:\s+(0x[0-9a-f]{8})\s*$/m.exec(end);
            expect(esp, end).not.toBeNull();
            expect(symbolize(listing, BigInt(esp![1]!))).toMatch(/^__do_sys_reboot\+0x[0-9a-f]+$/);
            const frame = /^(0x[0-9a-f]+):\s+(0x[0-9a-f]{8})\s+(0x[0-9a-f]{8})\s*$/m.exec(end);
            expect(frame, end).not.toBeNull();
            const [ebp, savedEbp, callerReturn] = [frame![1]!, frame![2]!, frame![3]!].map((v) => BigInt(v));
            expect(savedEbp).toBeGreaterThan(ebp!);
            expect(savedEbp! - ebp!).toBeLessThan(0x2000n);
            expect(symbolize(listing, callerReturn!)).toMatch(/^\w+\+0x[0-9a-f]+$/);
            expect(end).toContain("exited normally");
            expect(await exited).toBe(0);
            // The same guest, deterministic: the same instructions to the power-off as boot 1.
            expect(/: (\d+) instructions in /.exec(stderr)?.[1], stderr).toBe(bootInstructions);

            // The same write path in the Perfetto JSON of this run.
            const doc = JSON.parse(readFileSync(traceJson, "utf8")) as ChromeTrace;
            const slices = doc.traceEvents.filter((e) => e.ph === "X" && TRACE.includes(e.name));
            const names = slices.map((e) => e.name);
            const start = slices.findIndex((e) => e.name === "ide_exec_cmd" && e.args?.cmd === 0xca);
            expect(start, JSON.stringify(slices.slice(0, 20))).toBeGreaterThanOrEqual(0);
            inOrder(names, WRITE_PATH, start + 1);
          } finally {
            child.kill("SIGKILL");
          }
        },
        2 * BOOT_MS,
      );
    });
  },
);
