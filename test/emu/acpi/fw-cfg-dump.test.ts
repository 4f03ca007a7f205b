// The fw_cfg dump ROM (firmware/tests/fwcfg/dump.asm) under QEMU 7.2 and pcscope: both runs parse,
// QEMU's directory lists the files its pc machine gives SeaBIOS, pcscope's lists the same files with
// the same keys and sizes, and the items pcscope has had since before ACPI (the legacy keys,
// etc/e820, etc/boot-fail-wait, bootorder) are identical.
import { describe, expect, it } from "vitest";
import {
  compareFwCfg,
  diffFileBytes,
  fwCfgFile,
  fwCfgListing,
  parseFwCfgDump,
} from "../../helpers/fw-cfg.ts";
import { needPeers } from "../../helpers/peers.ts";

const HAVE = needPeers("qemu-system-i386", "nasm");

describe("parseFwCfgDump", () => {
  it("reads legacy items, the directory and file contents", () => {
    const log = [
      "legacy 0000 00000004",
      "51454d55",
      "files 00000001",
      "file 0020 00000002 etc/x",
      "data 0020 00000002",
      "abcd",
      "done",
      "",
    ].join("\n");
    const d = parseFwCfgDump(log);
    expect([...d.legacy.get(0)!]).toEqual([0x51, 0x45, 0x4d, 0x55]);
    expect(d.files.map((f) => [f.key, f.size, f.name, [...f.data]])).toEqual([
      [0x20, 2, "etc/x", [0xab, 0xcd]],
    ]);
  });

  it("refuses a dump that stops early", () => {
    expect(() => parseFwCfgDump("legacy 0000 00000004\n51\n")).toThrow(/hex expected/);
    expect(() => parseFwCfgDump("files 00000000\n")).toThrow(/did not finish/);
  });
});

describe.skipIf(!HAVE)("fw_cfg dump ROM, QEMU 7.2 and pcscope", () => {
  it("lists QEMU's files and finds the shared items identical", async () => {
    const { qemu, ours } = await compareFwCfg(["-m", "128", "-smp", "2"]);
    expect(qemu.files.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        "etc/acpi/rsdp",
        "etc/acpi/tables",
        "etc/table-loader",
        "etc/e820",
        "bootorder",
      ]),
    );
    for (const f of qemu.files) expect(f.data.length).toBe(f.size);
    expect(fwCfgListing(ours)).toEqual(fwCfgListing(qemu));
    for (const name of ["etc/e820", "etc/boot-fail-wait", "bootorder", "bios-geometry"]) {
      expect(diffFileBytes(fwCfgFile(qemu, name)?.data, fwCfgFile(ours, name)?.data), name).toBeNull();
    }
    for (const key of [0x00, 0x01, 0x03, 0x05, 0x0d, 0x0f, 0x8002]) {
      expect([...ours.legacy.get(key)!], `legacy key 0x${key.toString(16)}`).toEqual([
        ...qemu.legacy.get(key)!,
      ]);
    }
  }, 60_000);
});
