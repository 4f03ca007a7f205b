// The Linux boot protocol as QEMU 7.2's -kernel/-initrd/-append does it: the setup header patches
// and addresses (unit tests on a small synthetic bzImage), the option ROM rebuilt byte for byte,
// and Debian's real kernel stopped by gdb at the setup entry (0x10200) under QEMU with its own ROM,
// under QEMU with ours (-L), and under pcscope: registers, setup, command line, kernel and initrd
// compared byte for byte.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  isLinuxKernel,
  LINUXBOOT_ROM,
  LinuxBootError,
  loadLinux,
} from "../../../src/emu/machine/linux-boot.ts";
import { KVMVAPIC_ROM } from "../../../src/emu/machine/pc.ts";
import { buildLinuxGuest, type LinuxGuest } from "../../../src/guest/linux-guest.ts";
import { runGdb } from "../../gdbstub/gdb-run.ts";
import { needPeers } from "../../helpers/peers.ts";
import { freePort, waitForPort } from "../../helpers/qemu.ts";

const ROOT = join(import.meta.dirname, "../../..");
const SEABIOS = "/usr/share/seabios/bios.bin";
const MiB = 1024 * 1024;

/** A bzImage-shaped file: `setupSects` setup sectors after the boot sector, then `payload` bytes. */
function syntheticKernel(
  protocol: number,
  setupSects: number,
  loadflags: number,
  payload: number,
): Uint8Array {
  const file = new Uint8Array((setupSects + 1) * 512 + payload);
  const v = new DataView(file.buffer);
  file[0x1f1] = setupSects;
  v.setUint32(0x202, 0x53726448, true); // "HdrS"
  v.setUint16(0x206, protocol, true);
  file[0x211] = loadflags;
  v.setUint32(0x22c, 0x7fffffff, true); // initrd_addr_max
  for (let i = (setupSects + 1) * 512; i < file.length; i++) file[i] = i & 0xff;
  return file;
}

describe("Linux boot protocol layout (as QEMU's x86_load_linux)", () => {
  it("loads a modern kernel high: setup at 0x10000, command line at 0x20000, initrd below RAM's top", () => {
    const file = syntheticKernel(0x20f, 30, 0x01, 5000);
    const initrd = new Uint8Array(10_000);
    const img = loadLinux(file, "k", initrd, "console=ttyS0 vga=0x317", 256 * MiB);
    const h = new DataView(img.setup.buffer, img.setup.byteOffset);
    expect([img.setupAddr, img.cmdlineAddr, img.kernelAddr]).toEqual([0x10000, 0x20000, 0x100000]);
    expect(img.setup.length).toBe(31 * 512);
    expect(img.kernel).toEqual(file.subarray(31 * 512));
    expect(new TextDecoder().decode(img.cmdline)).toBe("console=ttyS0 vga=0x317\0");
    expect(img.setup[0x210]).toBe(0xb0); // type_of_loader: QEMU
    expect(img.setup[0x211]).toBe(0x81); // LOADED_HIGH | CAN_USE_HEAP
    expect(h.getUint16(0x224, true)).toBe(0x20000 - 0x10000 - 0x200); // heap_end_ptr
    expect(h.getUint32(0x228, true)).toBe(0x20000); // cmd_line_ptr
    expect(h.getUint16(0x1fa, true)).toBe(0x317); // vid_mode
    // initrd_max = RAM - 160 KiB of ACPI room - 1; the initrd ends below it, page-aligned.
    const initrdMax = 256 * MiB - 0x28000 - 1;
    expect(img.initrdAddr).toBe((initrdMax - 10_000) & ~0xfff);
    expect([h.getUint32(0x218, true), h.getUint32(0x21c, true)]).toEqual([img.initrdAddr, 10_000]);
  });

  it("loads old kernels low, with the old command-line protocol", () => {
    const img = loadLinux(syntheticKernel(0x201, 4, 0, 100), "k", null, "ro", 32 * MiB);
    expect([img.setupAddr, img.kernelAddr]).toEqual([0x90000, 0x10000]);
    expect(img.cmdlineAddr).toBe(0x9a000 - 16);
    const h = new DataView(img.setup.buffer, img.setup.byteOffset);
    expect(h.getUint16(0x20, true)).toBe(0xa33f);
    expect(h.getUint16(0x22, true)).toBe(0x9a000 - 16 - 0x90000);
  });

  it("refuses what QEMU refuses, in one line", () => {
    expect(isLinuxKernel(new Uint8Array(4096))).toBe(false);
    expect(() =>
      loadLinux(syntheticKernel(0x20f, 4, 1, 10), "k", new Uint8Array(40 * MiB), "", 32 * MiB),
    ).toThrow(/initrd is too large, cannot support\. \(max: \d+, need 41943040\)/);
    expect(() => loadLinux(syntheticKernel(0x20f, 4, 1, 10), "k", null, "vga=12x", 32 * MiB)).toThrow(
      LinuxBootError,
    );
    expect(() =>
      loadLinux(syntheticKernel(0x20f, 60, 1, 0).subarray(0, 2048), "k", null, "", 32 * MiB),
    ).toThrow(/invalid kernel header/);
  });
});

