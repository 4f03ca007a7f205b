// Builds 64 KiB BIOS images from a few hand-assembled real-mode instructions, so machine and CLI
// tests need no assembler: `code` goes at F000:0000, an optional `handler` at F000:0100, and the
// reset vector at F000:FFF0 jumps to F000:0000. Unused bytes are 0xFF.

/** ROM offset where `handler` is placed. */
export const HANDLER_OFFSET = 0x100;

/** Returns the image. */
export function tinyRom(code: number[], handler: number[] = []): Uint8Array {
  const rom = new Uint8Array(0x10000).fill(0xff);
  rom.set(code, 0);
  rom.set(handler, HANDLER_OFFSET);
  rom.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0); // jmp 0xf000:0x0000
  return rom;
}

/** mov al, V; out 0xf4, al; cli; hlt — isa-debug-exit at 0xf4 with value V. */
export function exitRom(value: number): Uint8Array {
  return tinyRom([0xb0, value, 0xe6, 0xf4, 0xfa, 0xf4]);
}

/** mov al, 0xfe; out 0x64, al (the keyboard controller's reset pulse); cli; hlt. */
export function resetRom(): Uint8Array {
  return tinyRom([0xb0, 0xfe, 0xe6, 0x64, 0xfa, 0xf4]);
}

/** lidt [cs:limit0]; int3 — an IDT limit of 0 makes INT3 fault into #GP, #DF, then a triple fault. */
export function tripleFaultRom(): Uint8Array {
  return tinyRom([
    0x2e,
    0x0f,
    0x01,
    0x1e,
    0x10,
    0x00, // lidt [cs:0x0010]
    0xcc, //                               int3
    0xfa,
    0xf4, //                         cli; hlt (not reached)
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00, // 0x10: limit 0, base 0
  ]);
}

/** FSIN, an x87 instruction pcscope does not implement yet: the run stops on it as unimplemented. */
export function unimplementedRom(): Uint8Array {
  return tinyRom([0x0f, 0x33, 0xfa, 0xf4]); // rdpmc (no performance counters: a stop on a P6 model); cli; hlt
}
