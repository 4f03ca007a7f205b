// `--kernel` (QEMU's -kernel for Multiboot kernels): the layout of kernel, command line, loader name
// and Multiboot info (MBI) as hw/i386/multiboot.c makes it; the option ROM (firmware/multiboot) and
// the test kernel (firmware/tests/multiboot) rebuilt byte for byte; the test kernel booted by SeaBIOS
// under QEMU 7.2 (with QEMU's own ROM, and with ours swapped in through -L) and under pcscope, its
// report of EAX, EBX, the machine state and every MBI field compared; bad input through the CLI.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  loadMultiboot,
  loadMultibootFile,
  MB_BOOT_DEVICE,
  MB_HEADER_AOUT_KLUDGE,
  MB_MMAP_ADDR,
  MBI_SIZE,
  MULTIBOOT_HEADER_MAGIC,
  MULTIBOOT_ROM,
  MultibootError,
} from "../../../src/emu/machine/multiboot.ts";
import { createPcMachine, hostVapicRom, KVMVAPIC_ROM } from "../../../src/emu/machine/pc.ts";
import { needPeers } from "../../helpers/peers.ts";

const ROOT = join(import.meta.dirname, "../../..");
const KERNEL = join(ROOT, "firmware/tests/multiboot/kernel.elf");
const CLI = join(ROOT, "bin/pcscope.js");
const SEABIOS = "/usr/share/seabios/bios.bin";
const MEM = 32 * 1024 * 1024;
const CMDLINE = "console=ttyS0 root=/dev/hda x=1";
/** MBI flags QEMU sets: memory, boot device, cmdline, modules, mmap, boot loader name. */
const QEMU_MBI_FLAGS = 0x24f;

function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
}

function setU32(bytes: Uint8Array, at: number, v: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, v >>> 0, true);
}

/** A raw image with a Multiboot header at offset `at` (flags, then the a.out-kludge fields). */
function aoutImage(at: number, flags: number, fields: number[], size: number): Uint8Array {
  const img = new Uint8Array(size).fill(0xcc);
  setU32(img, at, MULTIBOOT_HEADER_MAGIC);
  setU32(img, at + 4, flags);
  setU32(img, at + 8, -(MULTIBOOT_HEADER_MAGIC + flags));
  for (const [i, v] of fields.entries()) setU32(img, at + 12 + 4 * i, v);
  return img;
}

