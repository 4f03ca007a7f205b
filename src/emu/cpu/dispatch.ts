// The run loop's inner part: per instruction, the checks that can end a run (a stop request, the
// budget, a deliverable interrupt, a breakpoint), then prefix decoding and a switch over the
// one-byte opcode that calls the handler (exec.ts for 0x00-0x7F, exec-hi.ts for 0x80-0xFF).
// The switch sits in the same function as the loop so V8 turns it into a jump table with direct
// calls and inlines the smallest handlers; a table of functions costs a generic call per
// instruction instead. Anything rare (faults, interrupts, traps, stops) is left to RunControl.execute.

import type { Cpu } from "./cpu.ts";
import { beginInsnSlow, fetch8, MAX_INSN } from "./decode.ts";
import {
  op0f,
  op2f,
  op3f,
  op6a,
  op6c,
  op00,
  op01,
  op02,
  op03,
  op04,
  op05,
  op06,
  op07,
  op27,
  op37,
  op40,
  op48,
  op50,
  op58,
  op60,
  op61,
  op62,
  op63,
  op68,
  op69,
  op70,
} from "./exec.ts";
import {
  op8a,
  op8b,
  op8c,
  op8d,
  op8e,
  op8f,
  op9a,
  op9b,
  op9c,
  op9d,
  op9e,
  op9f,
  op80,
  op84,
  op86,
  op88,
  op89,
  op90,
  op91,
  op98,
  op99,
  opa0,
  opa8,
  opa9,
  opb0,
  opb8,
  opc0,
  opc2,
  opc3,
  opc4,
  opc5,
  opc6,
  opc7,
  opc8,
  opc9,
  opca,
  opcb,
  opcc,
  opcd,
  opce,
  opcf,
  opDefault,
  opd4,
  opd5,
  opd6,
  opd7,
  opd8,
  ope0,
  ope4,
  ope5,
  ope6,
  ope7,
  ope8,
  ope9,
  opea,
  opeb,
  opec,
  oped,
  opee,
  opef,
  opf1,
  opf4,
  opf5,
  opf6,
  opf8,
  opfa,
  opfb,
  opfc,
  opfd,
  opfe,
  opff,
} from "./exec-hi.ts";
import { prefixes, resetPrefixes } from "./prefixes.ts";
import { FLAG_IF, FLAG_TF } from "./state.ts";

/** Why runInstructions returned: the instruction count reached the end of the budget. */
export const RUN_BUDGET = 0;
/** A stop is pending (Cpu.stopPending): take it before anything else. */
export const RUN_STOP = 1;
/** An interrupt can be delivered now. */
export const RUN_INTERRUPT = 2;
/** The next instruction has a breakpoint. */
export const RUN_BREAKPOINT = 3;
/** The instruction just retired started with EFLAGS.TF set: deliver the single-step trap. */
export const RUN_TRAP = 4;

/**
 * Executes instructions until the instruction count reaches `end` or something needs the caller.
 * `skipBp` is a linear address whose breakpoint does not fire (the one execution resumes from;
 * -1 for none). Faults propagate as CpuFault/Unimplemented with EIP not yet advanced.
 */
