// Legacy prefix decoding (segment overrides, operand/address size, LOCK, REP/REPNE in any order
// and number) and LOCK validation: #UD unless the instruction is lockable with a memory destination.

import type { Cpu } from "./cpu.ts";
import { decodeCurrent, fetch8 } from "./decode.ts";
import { DecodedInsn, lockable } from "./decoder.ts";
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
        if (c.lock) checkLock(c);
        return op;
    }
    op = fetch8(c);
  }
}

/** #UD unless the instruction being decoded is one LOCK may prefix. */
function checkLock(c: Cpu): void {
  decodeCurrent(c, locked);
  if (!lockable(locked)) c.raise(EXC_UD);
}

/** The LOCK-prefixed instruction being validated. */
const locked = new DecodedInsn();
