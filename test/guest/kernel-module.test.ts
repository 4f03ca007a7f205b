// .modinfo reading and module load order, on small ELF objects built here section by section.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { indexModules, KernelModuleError, loadOrder, readModinfo } from "../../src/guest/kernel-module.ts";

/** An ELF32 relocatable object with a null section, .modinfo holding `info`, and .shstrtab. */
function elfWithModinfo(info: string[]): Buffer {
  const modinfo = Buffer.from(`${info.join("\0")}\0`, "latin1");
  const shstrtab = Buffer.from("\0.modinfo\0.shstrtab\0", "latin1");
  const ehsize = 52;
  const shentsize = 40;
  const modinfoOff = ehsize;
  const shstrOff = modinfoOff + modinfo.length;
  const shoff = (shstrOff + shstrtab.length + 3) & ~3;
  const elf = Buffer.alloc(shoff + 3 * shentsize);
  elf.writeUInt32LE(0x464c457f, 0);
  elf[4] = 1; // ELFCLASS32
  elf[5] = 1; // little-endian
  elf[6] = 1;
  elf.writeUInt16LE(1, 16); // ET_REL
  elf.writeUInt16LE(3, 18); // EM_386
  elf.writeUInt32LE(shoff, 0x20);
  elf.writeUInt16LE(ehsize, 0x28);
  elf.writeUInt16LE(shentsize, 0x2e);
  elf.writeUInt16LE(3, 0x30);
  elf.writeUInt16LE(2, 0x32);
  modinfo.copy(elf, modinfoOff);
  shstrtab.copy(elf, shstrOff);
  const section = (i: number, name: number, offset: number, size: number) => {
    const at = shoff + i * shentsize;
    elf.writeUInt32LE(name, at);
    elf.writeUInt32LE(1, at + 4); // SHT_PROGBITS
    elf.writeUInt32LE(offset, at + 0x10);
    elf.writeUInt32LE(size, at + 0x14);
  };
  section(1, 1, modinfoOff, modinfo.length);
  section(2, 10, shstrOff, shstrtab.length);
  return elf;
}

describe("kernel modules", () => {
  it("reads .modinfo's key=value strings", () => {
    const info = readModinfo(
      elfWithModinfo(["license=GPL", "depends=libata,scsi_mod", "name=ata_piix"]),
      "x.ko",
    );
    expect(info.get("depends")).toBe("libata,scsi_mod");
    expect(info.get("name")).toBe("ata_piix");
  });

  it("refuses what is not a module, naming the file", () => {
    expect(() =>
      readModinfo(Buffer.from("not an elf at all, but long enough to have a header......."), "bad.ko"),
    ).toThrow(/bad\.ko: not an ELF file/);
  });

  it("orders modules after their dependencies, once each, '-' and '_' alike", () => {
    const dir = mkdtempSync(join(tmpdir(), "pcscope-kmod-"));
    const mod = (file: string, depends: string) =>
      writeFileSync(join(dir, file), elfWithModinfo([`depends=${depends}`]));
    mod("ata_piix.ko", "libata");
    mod("libata.ko", "scsi_mod");
    mod("scsi_mod.ko", "scsi_common");
    mod("scsi_common.ko", "");
    mod("sd_mod.ko", "scsi_mod,scsi-common,crc-t10dif");
    mod("crc-t10dif.ko", "");
    const order = loadOrder(["ata_piix", "sd_mod"], indexModules(dir)).map((p) => p.slice(dir.length + 1));
    expect(order).toEqual([
      "scsi_common.ko",
      "scsi_mod.ko",
      "libata.ko",
      "ata_piix.ko",
      "crc-t10dif.ko",
      "sd_mod.ko",
    ]);
    mod("broken.ko", "missing_thing");
    expect(() => loadOrder(["broken"], indexModules(dir))).toThrow(KernelModuleError);
    expect(() => loadOrder(["broken"], indexModules(dir))).toThrow(
      /missing_thing not found \(needed by broken\)/,
    );
  });
});