export function runInstructions(c: Cpu, end: number, skipBp: number): number {
  // Breakpoints change only while the CPU is stopped (a debugger sets them between runs).
  const bpMap = c.debug.bpMap;
  for (;;) {
    if (c.stopPending) return RUN_STOP;
    if (c.instructions >= end) return RUN_BUDGET;
    if (c.intrLine && (c.flags & FLAG_IF) !== 0 && c.runControl.canTakeInterrupt()) return RUN_INTERRUPT;
    const eip = c.eip;
    const lin = (c.csBase + eip) | 0;
    // Breakpoints: two reads of one array, whatever their number (see DebugPoints.bpMap).
    if (lin !== skipBp) {
      const bitmap = bpMap[lin >>> 12];
      if (bitmap !== 0 && (bpMap[bitmap + ((lin & 0xfff) >>> 5)] & (1 << (lin & 31))) !== 0)
        return RUN_BREAKPOINT;
    }
    skipBp = -1;
    const tf = c.flags & FLAG_TF;
    // The fetch window: when the longest instruction fits in the cached code page and the CS
    // limit, the bytes are read straight from the buffer; otherwise decode.ts checks every byte.
    const o = ~c.tlbR[lin >>> 12];
    if (o >= 0 && eip <= c.csFastLimit) {
      const p = lin & 0xfff;
      const s = ((o << 12) | p) >>> 0;
      c.startEip = eip;
      c.fp = s;
      c.fpStart = s;
      c.fpEnd = p <= 0x1000 - MAX_INSN ? s + MAX_INSN : s - p + 0x1000;
    } else {
      beginInsnSlow(c, lin);
    }
    if (c.prefixed) resetPrefixes(c);
    // fetch8, inlined
    let op: number;
    const fp = c.fp;
    if (fp < c.fpEnd) {
      op = c.buf[fp];
      c.fp = fp + 1;
    } else {
      op = fetch8(c);
    }
    // Prefix bytes are cases of the switch too (no test before it for the common unprefixed
    // instruction): prefixes() consumes them all, then the opcode is dispatched again.
    let again: boolean;
    do {
      again = false;
      switch (op) {
        case 0x26:
        case 0x2e:
        case 0x36:
        case 0x3e:
        case 0x64:
        case 0x65:
        case 0x66:
        case 0x67:
        case 0xf0:
        case 0xf2:
        case 0xf3:
          op = prefixes(c, op);
          again = true;
          break;
        case 0x00:
        case 0x08:
        case 0x10:
        case 0x18:
        case 0x20:
        case 0x28:
        case 0x30:
        case 0x38:
          op00(c, op);
          break;
        case 0x01:
        case 0x09:
        case 0x11:
        case 0x19:
        case 0x21:
        case 0x29:
        case 0x31:
        case 0x39:
          op01(c, op);
          break;
        case 0x02:
        case 0x0a:
        case 0x12:
        case 0x1a:
        case 0x22:
        case 0x2a:
        case 0x32:
        case 0x3a:
          op02(c, op);
          break;
        case 0x03:
        case 0x0b:
        case 0x13:
        case 0x1b:
        case 0x23:
        case 0x2b:
        case 0x33:
        case 0x3b:
          op03(c, op);
          break;
        case 0x04:
        case 0x0c:
        case 0x14:
        case 0x1c:
        case 0x24:
        case 0x2c:
        case 0x34:
        case 0x3c:
          op04(c, op);
          break;
        case 0x05:
        case 0x0d:
        case 0x15:
        case 0x1d:
        case 0x25:
        case 0x2d:
        case 0x35:
        case 0x3d:
          op05(c, op);
          break;
        case 0x06:
        case 0x0e:
        case 0x16:
        case 0x1e:
          op06(c, op);
          break;
        case 0x07:
        case 0x17:
        case 0x1f:
          op07(c, op);
          break;
        case 0x0f:
          op0f(c, op);
          break;
        case 0x27:
          op27(c, op);
          break;
        case 0x2f:
          op2f(c, op);
          break;
        case 0x37:
          op37(c, op);
          break;
        case 0x3f:
          op3f(c, op);
          break;
        case 0x40:
        case 0x41:
        case 0x42:
        case 0x43:
        case 0x44:
        case 0x45:
        case 0x46:
        case 0x47:
          op40(c, op);
          break;
        case 0x48:
        case 0x49:
        case 0x4a:
        case 0x4b:
        case 0x4c:
        case 0x4d:
        case 0x4e:
        case 0x4f:
          op48(c, op);
          break;
        case 0x50:
        case 0x51:
        case 0x52:
        case 0x53:
        case 0x54:
        case 0x55:
        case 0x56:
        case 0x57:
          op50(c, op);
          break;
        case 0x58:
        case 0x59:
        case 0x5a:
        case 0x5b:
        case 0x5c:
        case 0x5d:
        case 0x5e:
        case 0x5f:
          op58(c, op);
          break;
        case 0x60:
          op60(c, op);
          break;
        case 0x61:
          op61(c, op);
          break;
        case 0x62:
          op62(c, op);
          break;
        case 0x63:
          op63(c, op);
          break;
        case 0x68:
          op68(c, op);
          break;
        case 0x69:
        case 0x6b:
          op69(c, op);
          break;
        case 0x6a:
          op6a(c, op);
          break;
        case 0x6c:
        case 0x6d:
        case 0x6e:
        case 0x6f:
        case 0xa4:
        case 0xa5:
        case 0xa6:
        case 0xa7:
        case 0xaa:
        case 0xab:
        case 0xac:
        case 0xad:
        case 0xae:
        case 0xaf:
          op6c(c, op);
          break;
        case 0x70:
        case 0x71:
        case 0x72:
        case 0x73:
        case 0x74:
        case 0x75:
        case 0x76:
        case 0x77:
        case 0x78:
        case 0x79:
        case 0x7a:
        case 0x7b:
        case 0x7c:
        case 0x7d:
        case 0x7e:
        case 0x7f:
          op70(c, op);
          break;
        case 0x80:
        case 0x81:
        case 0x82:
        case 0x83:
          op80(c, op);
          break;
        case 0x84:
        case 0x85:
          op84(c, op);
          break;
        case 0x86:
        case 0x87:
          op86(c, op);
          break;
        case 0x88:
          op88(c, op);
          break;
        case 0x89:
          op89(c, op);
          break;
        case 0x8a:
          op8a(c, op);
          break;
        case 0x8b:
          op8b(c, op);
          break;
        case 0x8c:
          op8c(c, op);
          break;
        case 0x8d:
          op8d(c, op);
          break;
        case 0x8e:
          op8e(c, op);
          break;
        case 0x8f:
          op8f(c, op);
          break;
        case 0x90:
          op90(c, op);
          break;
        case 0x91:
        case 0x92:
        case 0x93:
        case 0x94:
        case 0x95:
        case 0x96:
        case 0x97:
          op91(c, op);
          break;
        case 0x98:
          op98(c, op);
          break;
        case 0x99:
          op99(c, op);
          break;
        case 0x9a:
          op9a(c, op);
          break;
        case 0x9b:
          op9b(c, op);
          break;
        case 0x9c:
          op9c(c, op);
          break;
        case 0x9d:
          op9d(c, op);
          break;
        case 0x9e:
          op9e(c, op);
          break;
        case 0x9f:
          op9f(c, op);
          break;
        case 0xa0:
        case 0xa1:
        case 0xa2:
        case 0xa3:
          opa0(c, op);
          break;
        case 0xa8:
          opa8(c, op);
          break;
        case 0xa9:
          opa9(c, op);
          break;
        case 0xb0:
        case 0xb1:
        case 0xb2:
        case 0xb3:
        case 0xb4:
        case 0xb5:
        case 0xb6:
        case 0xb7:
          opb0(c, op);
          break;
        case 0xb8:
        case 0xb9:
        case 0xba:
        case 0xbb:
        case 0xbc:
        case 0xbd:
        case 0xbe:
        case 0xbf:
          opb8(c, op);
          break;
        case 0xc0:
        case 0xc1:
        case 0xd0:
        case 0xd1:
        case 0xd2:
        case 0xd3:
          opc0(c, op);
          break;
        case 0xc2:
          opc2(c, op);
          break;
        case 0xc3:
          opc3(c, op);
          break;
        case 0xc4:
          opc4(c, op);
          break;
        case 0xc5:
          opc5(c, op);
          break;
        case 0xc6:
          opc6(c, op);
          break;
        case 0xc7:
          opc7(c, op);
          break;
        case 0xc8:
          opc8(c, op);
          break;
        case 0xc9:
          opc9(c, op);
          break;
        case 0xca:
          opca(c, op);
          break;
        case 0xcb:
          opcb(c, op);
          break;
        case 0xcc:
          opcc(c, op);
          break;
        case 0xcd:
          opcd(c, op);
          break;
        case 0xce:
          opce(c, op);
          break;
        case 0xcf:
          opcf(c, op);
          break;
        case 0xd4:
          opd4(c, op);
          break;
        case 0xd5:
          opd5(c, op);
          break;
        case 0xd6:
          opd6(c, op);
          break;
        case 0xd7:
          opd7(c, op);
          break;
        case 0xd8:
        case 0xd9:
        case 0xda:
        case 0xdb:
        case 0xdc:
        case 0xdd:
        case 0xde:
        case 0xdf:
          opd8(c, op);
          break;
        case 0xe0:
        case 0xe1:
        case 0xe2:
        case 0xe3:
          ope0(c, op);
          break;
        case 0xe4:
          ope4(c, op);
          break;
        case 0xe5:
          ope5(c, op);
          break;
        case 0xe6:
          ope6(c, op);
          break;
        case 0xe7:
          ope7(c, op);
          break;
        case 0xe8:
          ope8(c, op);
          break;
        case 0xe9:
          ope9(c, op);
          break;
        case 0xea:
          opea(c, op);
          break;
        case 0xeb:
          opeb(c, op);
          break;
        case 0xec:
          opec(c, op);
          break;
        case 0xed:
          oped(c, op);
          break;
        case 0xee:
          opee(c, op);
          break;
        case 0xef:
          opef(c, op);
          break;
        case 0xf1:
          opf1(c, op);
          break;
        case 0xf4:
          opf4(c, op);
          break;
        case 0xf5:
          opf5(c, op);
          break;
        case 0xf6:
        case 0xf7:
          opf6(c, op);
          break;
        case 0xf8:
        case 0xf9:
          opf8(c, op);
          break;
        case 0xfa:
          opfa(c, op);
          break;
        case 0xfb:
          opfb(c, op);
          break;
        case 0xfc:
          opfc(c, op);
          break;
        case 0xfd:
          opfd(c, op);
          break;
        case 0xfe:
          opfe(c, op);
          break;
        case 0xff:
          opff(c, op);
          break;
        default:
          opDefault(c, op);
      }
    } while (again);
    c.eip = ((c.eip + (c.fp - c.fpStart)) & c.ipMask) >>> 0;
    c.instructions++;
    if (tf !== 0) return RUN_TRAP;
  }
}
