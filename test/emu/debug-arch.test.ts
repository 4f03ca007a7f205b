// The architecture descriptions against the real QEMU 7.2 stubs: the register set pcscope describes
// for i386 and x86-64 (names and sizes in number order) is the one qemu-system-i386
// and qemu-system-x86_64 describe, so the `g` packets are 344 and 608 bytes alike, and the target
// documents the stub generates from a description declare exactly its registers.
import { describe, expect, it } from "vitest";
import { type ArchDescription, I386, registerValue, X86_64 } from "../../src/emu/debug-arch.ts";
import { buildLayout } from "../../src/gdbstub/client/layout.ts";
import { RspClient } from "../../src/gdbstub/index.ts";
import { targetDocuments } from "../../src/gdbstub/target-xml/describe.ts";
import { needPeers } from "../helpers/peers.ts";
import { startPausedQemu } from "../helpers/qemu.ts";

/** What a description says of each register, as a layout from target.xml shows it. */
function declared(arch: ArchDescription) {
  return arch.registers.map((r) => ({
    name: r.name,
    bitsize: r.bytes * 8,
    type: r.type,
    group: r.group ?? null,
  }));
}

describe("architecture descriptions", () => {
  it("lay out the `g` packet as QEMU does: 344 bytes for i386, 608 for x86-64", () => {
    expect(I386.gBytes).toBe(344);
    expect(X86_64.gBytes).toBe(608);
    expect(I386.registers[I386.pc]!.name).toBe("eip");
    expect(X86_64.registers[X86_64.sp]!.name).toBe("rsp");
  });

  it("generate target documents declaring every register with its number", () => {
    for (const arch of [I386, X86_64]) {
      const layout = buildLayout(targetDocuments(arch));
      expect(layout.arch).toBe(arch.architecture);
      expect(
        layout.registers.map(({ name, bitsize, type, group }) => ({ name, bitsize, type, group })),
      ).toEqual(declared(arch));
      expect(layout.totalBytes).toBe(arch.bytes);
    }
  });

  it("read a register's value from a buffer little-endian", () => {
    const buffer = new Uint8Array(I386.bytes);
    buffer.set([0x78, 0x56, 0x34, 0x12], I386.registers[8]!.offset);
    expect(registerValue(I386, buffer, "eip")).toBe(0x12345678);
  });
});

for (const [binary, arch] of [
  ["qemu-system-i386", I386],
  ["qemu-system-x86_64", X86_64],
] as const) {
  describe.skipIf(!needPeers(binary))(`the ${arch.architecture} description against ${binary}`, () => {
    it("names the same registers with the same sizes in the same order", async () => {
      const qemu = await startPausedQemu({ binary });
      try {
        const client = await RspClient.connect({ port: qemu.port });
        try {
          expect(client.layout.arch).toBe(arch.architecture);
          // Types and groups are pcscope's own (its system registers are in gdb's "system" group).
          const theirs = client.layout.registers.map(({ name, bitsize }) => `${name}:${bitsize}`);
          expect(arch.registers.map((r) => `${r.name}:${r.bytes * 8}`)).toEqual(theirs);
          expect(client.layout.totalBytes).toBe(arch.gBytes);
        } finally {
          await client.kill();
        }
      } finally {
        qemu.stop();
      }
    });
  });
}