describe("loadMultiboot lays out the kernel as QEMU's -kernel does", () => {
  const elf = Uint8Array.from(readFileSync(KERNEL));

  it("puts the command line and loader name after the page-aligned ELF image and fills the MBI", () => {
    const img = loadMultiboot(elf, "k.elf", "a b", MEM);
    expect(img.loadAddr).toBe(0x100000);
    expect(img.entry).toBe(u32(elf, 24));
    // The ELF spans 0x1308 bytes (with BSS): the MBI area starts at the next page.
    const text = new TextDecoder().decode(img.buffer.subarray(0x2000, 0x2000 + 16));
    expect(text).toBe("k.elf a b\0qemu\0\0");
    expect(img.buffer.length).toBe(0x3000);
    expect(img.mbi.length).toBe(MBI_SIZE);
    expect(u32(img.mbi, 0)).toBe(QEMU_MBI_FLAGS);
    expect(u32(img.mbi, 4)).toBe(640);
    expect(u32(img.mbi, 8)).toBe(MEM / 1024 - 1024);
    expect(u32(img.mbi, 12)).toBe(MB_BOOT_DEVICE);
    expect(u32(img.mbi, 16)).toBe(0x102000);
    expect(u32(img.mbi, 20)).toBe(0);
    expect(u32(img.mbi, 24)).toBe(0x102000);
    expect(u32(img.mbi, 48)).toBe(MB_MMAP_ADDR);
    // Room for "k.elf\0" + "a b\0" is reserved before the loader name, as QEMU counts it.
    expect(u32(img.mbi, 64)).toBe(0x102000 + 6 + 4);
    // The image holds the ELF's bytes at their physical addresses; the BSS is zero.
    expect(img.buffer.subarray(0, 16)).toEqual(elf.subarray(0x1000, 0x1010));
    expect(img.buffer.subarray(0x1300, 0x1308).every((b) => b === 0)).toBe(true);
  });

  it("moves a virtual ELF entry point to its physical address", () => {
    const moved = Uint8Array.from(elf);
    const ph = u32(moved, 28);
    setU32(moved, ph + 8, 0xc0100000); // p_vaddr
    setU32(moved, 24, 0xc0100010); // e_entry
    expect(loadMultiboot(moved, "k", "", MEM).entry).toBe(0x100010);
  });

  it("loads an a.out-kludge image from its header's addresses, BSS zeroed", () => {
    const raw = aoutImage(0x20, MB_HEADER_AOUT_KLUDGE, [0x200020, 0x200000, 0, 0x203000, 0x200040], 0x800);
    const img = loadMultiboot(raw, "raw", "", MEM);
    expect(img.loadAddr).toBe(0x200000);
    expect(img.entry).toBe(0x200040);
    expect(img.buffer.subarray(0, 0x800)).toEqual(raw);
    expect(img.buffer.subarray(0x800, 0x3000).every((b) => b === 0)).toBe(true);
    expect(u32(img.mbi, 16)).toBe(0x203000);
  });

  it("refuses what QEMU refuses, with a message naming the file", () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(4096).fill(0x90), /k: not a Multiboot kernel/],
      [aoutImage(0, 0, [], 256).fill(0, 8, 12), /not a Multiboot kernel/],
      [aoutImage(0, 0, [], 256), /not an ELF file/],
      [aoutImage(0, MB_HEADER_AOUT_KLUDGE, [0x100000, 0x100010], 256), /header_addr is below load_addr/],
      [aoutImage(0, MB_HEADER_AOUT_KLUDGE, [0x100000, 0x100000, 0x100000 + 4096], 256), /shorter than/],
      [
        aoutImage(0, MB_HEADER_AOUT_KLUDGE, [0x100000, 0x100000, 0, 0x9000000], 256),
        /does not fit in 32 MiB/,
      ],
    ];
    const elf64 = Uint8Array.from(elf);
    elf64[18] = 62;
    cases.push([elf64, /64-bit kernel/]);
    const noSegments = Uint8Array.from(elf);
    noSegments[44] = 0;
    noSegments[45] = 0;
    cases.push([noSegments, /no loadable segment/]);
    for (const [bytes, message] of cases) {
      expect(() => loadMultiboot(bytes, "k", "", MEM)).toThrow(MultibootError);
      expect(() => loadMultiboot(bytes, "k", "", MEM)).toThrow(message);
    }
    expect(() => loadMultiboot(elf, "k", "", 1024 * 1024)).toThrow(/does not fit in 1 MiB/);
    expect(() => loadMultibootFile("/nonexistent/k.elf", "", MEM)).toThrow(
      /cannot read kernel.*no such file/,
    );
  });
});

describe.skipIf(!needPeers("nasm", "nm"))("the multiboot ROM and test kernel rebuild byte for byte", () => {
  it("firmware/multiboot/build.sh and firmware/tests/multiboot/build.sh", () => {
    const out = mkdtempSync(join(tmpdir(), "pcscope-mb-build-"));
    execFileSync(join(ROOT, "firmware/multiboot/build.sh"), [out]);
    execFileSync(join(ROOT, "firmware/tests/multiboot/build.sh"), [out]);
    expect(readFileSync(join(out, "multiboot.bin"))).toEqual(readFileSync(MULTIBOOT_ROM));
    expect(readFileSync(join(out, "kernel.elf"))).toEqual(readFileSync(KERNEL));
    const rom = readFileSync(MULTIBOOT_ROM);
    expect(rom.reduce((s, b) => (s + b) & 0xff, 0)).toBe(0);
    expect(rom.length).toBe(rom[2]! * 512);
  });
});