describe.skipIf(!needPeers("nasm"))("the Linux boot option ROM rebuilds byte for byte", () => {
  it("firmware/linuxboot/build.sh", () => {
    const out = mkdtempSync(join(tmpdir(), "pcscope-lb-"));
    execFileSync(join(ROOT, "firmware/linuxboot/build.sh"), [out]);
    expect(readFileSync(join(out, "linuxboot.bin"))).toEqual(readFileSync(LINUXBOOT_ROM));
  });
});

/** What gdb saw at the setup entry: registers and hashes of the loaded pieces. */
interface SetupEntry {
  registers: string;
  setup: Buffer;
  cmdline: Buffer;
  kernelHash: string;
  initrdHash: string;
  initrdAddr: number;
}

const CMDLINE = "console=ttyS0 panic=-1 cryptomgr.notests";

/** Stops the machine behind gdb stub `port` at the setup entry and reads what was loaded. */
async function atSetupEntry(port: number, guest: LinuxGuest, dir: string, name: string): Promise<SetupEntry> {
  const kernelSize = readFileSync(guest.kernel).length;
  const initrdSize = readFileSync(guest.initrd).length;
  const setupSize = (readFileSync(guest.kernel)[0x1f1]! + 1) * 512;
  const file = (what: string) => join(dir, `${name}-${what}.bin`);
  const out = await runGdb(
    `127.0.0.1:${port}`,
    [
      "break *0x10200",
      "continue",
      "info registers eax ebx ecx edx edi ebp esp cs ds es fs gs ss",
      `dump binary memory ${file("setup")} 0x10000 ${0x10000 + setupSize}`,
      `dump binary memory ${file("cmdline")} 0x20000 ${0x20000 + CMDLINE.length + 1}`,
      `dump binary memory ${file("kernel")} 0x100000 ${0x100000 + kernelSize - setupSize}`,
      `dump binary memory ${file("initrd")} *(unsigned*)0x10218 *(unsigned*)0x10218+${initrdSize}`,
      "kill",
    ],
    180_000,
  );
  const registers = out
    .split("\n")
    .filter((l) => /^(e[a-d]x|e[ds]i|e[bs]p|[c-gs]s)\s/.test(l))
    .join("\n");
  const setup = readFileSync(file("setup"));
  const hash = (what: string) =>
    createHash("sha256")
      .update(readFileSync(file(what)))
      .digest("hex");
  return {
    registers,
    setup,
    cmdline: readFileSync(file("cmdline")),
    kernelHash: hash("kernel"),
    initrdHash: hash("initrd"),
    initrdAddr: setup.readUInt32LE(0x218),
  };
}

/** Starts QEMU paused with its stub on a free port (extra args such as -L), booting the guest. */
async function startQemu(guest: LinuxGuest, extra: string[]): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(
    "qemu-system-i386",
    [
      ...["-S", "-gdb", `tcp:127.0.0.1:${port}`, "-nodefaults", "-display", "none", "-M", "pc", "-m", "256"],
      ...extra,
      ...["-kernel", guest.kernel, "-initrd", guest.initrd, "-append", CMDLINE],
    ],
    { stdio: "ignore" },
  );
  await waitForPort(port, 10_000);
  return { port, proc };
}

