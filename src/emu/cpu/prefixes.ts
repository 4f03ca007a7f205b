// Legacy prefix decoding (segment overrides, operand/address size, LOCK, REP/REPNE in any order
// and number) and LOCK validation: #UD unless the instruction is lockable with a memory destination.

import type { Cpu } from "./cpu.ts";
import { fetch8, peek8 } from "./decode.ts";
import { CS, DS, ES, EXC_UD, FS, GS, SS } from "./state.ts";

/** Restores the no-prefix decoding state after an instruction that had prefixes. */
export function resetPrefixes(c: Cpu): void {
  c.prefixed = false;
  c.o32 = c.code32;
  c.a32 = c.code32;
  c.segOvr = -1;
  c.rep = 0;
  c.lock = false;
}

/** Consumes prefix bytes starting with `op`; returns the opcode. Validates LOCK. */
export function prefixes(c: Cpu, op: number): number {
  c.prefixed = true;
  for (;;) {
    switch (op) {
      case 0x26:
        c.segOvr = ES;
        break;
      case 0x2e:
        c.segOvr = CS;
        break;
      case 0x36:
        c.segOvr = SS;
        break;
      case 0x3e:
        c.segOvr = DS;
        break;
      case 0x64:
        c.segOvr = FS;
        break;
      case 0x65:
        c.segOvr = GS;
        break;
      case 0x66:
        c.o32 = c.code32 ^ 1;
        break;
      case 0x67:
        c.a32 = c.code32 ^ 1;
        break;
      case 0xf0:
        c.lock = true;
        break;
      case 0xf2:
      case 0xf3:
        c.rep = op;
        break;
      default:
        if (c.lock) checkLock(c, op);
        return op;
    }
    op = fetch8(c);
  }
}

/** #UD unless `op` (with its ModRM) is a lockable instruction with a memory destination. */
function checkLock(c: Cpu, op: number): void {
  const save = c.fp;
  let ok = false;
  if (op === 0x0f) {
    const op2 = fetch8(c);
    const m = fetch8(c);
    const reg = (m >> 3) & 7;
    ok =
      m < 0xc0 &&
      (op2 === 0xab ||
        op2 === 0xb3 ||
        op2 === 0xbb ||
        op2 === 0xb0 ||
        op2 === 0xb1 ||
        op2 === 0xc0 ||
        op2 === 0xc1 ||
        (op2 === 0xba && reg >= 5) ||
        (op2 === 0xc7 && reg === 1) ||
        // QEMU 7.2 ignores LOCK on LDMXCSR, STMXCSR, the 0F 18 hints and MOVNTI (the SDM: #UD).
        (op2 === 0xae && (reg === 2 || reg === 3)) ||
        op2 === 0x18 ||
        op2 === 0xc3);
  } else {
    const m = peek8(c) >= 0 ? peek8(c) : fetch8(c);
    const reg = (m >> 3) & 7;
    if (m < 0xc0) {
      if (op < 0x40 && (op & 7) < 2 && op !== 0x38 && op !== 0x39) ok = true;
      else if (op >= 0x80 && op <= 0x83) ok = reg !== 7;
      else if (op === 0x86 || op === 0x87) ok = true;
      else if (op === 0xf6 || op === 0xf7) ok = reg === 2 || reg === 3;
      else if (op === 0xfe) ok = reg < 2;
      else if (op === 0xff) ok = reg < 2;
    }
  }
  c.fp = save;
  if (!ok) c.raise(EXC_UD);
}
