// A stack cursor for the multi-word frames of far calls, interrupts and returns. It works on a copy of
// SS:ESP (possibly a new stack taken from the TSS) so a frame is written or read completely before any
// register is committed: a fault half-way leaves the architectural registers untouched, as the SDM
// requires for restartable faults (SDM Vol. 3A §6.6).
import { ATTR_CODE, ATTR_DB, ATTR_DC, type CpuCore, ESP, SS } from "../state.ts";

/** A stack pointer walking a segment; modules keep their own instances (no allocation per use). */
export class StackCursor {
  /** Segment base (unsigned). */
  base = 0;
  /** Current offset (SP or ESP depending on `mask`). */
  sp = 0;
  /** 0xffff for a 16-bit stack, 0xffffffff for a 32-bit one (SS.B). */
  mask = 0xffff;
  /** Segment limit and attributes for the bound checks. */
  limit = 0;
  attr = 0;
  /** Supervisor accesses (a new inner stack) instead of accesses at the current CPL. */
  sys = false;
  /** Bound checks apply (protected and v86 mode); real mode wraps silently like QEMU. */
  checked = false;

  /** Starts at an explicit stack (base, offset, limit, attributes). */
  init(base: number, sp: number, limit: number, attr: number, sys: boolean, checked: boolean): this {
    this.base = base >>> 0;
    this.mask = attr & ATTR_DB ? 0xffffffff : 0xffff;
    this.sp = (sp & this.mask) >>> 0;
    this.limit = limit >>> 0;
    this.attr = attr;
    this.sys = sys;
    this.checked = checked;
    return this;
  }

  /** Starts at the current SS:ESP with accesses at the current CPL. */
  fromCurrent(cpu: CpuCore, checked: boolean): this {
    return this.init(cpu.segBase[SS], cpu.regs[ESP], cpu.segLimit[SS], cpu.segAttr[SS], false, checked);
  }

  /** True when `bytes` can be pushed below the current offset without leaving the segment. */
  canPush(bytes: number): boolean {
    return this.fits(((this.sp - bytes) & this.mask) >>> 0, bytes);
  }

  /** True when `bytes` can be popped from the current offset without leaving the segment. */
  canPop(bytes: number): boolean {
    return this.fits(this.sp, bytes);
  }

  /** Offsets lo..lo+bytes-1 are inside the segment (expand-up or expand-down, SDM §3.4.5.1). */
  private fits(lo: number, bytes: number): boolean {
    if (!this.checked) return true;
    const hi = lo + bytes - 1;
    if (hi > this.mask) return false;
    if ((this.attr & (ATTR_CODE | ATTR_DC)) === ATTR_DC) return lo > this.limit;
    return hi <= this.limit;
  }

  push16(cpu: CpuCore, value: number): void {
    this.sp = ((this.sp - 2) & this.mask) >>> 0;
    const lin = (this.base + this.sp) >>> 0;
    if (this.sys) cpu.writeSys16(lin, value & 0xffff);
    else cpu.writeLin16(lin, value & 0xffff);
  }

  push32(cpu: CpuCore, value: number): void {
    this.sp = ((this.sp - 4) & this.mask) >>> 0;
    const lin = (this.base + this.sp) >>> 0;
    if (this.sys) cpu.writeSys32(lin, value | 0);
    else cpu.writeLin32(lin, value | 0);
  }

  /** Pushes a 16- or 32-bit value. */
  push(cpu: CpuCore, value: number, is32: boolean): void {
    if (is32) this.push32(cpu, value);
    else this.push16(cpu, value);
  }

  pop16(cpu: CpuCore): number {
    const lin = (this.base + this.sp) >>> 0;
    this.sp = ((this.sp + 2) & this.mask) >>> 0;
    return (this.sys ? cpu.readSys16(lin) : cpu.readLin16(lin)) & 0xffff;
  }

  pop32(cpu: CpuCore): number {
    const lin = (this.base + this.sp) >>> 0;
    this.sp = ((this.sp + 4) & this.mask) >>> 0;
    return (this.sys ? cpu.readSys32(lin) : cpu.readLin32(lin)) >>> 0;
  }

  /** Pops a 16- or 32-bit value (unsigned). */
  pop(cpu: CpuCore, is32: boolean): number {
    return is32 ? this.pop32(cpu) : this.pop16(cpu);
  }

  /** Skips `bytes` (RET imm16). */
  skip(bytes: number): void {
    this.sp = ((this.sp + bytes) & this.mask) >>> 0;
  }

  /** Commits the offset to ESP: only SP changes on a 16-bit stack (SDM §6.2.3 stack-size attribute). */
  commit(cpu: CpuCore, fullEsp: number): void {
    cpu.regs[ESP] = this.mask === 0xffff ? (fullEsp & ~0xffff) | this.sp : this.sp | 0;
  }
}
