// QEMU's command line for pcscope's run options (the "QEMU spelling" column of README's table).
import { describe, expect, test } from "vitest";
import { parseRunArgs } from "../../src/cli/run-options.ts";
import { qemuArgsFor } from "../../src/diff/qemu-args.ts";
import type { ResolvedRunConfig } from "../../src/emu/machine/run-config.ts";

/** A resolved configuration for `args` (firmware, drives and consoles as given). */
function config(args: string[], pc: boolean): ResolvedRunConfig {
  const options = parseRunArgs(args);
  return {
    options,
    pc,
    firmware: options.bios ?? "bios.bin",
    drives: options.pc.drives,
    debugcons: options.debugcons,
    notes: [],
  };
}

describe("qemuArgsFor", () => {
  test("the bare machine: QEMU's -M pc with the ROM, consoles writing nowhere, isa-debug-exit", () => {
    const args = qemuArgsFor(
      config(
        ["--bios", "rom.bin", "--debugcon", "0xe9=file:out.log", "--debug-exit", "0xf4,1", "--no-reboot"],
        false,
      ),
    );
    expect(args.join(" ")).toBe(
      "-nodefaults -display none -M pc -m 32M -cpu qemu32 -bios rom.bin -rtc base=2000-01-01T00:00:00,clock=vm " +
        "-chardev null,id=pcscope-dc0 -device isa-debugcon,iobase=0xe9,chardev=pcscope-dc0 " +
        "-device isa-debug-exit,iobase=0xf4,iosize=0x1 -no-reboot",
    );
  });

  test("the PC: memory slots, CPU model, drives (commas doubled), boot order, serial, kernel", () => {
    const args = qemuArgsFor(
      config(
        [
          "--mem",
          "64M,slots=2,maxmem=128M",
          "--cpu",
          "pentium",
          "--hda",
          "a,b.qcow2",
          "--cdrom",
          "cd.iso",
          "--boot",
          "d",
          "--serial",
          "stdio",
          "--kernel",
          "vmlinuz",
          "--append",
          "quiet",
          "--rtc",
          "base=2006-06-17T16:01:21",
        ].map(String),
        true,
      ),
    );
    expect(args).toEqual([
      "-nodefaults",
      "-display",
      "none",
      "-M",
      "pc",
      "-m",
      "64M,slots=2,maxmem=128M",
      "-cpu",
      "pentium",
      "-bios",
      "bios.bin",
      "-rtc",
      "base=2006-06-17T16:01:21,clock=vm",
      "-drive",
      "file=a,,b.qcow2,if=ide,media=disk,index=0",
      "-drive",
      "file=cd.iso,if=ide,media=cdrom,index=2,readonly=on",
      "-boot",
      "order=d",
      "-serial",
      "null",
      "-kernel",
      "vmlinuz",
      "-append",
      "quiet",
    ]);
  });

  test("the RTC's start: pcscope's fixed date by default, the host's clock as given", () => {
    const rtc = (args: string[]) => {
      const all = qemuArgsFor(config(["--bios", "rom.bin", ...args], true));
      return all[all.indexOf("-rtc") + 1];
    };
    expect(rtc([])).toBe("base=2000-01-01T00:00:00,clock=vm");
    expect(rtc(["--rtc", "base=utc"])).toBe("base=utc,clock=vm");
    expect(rtc(["-rtc", "base=localtime,clock=vm"])).toBe("base=localtime,clock=vm");
    expect(rtc(["--rtc=base=2006-06-17"])).toBe("base=2006-06-17T00:00:00,clock=vm");
  });

  test("what QEMU has no equivalent for is refused with a reason", () => {
    expect(() => qemuArgsFor(config(["--cpu", "pcscope"], false))).toThrow(/pcscope's own model/);
    expect(() => qemuArgsFor(config(["--numa", "node,mem=32M"], true))).toThrow(/--numa/);
  });
});
