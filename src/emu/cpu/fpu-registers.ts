// The x87 and SSE register file (Intel SDM vol. 1, 8.1 and 10.2): storage only, owned by the CPU.
// No instruction uses it yet; the debugger reads and writes it, and the x87/SSE units will execute on
// it. Data registers are kept physically (R0-R7, 80-bit extended reals as 10 little-endian bytes);
// ST(i) is R((TOP + i) mod 8) with TOP in FSW bits 11-13, as the hardware does.

/** FCW after FNINIT: all exceptions masked, 64-bit precision, round to nearest. */
export const FCW_INIT = 0x037f;
/** FTW after FNINIT (full tag word, as FSTENV stores it): every register empty. */
export const FTW_ALL_EMPTY = 0xffff;
/** MXCSR at power-on and reset: all SIMD exceptions masked. */
export const MXCSR_RESET = 0x1f80;
/** FSW.TOP: the physical register that is ST(0). */
export const FSW_TOP_SHIFT = 11;
export const FSW_TOP_MASK = 7 << FSW_TOP_SHIFT;
/** Bytes of one x87 data register and of one XMM register. */
export const X87_REG_BYTES = 10;
export const XMM_REG_BYTES = 16;

/** x87 data, control and pointer registers, XMM0-7 and MXCSR. */
export class FpuRegisters {
  /** R0-R7, 10 bytes each (significand in bytes 0-7, sign and exponent in bytes 8-9). */
  readonly data = new Uint8Array(8 * X87_REG_BYTES);
  /** Control word (FCW). */
  fcw = FCW_INIT;
  /** Status word (FSW), TOP included. */
  fsw = 0;
  /** Tag word (FTW), two bits per physical register: 00 valid, 01 zero, 10 special, 11 empty. */
  ftw = FTW_ALL_EMPTY;
  /** Last instruction's CS selector and offset (FCS:FIP) and opcode (FOP, 11 bits). */
  fcs = 0;
  fip = 0;
  fop = 0;
  /** Last memory operand's DS selector and offset (FDS:FDP). */
  fds = 0;
  fdp = 0;
  /** XMM0-XMM7, 16 bytes each, little-endian. */
  readonly xmm = new Uint8Array(8 * XMM_REG_BYTES);
  mxcsr = MXCSR_RESET;

  /** FNINIT: control, status, tag and pointer registers to their initial values; data kept. */
  init(): void {
    this.fcw = FCW_INIT;
    this.fsw = 0;
    this.ftw = FTW_ALL_EMPTY;
    this.fcs = 0;
    this.fip = 0;
    this.fop = 0;
    this.fds = 0;
    this.fdp = 0;
  }

  /** Power-on / RESET (SDM table 9-1): FNINIT state with zeroed data, XMM cleared, MXCSR reset. */
  reset(): void {
    this.init();
    this.data.fill(0);
    this.xmm.fill(0);
    this.mxcsr = MXCSR_RESET;
  }

  /** The physical register number of ST(i). */
  physical(i: number): number {
    return (((this.fsw & FSW_TOP_MASK) >> FSW_TOP_SHIFT) + i) & 7;
  }
}
