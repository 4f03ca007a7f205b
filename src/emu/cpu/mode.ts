// The mode cache: facts derived from CR0, EFLAGS.VM and the CS/SS descriptor caches that decoding
// and every memory access consult (real/protected/v86, code and stack sizes, the CS window, the
// valid offset ranges of each segment). Brought up to date by syncModes() (Cpu.updateModes) after
// any of those change: a full refreshModes() unless only CS's base moved (most far transfers);
// CPL is architectural state (CpuState.cpl) and is set here only where the mode implies it.
//
// The fields sit on the CPU object itself (ModeCache is a layer of Cpu's class chain, not an object
// Cpu points to): instruction handlers read them on every access, and one more hop per read was
// measured at 3-4% of the run loop's speed.

import {
  ATTR_CODE,
  ATTR_DB,
  ATTR_DC,
  ATTR_P,
  ATTR_RW,
  ATTR_S,
  CpuCore,
  CR0_PE,
  CR0_PG,
  CS,
  FLAG_VM,
  SS,
  UNSIGNED_FIELD,
} from "./state.ts";

export abstract class ModeCache extends CpuCore {
  /** 1 for 32-bit code, 0 for 16-bit (integers: V8 tests them faster than booleans). */
  code32 = 0;
  /** Sequential EIP wraps to this mask: 0xffff in 16-bit code (as QEMU does), else 32 bits. */
  ipMask = 0xffff;
  /** 1 when the stack segment is 32-bit (ESP), 0 for SP. */
  stack32 = 0;
  pmode = false;
  v86 = false;
  paging = false;
  csBase = 0;
  csLimit = UNSIGNED_FIELD;
  /** Largest EIP at which 15 instruction bytes stay inside the CS limit (-1 if none). */
  csFastLimit = UNSIGNED_FIELD;
  /** Valid offset ranges per segment for reads and writes (empty when unusable). */
  readonly segRLo = new Float64Array(8);
  readonly segRHi = new Float64Array(8);
  readonly segWLo = new Float64Array(8);
  readonly segWHi = new Float64Array(8);

  /**
   * The inputs the cached facts were last derived from: [0] modeInputs() (-1 before the first
   * refresh), [1 + s] segAttr[s] and [7 + s] segLimit[s] of segments 0-5.
   */
  private readonly derivedFrom = new Int32Array(13).fill(-1);

  /**
   * Brings every cached fact up to date with the architectural state; returns true if paging turned
   * on or off. When nothing but CS's base (or the selectors and other bases, which no fact derives
   * from) changed since the last refresh, as in a far transfer or an interrupt that stays in its
   * mode, only csBase is updated: the result is the same as refreshModes()'s.
   */
  protected syncModes(): boolean {
    const from = this.derivedFrom;
    const attr = this.segAttr;
    const limit = this.segLimit;
    if (from[0] === this.modeInputs()) {
      let s = 0;
      while (s < 6 && from[1 + s] === attr[s] && from[7 + s] === limit[s]) s++;
      if (s === 6) {
        this.csBase = this.segBase[CS];
        return false;
      }
    }
    return this.refreshModes();
  }

  /** Makes the next syncModes() a full refresh (after a reset or a restored snapshot). */
  protected forgetModes(): void {
    this.derivedFrom[0] = -1;
  }

  /** CR0.PE and CR0.PG, EFLAGS.VM and CPL in one number (never -1): the mode's inputs besides the segments. */
  private modeInputs(): number {
    return (this.cr0 & (CR0_PE | CR0_PG)) | (this.flags & FLAG_VM) | (this.cpl << 2);
  }

  /** Recomputes every cached fact from the architectural state; returns true if paging turned on or off. */
  protected refreshModes(): boolean {
    const pe = (this.cr0 & CR0_PE) !== 0;
    this.v86 = pe && (this.flags & FLAG_VM) !== 0;
    this.pmode = pe && !this.v86;
    const paging = pe && (this.cr0 & CR0_PG) !== 0;
    const pagingChanged = paging !== this.paging;
    this.paging = paging;
    if (this.v86) this.cpl = 3;
    else if (!pe) this.cpl = 0;
    this.code32 = !this.v86 && (this.segAttr[CS] & ATTR_DB) !== 0 ? 1 : 0;
    this.ipMask = this.code32 ? -1 : 0xffff;
    this.stack32 = !this.v86 && (this.segAttr[SS] & ATTR_DB) !== 0 ? 1 : 0;
    this.csBase = this.segBase[CS];
    this.csLimit = this.segLimit[CS] >>> 0;
    this.csFastLimit = this.csLimit >= 14 ? this.csLimit - 14 : -1;
    for (let s = 0; s < 6; s++) this.refreshSegment(s);
    this.derivedFrom[0] = this.modeInputs();
    return pagingChanged;
  }

  /** Recomputes the valid read/write offset ranges of segment `s` from its descriptor cache. */
  refreshSegment(s: number): void {
    const limit = this.segLimit[s] >>> 0;
    const attr = this.segAttr[s];
    let rlo = 0;
    let rhi = limit;
    let wlo = 0;
    let whi = limit;
    if (this.pmode) {
      const code = (attr & ATTR_CODE) !== 0;
      if ((attr & ATTR_P) === 0 || (attr & ATTR_S) === 0) {
        rlo = wlo = 1;
        rhi = whi = 0;
      } else if (code) {
        if ((attr & ATTR_RW) === 0) {
          rlo = 1;
          rhi = 0;
        }
        wlo = 1;
        whi = 0;
      } else {
        if ((attr & ATTR_DC) !== 0) {
          rlo = wlo = limit + 1;
          rhi = whi = (attr & ATTR_DB) !== 0 ? 0xffffffff : 0xffff;
        }
        if ((attr & ATTR_RW) === 0) {
          wlo = 1;
          whi = 0;
        }
      }
    }
    this.segRLo[s] = rlo;
    this.segRHi[s] = rhi;
    this.segWLo[s] = wlo;
    this.segWHi[s] = whi;
    this.derivedFrom[1 + s] = attr;
    this.derivedFrom[7 + s] = limit;
  }
}