/** QEMU's i440fx PC booting KERNEL with -kernel/-append; returns the debug console text. */
function qemuRun(dir: string, name: string, extra: string[] = []): string {
  const log = join(dir, `${name}.log`);
  const r = spawnSync(
    "qemu-system-i386",
    [
      ...["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", ...extra],
      ...["-kernel", KERNEL, "-append", CMDLINE, "-debugcon", `file:${log}`],
      ...["-global", "isa-debugcon.iobase=0x402", "-device", "isa-debug-exit,iobase=0xf4,iosize=1"],
    ],
    { timeout: 30_000 },
  );
  if (r.status !== 1) throw new Error(`qemu exited with ${r.status}: ${r.stderr}`);
  return readFileSync(log, "latin1");
}

/** The kernel's report lines ("mb: NAME=VALUE"). */
function report(log: string): string[] {
  return log.split("\n").filter((l) => l.startsWith("mb: "));
}

/** SeaBIOS's "e820 map has N items" listing, as the kernel prints mmap entries. */
function seabiosE820(log: string): string[] {
  const lines = log.split("\n");
  const start = lines.findIndex((l) => /^e820 map has \d+ items:$/.test(l));
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    const m = /^\s+\d+: ([0-9a-f]{16}) - ([0-9a-f]{16}) = (\d+)/.exec(l);
    if (m === null) break;
    const base = BigInt(`0x${m[1]}`);
    const len = BigInt(`0x${m[2]}`) - base;
    const hex = (v: bigint, n: number) => v.toString(16).padStart(n, "0");
    out.push(`mb: mmap=00000014 ${hex(base, 16)} ${hex(len, 16)} ${hex(BigInt(m[3]!), 8)}`);
  }
  return out;
}

/** KiB of RAM contiguous from 1 MiB in a report's mmap lines. */
function upperKiB(mmap: string[]): number {
  let end = 0x100000;
  for (const l of mmap) {
    const [base, len, type] = l
      .slice("mb: mmap=00000014 ".length)
      .split(" ")
      .map((x) => Number(`0x${x}`));
    if (type === 1 && base! <= end && base! + len! > end) end = base! + len!;
  }
  return (end - 0x100000) / 1024;
}

