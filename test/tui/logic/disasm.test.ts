import { describe, expect, it } from "vitest";
import { disassemble, syncStart } from "../../../src/tui/logic/disasm.ts";
import { listResolver, NO_SYMBOLS } from "../../../src/tui/logic/symbol-resolver.ts";

const symbols = listResolver([
  { name: "reset_vector", addr: 0xfffffff0n },
  { name: "entry_post", addr: 0xfe05bn },
  { name: "handle_resume", addr: 0xfe2aen },
  { name: "helper", addr: 0x401000n },
]);
const real16 = (csBase: bigint) => ({ bitness: 16 as const, csBase, realSegments: true });

describe("disassemble", () => {
  it("decodes SeaBIOS's reset vector as a 16-bit far jump to entry_post", () => {
    // ea 5b e0 00 f0 = jmp f000:e05b, at CS base ffff0000 IP fff0 (linear fffffff0)
    const lines = disassemble(
      new Uint8Array([0xea, 0x5b, 0xe0, 0x00, 0xf0]),
      0xfff0n,
      real16(0xffff0000n),
      4,
      symbols,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      addr: 0xfffffff0n,
      ip: 0xfff0n,
      length: 5,
      bytes: "ea5be000f0",
      label: "reset_vector",
    });
    expect(lines[0]!.text).toBe("jmp    0xf000:0xe05b <entry_post>");
    expect(lines[0]!.target).toBe(0xfe05bn);
  });

  it("resolves a near branch inside the current real-mode segment", () => {
    // 0f 85 48 02 = jne +0x248 at f000:e062 -> f000:e2ae = fe2ae
    const [line] = disassemble(
      new Uint8Array([0x0f, 0x85, 0x48, 0x02]),
      0xe062n,
      real16(0xf0000n),
      1,
      symbols,
    );
    expect(line!.text).toBe("jne    0xe2ae <handle_resume>");
    expect(line!.addr).toBe(0xfe062n);
  });

  it("classifies calls, returns, rep string ops and int for step-over and finish", () => {
    // e8 00 00 call; c3 ret; f3 a4 rep movsb; cd 10 int 10h; 90 nop
    const bytes = new Uint8Array([0xe8, 0x00, 0x00, 0xc3, 0xf3, 0xa4, 0xcd, 0x10, 0x90]);
    const lines = disassemble(bytes, 0x100n, real16(0n), 10, NO_SYMBOLS);
    expect(lines.map((l) => l.klass)).toEqual(["call", "ret", "rep", "int", "other"]);
    expect(lines.map((l) => l.text)).toEqual(["call   0x103", "ret", "rep movsb", "int    0x10", "nop"]);
  });

  it("decodes 32-bit code with a symbol on the call target and 64-bit code", () => {
    // e8 fb 0f 00 00 at 0x400000 -> call 0x401000
    const [call] = disassemble(
      new Uint8Array([0xe8, 0xfb, 0x0f, 0x00, 0x00]),
      0x400000n,
      { bitness: 32, csBase: 0n, realSegments: false },
      1,
      symbols,
    );
    expect(call!.text).toBe("call   0x401000 <helper>");
    // 48 89 c8 = mov rax, rcx
    const [mov] = disassemble(
      new Uint8Array([0x48, 0x89, 0xc8]),
      0n,
      { bitness: 64, csBase: 0n, realSegments: false },
      1,
      NO_SYMBOLS,
    );
    expect(mov!.text).toBe("mov    rax, rcx");
  });

  it("stops before an instruction cut off by the buffer and marks garbage invalid", () => {
    const cut = disassemble(new Uint8Array([0x90, 0xea, 0x5b]), 0n, real16(0n), 5, NO_SYMBOLS);
    expect(cut.map((l) => l.text)).toEqual(["nop"]);
    // 06 (push es) does not exist in 64-bit mode
    const bad = disassemble(
      new Uint8Array([0x06, ...new Array(16).fill(0x90)]),
      0n,
      { bitness: 64, csBase: 0n, realSegments: false },
      5,
      NO_SYMBOLS,
    );
    expect(bad[0]!.invalid).toBe(true);
  });

  it("finds an instruction boundary before the PC (syncStart)", () => {
    // 66 90 (xchg eax,eax) x4, then the PC at offset 8
    const bytes = new Uint8Array([
      0x66,
      0x90,
      0x66,
      0x90,
      0x66,
      0x90,
      0x66,
      0x90,
      ...new Array(20).fill(0x90),
    ]);
    const start = syncStart(bytes, 8, real16(0n));
    expect(start % 2).toBe(0);
    const lines = disassemble(bytes.subarray(start), BigInt(start), real16(0n), 10, NO_SYMBOLS);
    expect(lines.some((l) => l.addr === 8n)).toBe(true);
  });
});
