// Register access for the stub: g/G/p/P in the layout of the description the session serves (the
// target's own, or its real-mode view, see stub/real-mode.ts). Values move as little-endian bytes;
// in the real-mode view $eip is the linear PC and `ip`/`cs_base` are computed here.
import { type ArchDescription, registerBytes, registerNumber } from "../../emu/debug-arch.ts";
import type { DebugTarget } from "../../emu/debug-target.ts";
import { ERRNO, ProtocolError } from "../protocol/errors.ts";
import { bytesToHex, hexToBytes, readLe, writeLe } from "../protocol/hex.ts";

/** Where the real-mode view's registers sit (numbers in the view; eip and cs as in the target). */
export interface LinearPcLayout {
  eip: number;
  ip: number;
  csBase: number;
}

/** Reads and writes registers as gdb sees them. */
export class RegisterAccess {
  /** The description gdb was given (the target's until it reads target.xml). */
  arch: ArchDescription;
  /** Set in the real-mode view: $eip is CS.base + EIP and writes map back. */
  linearPc: LinearPcLayout | null = null;

  constructor(readonly target: DebugTarget) {
    this.arch = target.arch;
  }

  /** Serves `arch`; `linearPc` when it is the real-mode view of the target's description. */
  use(arch: ArchDescription, linearPc: LinearPcLayout | null): void {
    this.arch = arch;
    this.linearPc = linearPc;
  }

  /** The hidden CS base of `cpu`. */
  csBase(cpu: number): number {
    return this.target.describeCpu(cpu).segments.cs.base >>> 0;
  }

  /** Every register of the served description as one little-endian buffer. */
  read(cpu: number): Uint8Array {
    const own = this.target.readRegisters(cpu);
    const lin = this.linearPc;
    if (lin === null) return own;
    const out = new Uint8Array(this.arch.bytes);
    out.set(own);
    const eip = readLe(own, this.offset(lin.eip), 4);
    const base = this.csBase(cpu);
    writeLe(out, this.offset(lin.eip), 4, (eip + base) >>> 0);
    writeLe(out, this.offset(lin.ip), 4, eip);
    writeLe(out, this.offset(lin.csBase), 4, base);
    return out;
  }

  /** The whole `g` reply. */
  readAll(cpu: number): string {
    return bytesToHex(this.read(cpu).subarray(0, this.arch.gBytes));
  }

  /** One register by number as hex (`p`). */
  readOne(cpu: number, regnum: number): string {
    this.described(regnum);
    return bytesToHex(registerBytes(this.arch, this.read(cpu), regnum));
  }

  /** Writes one register from its bytes (`P`). */
  writeOne(cpu: number, regnum: number, bytes: Uint8Array): void {
    const r = this.described(regnum);
    if (bytes.length !== r.bytes)
      throw new ProtocolError(`register value of ${bytes.length} bytes, expected ${r.bytes}`);
    this.store(cpu, regnum, bytes);
  }

  /** Writes every `g` register whose bytes changed (`G`); a short packet is refused. */
  writeAll(cpu: number, hex: string): void {
    const bytes = hexToBytes(hex);
    if (bytes.length < this.arch.gBytes)
      throw new ProtocolError(`G packet of ${bytes.length} bytes is too short (${this.arch.gBytes})`);
    const current = this.read(cpu);
    for (let n = 0; n < this.arch.gCount; n++) {
      const value = registerBytes(this.arch, bytes, n);
      if (!sameBytes(value, registerBytes(this.arch, current, n))) this.store(cpu, n, value);
    }
  }

  /** Sets the program counter to `linear` (the resume address of s/c). */
  writePc(cpu: number, address: number): void {
    const size = this.arch.registers[this.arch.pc]!.bytes;
    const bytes = new Uint8Array(size);
    writeLe(bytes, 0, size, address);
    this.store(cpu, this.arch.pc, bytes);
  }

  /** Stores a register; the real-mode view maps $eip and $ip onto EIP (and CS), $cs_base is read-only. */
  private store(cpu: number, regnum: number, bytes: Uint8Array): void {
    const lin = this.linearPc;
    if (lin !== null && regnum === lin.eip) this.storeLinearPc(cpu, lin.eip, readLe(bytes, 0, 4));
    else if (lin !== null && regnum === lin.ip) this.target.writeRegister(cpu, lin.eip, bytes);
    else if (regnum < this.target.arch.registers.length) this.target.writeRegister(cpu, regnum, bytes);
    else throw new ProtocolError(`register ${regnum} is computed, not writable`, ERRNO.EPERM);
  }

  /** IP = value - CS.base when that fits in 64 KiB; else CS = value's 64 KiB paragraph, IP = the rest. */
  private storeLinearPc(cpu: number, eip: number, value: number): void {
    const offset = (value - this.csBase(cpu)) >>> 0;
    if (offset <= 0xffff) {
      this.target.writeRegister(cpu, eip, le32(offset));
      return;
    }
    this.target.writeRegister(cpu, registerNumber(this.target.arch, "cs"), le32((value >>> 4) & 0xf000));
    this.target.writeRegister(cpu, eip, le32(value & 0xffff));
  }

  /** Register `regnum` of the served description; EINVAL when there is none. */
  private described(regnum: number) {
    const r = this.arch.registers[regnum];
    if (r === undefined) throw new ProtocolError(`no register ${regnum}`, ERRNO.EINVAL);
    return r;
  }

  /** Byte offset of `regnum` in the served description's buffer. */
  private offset(regnum: number): number {
    return this.arch.registers[regnum]!.offset;
  }
}

/** A 32-bit value as 4 little-endian bytes. */
function le32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  writeLe(out, 0, 4, value);
  return out;
}

/** Whether two equally long byte arrays hold the same bytes. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