describe.skipIf(!needPeers("qemu-system-i386", "seabios"))(
  "the test kernel under QEMU 7.2 and pcscope",
  () => {
    let dir: string;
    let qemu: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "pcscope-mb-"));
      qemu = qemuRun(dir, "qemu");
    }, 60_000);

    it("QEMU starts it with EAX=0x2BADB002, EBX=0x9500 and QEMU's MBI", () => {
      const r = report(qemu);
      expect(r).toContain("mb: eax=2badb002");
      expect(r).toContain("mb: ebx=00009500");
      expect(r).toContain(`mb: cmdline=${KERNEL} ${CMDLINE}`);
      expect(r).toContain("mb: boot_loader_name=qemu");
      expect(r.at(-1)).toBe("mb: done");
    });

    it("our option ROM swapped into QEMU (-L) gives QEMU's log byte for byte", () => {
      const lib = join(dir, "lib");
      execFileSync("mkdir", ["-p", lib]);
      copyFileSync(SEABIOS, join(lib, "bios.bin"));
      if (existsSync(KVMVAPIC_ROM)) copyFileSync(KVMVAPIC_ROM, join(lib, "kvmvapic.bin"));
      copyFileSync(MULTIBOOT_ROM, join(lib, "multiboot_dma.bin"));
      expect(qemuRun(dir, "ours-in-qemu", ["-L", lib])).toBe(qemu);
    }, 60_000);

    it("pcscope gives the same report; mem_upper and the map follow each machine's own E820", () => {
      const vapic = hostVapicRom();
      const m = createPcMachine({
        bios: readFileSync(SEABIOS),
        memBytes: MEM,
        debugcons: [{ port: 0x402, sink: null }],
        debugExit: { port: 0xf4, size: 1 },
        optionRoms: vapic === null ? [] : [vapic],
        multiboot: loadMultibootFile(KERNEL, CMDLINE, MEM),
      });
      let kind = "budget";
      for (let i = 0; i < 12 && kind === "budget"; i++) kind = m.run(5_000_000).kind;
      expect(kind).toBe("exit");
      const ours = m.debugcons[0]!.text();
      writeFileSync(join(dir, "pcscope.log"), ours);
      for (const line of [
        "Searching bootorder for: /rom@genroms/multiboot_dma.bin",
        "Booting from ROM...",
        "Booting from c000:003c",
      ]) {
        expect(qemu.split("\n")).toContain(line);
        expect(ours.split("\n")).toContain(line);
      }
      // Every field but the memory map and mem_upper is identical; those two come from SeaBIOS's E820
      // map, which differs where pcscope offers no ACPI tables (QEMU's reserve 128 KiB at the top).
      const varies = (l: string) => l.startsWith("mb: mmap=") || l.startsWith("mb: mem_upper=");
      expect(report(ours).filter((l) => !varies(l))).toEqual(report(qemu).filter((l) => !varies(l)));
      for (const log of [qemu, ours]) {
        const mmap = report(log).filter((l) => l.startsWith("mb: mmap="));
        expect(mmap).toEqual(seabiosE820(log));
        expect(report(log)).toContain(`mb: mem_upper=${upperKiB(mmap).toString(16).padStart(8, "0")}`);
        expect(report(log)).toContain(`mb: mmap_length=${(24 * mmap.length).toString(16).padStart(8, "0")}`);
      }
      // mem_lower is INT 12h's answer: 639 KiB below SeaBIOS's 1 KiB EBDA, on both.
      expect(report(ours)).toContain("mb: mem_lower=0000027f");
      expect(report(ours)).toContain("mb: flags=0000024f");
      expect(report(ours)).toContain("mb: cr0.pe_pg=00000001");
    }, 60_000);
  },
);

describe("pcscope run --kernel", () => {
  const cli = (...args: string[]) =>
    spawnSync("node", [CLI, "run", ...args], { encoding: "utf8", timeout: 60_000 });

  it("bad input is one line and exit status 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "pcscope-mb-cli-"));
    const notElf = join(dir, "not-multiboot.bin");
    writeFileSync(notElf, new Uint8Array(8192).fill(0x90));
    for (const [args, message] of [
      [
        ["--kernel", join(dir, "missing.elf")],
        /^pcscope: cannot read kernel '.*missing\.elf': no such file\n$/,
      ],
      [["-kernel", notElf], /^pcscope: .*not-multiboot\.bin: not a Multiboot kernel .*\n$/],
      [["--append", "x"], /^pcscope: --append is only allowed with --kernel\n$/],
      [["--machine", "bare", "--kernel", KERNEL], /^pcscope: --kernel needs the PC/],
    ] as [string[], RegExp][]) {
      const r = cli(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split("\n").length).toBe(2);
    }
  });

  it.skipIf(!needPeers("seabios"))(
    "boots the test kernel to isa-debug-exit",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "pcscope-mb-cli-"));
      const log = join(dir, "con.log");
      const r = cli(
        ...["-M", "pc", "-m", "32", "-kernel", KERNEL, "-append", "from the cli"],
        ...["-debugcon", `file:${log}`, "-global", "isa-debugcon.iobase=0x402"],
        ...["-device", "isa-debug-exit,iobase=0xf4,iosize=1"],
      );
      expect(r.status).toBe(1);
      const lines = readFileSync(log, "latin1").split("\n");
      expect(lines).toContain("mb: eax=2badb002");
      expect(lines).toContain(`mb: cmdline=${KERNEL} from the cli`);
    },
    60_000,
  );
});
