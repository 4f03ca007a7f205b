// Register access for the stub: the DebugTarget's integer registers plus the x87/SSE part of the
// `g` packet (which DebugTarget does not model: served as the reset values), and the linear-PC
// mapping of real mode (stub/real-mode.ts decides when it is on).
import { type DebugTarget, I386_REG_NAMES, type I386RegName } from "../../emu/debug-target.ts";
import { ERRNO, ProtocolError } from "../protocol/errors.ts";
import { bytesToHex, hexToBytes, le32Hex, readLe, writeLe } from "../protocol/hex.ts";
import { G_PACKET_BYTES, G_REGISTERS, REGNUM } from "../target-xml/i386.ts";

/** Byte offset of each `g` register. */
const OFFSETS: number[] = [];
{
  let offset = 0;
  for (const r of G_REGISTERS) {
    OFFSETS.push(offset);
    offset += r.bitsize / 8;
  }
}
const INTEGER_COUNT = I386_REG_NAMES.length;
/** x87 control word and MXCSR after reset (FNINIT / SDM 9.1.1). */
const FCTRL_RESET = 0x37f;
const MXCSR_RESET = 0x1f80;
const FCTRL_REGNUM = 33;
const MXCSR_REGNUM = 49;
/** The non-integer tail of a `g` reply: reset values, since DebugTarget has no FPU view. */
const FPU_TAIL = (() => {
  const bytes = new Uint8Array(G_PACKET_BYTES - OFFSETS[INTEGER_COUNT]!);
  const base = OFFSETS[INTEGER_COUNT]!;
  writeLe(bytes, OFFSETS[FCTRL_REGNUM]! - base, 4, FCTRL_RESET);
  writeLe(bytes, OFFSETS[MXCSR_REGNUM]! - base, 4, MXCSR_RESET);
  return bytesToHex(bytes);
})();

/** Reads registers for the debugger: integer registers with eip as gdb should see it. */
export class RegisterAccess {
  /** When true, $eip is CS.base + EIP (the linear PC) and writes map back. */
  linearPc = false;

  constructor(readonly target: DebugTarget) {}

  /** The hidden CS base of `cpu`. */
  csBase(cpu: number): number {
    return this.target.describeCpu(cpu).segments.cs.base >>> 0;
  }

  /** Integer registers as gdb sees them (eip linear in linear-PC mode). */
  read(cpu: number): number[] {
    const values = this.target.readRegisters(cpu);
    if (this.linearPc) values[REGNUM.eip] = (values[REGNUM.eip]! + this.csBase(cpu)) >>> 0;
    return values;
  }

  /** The whole `g` reply (344 bytes as hex). */
  readAll(cpu: number): string {
    const values = this.read(cpu);
    let s = "";
    for (let i = 0; i < INTEGER_COUNT; i++) s += le32Hex(values[i]!);
    return s + FPU_TAIL;
  }

  /** One register by number as hex (`p`); the real-mode extras exist only in linear-PC mode. */
  readOne(cpu: number, regnum: number): string {
    if (regnum < INTEGER_COUNT) return le32Hex(this.read(cpu)[regnum]!);
    if (regnum < G_REGISTERS.length) {
      const start = OFFSETS[regnum]! - OFFSETS[INTEGER_COUNT]!;
      return FPU_TAIL.slice(start * 2, (start + G_REGISTERS[regnum]!.bitsize / 8) * 2);
    }
    if (this.linearPc && regnum === REGNUM.ip) return le32Hex(this.target.readRegisters(cpu)[REGNUM.eip]!);
    if (this.linearPc && regnum === REGNUM.csBase) return le32Hex(this.csBase(cpu));
    throw new ProtocolError(`no register ${regnum}`, ERRNO.EINVAL);
  }

  /** Writes one register from hex (`P`); x87/SSE registers are not modelled and are refused. */
  writeOne(cpu: number, regnum: number, hex: string): void {
    const bytes = hexToBytes(hex);
    if (regnum >= INTEGER_COUNT) {
      if (this.linearPc && regnum === REGNUM.ip) {
        this.need(bytes, 4);
        this.target.writeRegister(cpu, "eip", readLe(bytes, 0, 4));
        return;
      }
      throw new ProtocolError(
        `register ${regnum} is not writable on pcscope (no x87/SSE state)`,
        ERRNO.EPERM,
      );
    }
    this.need(bytes, 4);
    this.writeInteger(cpu, regnum, readLe(bytes, 0, 4));
  }

  /** Writes every integer register that changed from a `G` packet; the x87/SSE part is ignored. */
  writeAll(cpu: number, hex: string): void {
    const bytes = hexToBytes(hex);
    if (bytes.length < OFFSETS[INTEGER_COUNT]!)
      throw new ProtocolError(`G packet of ${bytes.length} bytes is too short`);
    const current = this.read(cpu);
    for (let i = 0; i < INTEGER_COUNT; i++) {
      const value = readLe(bytes, OFFSETS[i]!, 4);
      if (value !== current[i]) this.writeInteger(cpu, i, value);
    }
  }

  /** Sets integer register `regnum`; eip goes through the linear-PC mapping. */
  private writeInteger(cpu: number, regnum: number, value: number): void {
    const name = I386_REG_NAMES[regnum] as I386RegName;
    if (regnum === REGNUM.eip && this.linearPc) {
      const base = this.csBase(cpu);
      const offset = (value - base) >>> 0;
      if (offset <= 0xffff) {
        this.target.writeRegister(cpu, "eip", offset);
        return;
      }
      // Outside the current code segment: CS = the 64 KiB-aligned paragraph, IP = the rest.
      this.target.writeRegister(cpu, "cs", (value >>> 4) & 0xf000);
      this.target.writeRegister(cpu, "eip", value & 0xffff);
      return;
    }
    this.target.writeRegister(cpu, name, value >>> 0);
  }

  private need(bytes: Uint8Array, size: number): void {
    if (bytes.length !== size)
      throw new ProtocolError(`register value of ${bytes.length} bytes, expected ${size}`);
  }
}