describe.skipIf(!needPeers("qemu-system-i386", "gdb", "seabios", "apt-get", "dpkg-deb"))(
  "Debian's kernel at its setup entry: QEMU, QEMU with our ROM, pcscope",
  () => {
    let guest: LinuxGuest;
    let dir: string;
    let qemu: SetupEntry;
    const sha = (path: string, from = 0) =>
      createHash("sha256").update(readFileSync(path).subarray(from)).digest("hex");

    beforeAll(async () => {
      guest = buildLinuxGuest({ script: "echo hello\n" });
      dir = mkdtempSync(join(tmpdir(), "pcscope-linuxboot-"));
      const q = await startQemu(guest, []);
      try {
        qemu = await atSetupEntry(q.port, guest, dir, "qemu");
      } finally {
        q.proc.kill("SIGKILL");
      }
    }, 240_000);

    it("QEMU loads the kernel, initrd and command line the protocol's way", () => {
      const kernel = readFileSync(guest.kernel);
      const setupSize = (kernel[0x1f1]! + 1) * 512;
      expect(qemu.registers).toMatch(/cs\s+0x1020/);
      expect(qemu.registers).toMatch(/ss\s+0x1000/);
      expect(qemu.registers).toMatch(/esp\s+0xfff0/);
      expect(qemu.cmdline.toString("latin1")).toBe(`${CMDLINE}\0`);
      expect(qemu.kernelHash).toBe(sha(guest.kernel, setupSize));
      expect(qemu.initrdHash).toBe(sha(guest.initrd));
    });

    it("our option ROM swapped into QEMU (-L) loads everything byte for byte as QEMU's own", async () => {
      const lib = join(dir, "lib");
      mkdirSync(lib, { recursive: true });
      copyFileSync(SEABIOS, join(lib, "bios.bin"));
      if (existsSync(KVMVAPIC_ROM)) copyFileSync(KVMVAPIC_ROM, join(lib, "kvmvapic.bin"));
      copyFileSync(LINUXBOOT_ROM, join(lib, "linuxboot_dma.bin"));
      const q = await startQemu(guest, ["-L", lib]);
      let ours: SetupEntry;
      try {
        ours = await atSetupEntry(q.port, guest, dir, "ours-in-qemu");
      } finally {
        q.proc.kill("SIGKILL");
      }
      expect(ours).toEqual(qemu);
    }, 240_000);

    it("pcscope loads them byte for byte too, the initrd where its SeaBIOS's E801 top puts it", async () => {
      const port = await freePort();
      const pcscope = spawn(
        "node",
        [
          join(ROOT, "bin/pcscope.js"),
          ...["run", "-S", "--gdb", `tcp:127.0.0.1:${port}`, "--bios", SEABIOS, "--mem", "256M"],
          ...["--kernel", guest.kernel, "--initrd", guest.initrd, "--append", CMDLINE],
        ],
        { stdio: "ignore" },
      );
      let ours: SetupEntry;
      try {
        await waitForPort(port, 30_000);
        ours = await atSetupEntry(port, guest, dir, "pcscope");
      } finally {
        pcscope.kill("SIGKILL");
      }
      expect(ours.registers).toBe(qemu.registers.replace(/^(eip.*)$/m, ""));
      expect(ours.cmdline).toEqual(qemu.cmdline);
      expect(ours.kernelHash).toBe(qemu.kernelHash);
      expect(ours.initrdHash).toBe(qemu.initrdHash);
      // The setup header differs only in ramdisk_image (0x218): the ROM moves the initrd below the
      // top of RAM that SeaBIOS's INT 15h E801 reports, and SeaBIOS reserves a different amount at
      // the top of RAM for its own tables until pcscope hands it QEMU's ACPI tables through fw_cfg.
      const masked = (b: Buffer) => {
        const c = Buffer.from(b);
        c.writeUInt32LE(0, 0x218);
        return c;
      };
      expect(masked(ours.setup)).toEqual(masked(qemu.setup));
      expect(ours.initrdAddr % 4096).toBe(0);
      expect(ours.initrdAddr + readFileSync(guest.initrd).length).toBeLessThanOrEqual(256 * MiB);
    }, 240_000);
  },
);
