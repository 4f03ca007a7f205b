// The run loop's inner part: per instruction, the checks that can end a run (a stop request, the
// budget, a deliverable interrupt, a breakpoint), then prefix decoding and a switch over the
// one-byte opcode that calls the handler (exec.ts for 0x00-0x7F, exec-hi.ts for 0x80-0xFF; each
// named for its instruction and operand forms in the SDM's notation: Eb/Ev r/m, Gb/Gv register,
// Ib/Iz immediate). The switch sits in the same function as the loop so V8 turns it into a jump
// table with direct calls and inlines the smallest handlers; a table of functions costs a generic
// call per instruction instead. Anything rare (faults, interrupts, traps, stops) is left to
// RunControl.execute.
//
// Opcodes rare in hot code have a second switch (dispatchRare), the first one's default case. V8
// compiles a call whose site has never run as a deoptimization: every opcode a guest first runs after
// runInstructions was optimized threw the whole loop's code away and compiled it again (SeaBIOS's
// boot to the MBR did so 7 times in a fresh process, each compile 40-300 ms of CPU, with the loop
// in slower code meanwhile, first seeing CWD, CLI, MUL/DIV, byte INC/DEC, segment pushes after
// 200,000 instructions). A first opcode of dispatchRare now recompiles only that small function;
// its instructions pay one more call.
//
// Handlers fetch their ModRM, SIB, displacement and immediate bytes as they need them rather than
// reading a record decoder.ts filled first: decoding each instruction into a DecodedInsn before
// dispatch measured about 12 ns per instruction on the CPU benchmark's interpreter run, where a whole
// interpreted instruction takes about 21 ns: more than the lazy fetches it would replace. Hot code
// is decoded once by the translator (jit/), which reuses its blocks; decoder.ts's table is the
// reference for lengths, and test/emu/cpu/dispatch.test.ts checks every opcode of both maps against it.

import type { Cpu } from "./cpu.ts";
import { beginInsnSlow, fetch8, MAX_INSN } from "./decode.ts";
import {
  aaaAl,
  aasAl,
  aluAlIb,
  aluAxIz,
  aluEbGb,
  aluEvGv,
  aluGbEb,
  aluGvEv,
  arplEwGw,
  boundGvMa,
  daaAl,
  dasAl,
  decReg,
  escape0f,
  imulGvEvI,
  incReg,
  jccJb,
  popAll,
  popReg,
  popSreg,
  pushAll,
  pushIb,
  pushIz,
  pushReg,
  pushSreg,
  stringInsn,
} from "./exec.ts";
import {
  aadIb,
  aamIb,
  callAp,
  callJz,
  cbwCwde,
  clcStc,
  cld,
  clearIf,
  cmc,
  cwdCdq,
  enterIwIb,
  escapeX87,
  group1EI,
  group2E,
  group3E,
  group4Eb,
  group5Ev,
  hlt,
  icebp,
  inAlDx,
  inAlIb,
  inAxDx,
  inAxIb,
  int3,
  interruptReturn,
  intIb,
  into,
  invalidOpcode,
  jmpAp,
  jmpJb,
  jmpJz,
  lahf,
  ldsGvMp,
  leaGvM,
  leaveFrame,
  lesGvMp,
  loopJb,
  movAccMoffs,
  movEbGb,
  movEbIb,
  movEvGv,
  movEvIz,
  movEwSreg,
  movGbEb,
  movGvEv,
  movRegIb,
  movRegIv,
  movSregEw,
  nop,
  outDxAl,
  outDxAx,
  outIbAl,
  outIbAx,
  popEv,
  popFlags,
  pushFlags,
  ret,
  retf,
  retfIw,
  retIw,
  sahf,
  salc,
  setIf,
  std,
  testAlIb,
  testAxIz,
  testEG,
  waitFpu,
  xchgAxReg,
  xchgEG,
  xlat,
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
 * -1 for none). With `toBranch` it also returns RUN_BUDGET after an instruction that moved EIP
 * other than to the next instruction (a jump, call, return, INT or far transfer; not a REP string
 * repeating): the end of a basic block, where the translator's run loop looks for a block to run.
 * Faults propagate as CpuFault/Unimplemented with EIP not yet advanced.
 */
export function runInstructions(c: Cpu, end: number, skipBp: number, toBranch = false): number {
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
    // Every transfer of control sets fpStart to the fetch position (decode.ts jumpTo/commitEip).
    const sequential = c.fpStart;
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
          aluEbGb(c, op);
          break;
        case 0x01:
        case 0x09:
        case 0x11:
        case 0x19:
        case 0x21:
        case 0x29:
        case 0x31:
        case 0x39:
          aluEvGv(c, op);
          break;
        case 0x02:
        case 0x0a:
        case 0x12:
        case 0x1a:
        case 0x22:
        case 0x2a:
        case 0x32:
        case 0x3a:
          aluGbEb(c, op);
          break;
        case 0x03:
        case 0x0b:
        case 0x13:
        case 0x1b:
        case 0x23:
        case 0x2b:
        case 0x33:
        case 0x3b:
          aluGvEv(c, op);
          break;
        case 0x04:
        case 0x0c:
        case 0x14:
        case 0x1c:
        case 0x24:
        case 0x2c:
        case 0x34:
        case 0x3c:
          aluAlIb(c, op);
          break;
        case 0x05:
        case 0x0d:
        case 0x15:
        case 0x1d:
        case 0x25:
        case 0x2d:
        case 0x35:
        case 0x3d:
          aluAxIz(c, op);
          break;
        case 0x0f:
          escape0f(c, op);
          break;
        case 0x40:
        case 0x41:
        case 0x42:
        case 0x43:
        case 0x44:
        case 0x45:
        case 0x46:
        case 0x47:
          incReg(c, op);
          break;
        case 0x48:
        case 0x49:
        case 0x4a:
        case 0x4b:
        case 0x4c:
        case 0x4d:
        case 0x4e:
        case 0x4f:
          decReg(c, op);
          break;
        case 0x50:
        case 0x51:
        case 0x52:
        case 0x53:
        case 0x54:
        case 0x55:
        case 0x56:
        case 0x57:
          pushReg(c, op);
          break;
        case 0x58:
        case 0x59:
        case 0x5a:
        case 0x5b:
        case 0x5c:
        case 0x5d:
        case 0x5e:
        case 0x5f:
          popReg(c, op);
          break;
        case 0x68:
          pushIz(c, op);
          break;
        case 0x69:
        case 0x6b:
          imulGvEvI(c, op);
          break;
        case 0x6a:
          pushIb(c, op);
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
          stringInsn(c, op);
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
          jccJb(c, op);
          break;
        case 0x80:
        case 0x81:
        case 0x82:
        case 0x83:
          group1EI(c, op);
          break;
        case 0x84:
        case 0x85:
          testEG(c, op);
          break;
        case 0x86:
        case 0x87:
          xchgEG(c, op);
          break;
        case 0x88:
          movEbGb(c, op);
          break;
        case 0x89:
          movEvGv(c, op);
          break;
        case 0x8a:
          movGbEb(c, op);
          break;
        case 0x8b:
          movGvEv(c, op);
          break;
        case 0x8c:
          movEwSreg(c, op);
          break;
        case 0x8d:
          leaGvM(c, op);
          break;
        case 0x8e:
          movSregEw(c, op);
          break;
        case 0x8f:
          popEv(c, op);
          break;
        case 0x90:
          nop(c, op);
          break;
        case 0x91:
        case 0x92:
        case 0x93:
        case 0x94:
        case 0x95:
        case 0x96:
        case 0x97:
          xchgAxReg(c, op);
          break;
        case 0x9c:
          pushFlags(c, op);
          break;
        case 0x9d:
          popFlags(c, op);
          break;
        case 0xa0:
        case 0xa1:
        case 0xa2:
        case 0xa3:
          movAccMoffs(c, op);
          break;
        case 0xa8:
          testAlIb(c, op);
          break;
        case 0xa9:
          testAxIz(c, op);
          break;
        case 0xb0:
        case 0xb1:
        case 0xb2:
        case 0xb3:
        case 0xb4:
        case 0xb5:
        case 0xb6:
        case 0xb7:
          movRegIb(c, op);
          break;
        case 0xb8:
        case 0xb9:
        case 0xba:
        case 0xbb:
        case 0xbc:
        case 0xbd:
        case 0xbe:
        case 0xbf:
          movRegIv(c, op);
          break;
        case 0xc0:
        case 0xc1:
        case 0xd0:
        case 0xd1:
        case 0xd2:
        case 0xd3:
          group2E(c, op);
          break;
        case 0xc2:
          retIw(c, op);
          break;
        case 0xc3:
          ret(c, op);
          break;
        case 0xc6:
          movEbIb(c, op);
          break;
        case 0xc7:
          movEvIz(c, op);
          break;
        case 0xc9:
          leaveFrame(c, op);
          break;
        case 0xe0:
        case 0xe1:
        case 0xe2:
        case 0xe3:
          loopJb(c, op);
          break;
        case 0xe8:
          callJz(c, op);
          break;
        case 0xe9:
          jmpJz(c, op);
          break;
        case 0xeb:
          jmpJb(c, op);
          break;
        case 0xf8:
        case 0xf9:
          clcStc(c, op);
          break;
        case 0xfc:
          cld(c, op);
          break;
        case 0xfd:
          std(c, op);
          break;
        case 0xff:
          group5Ev(c, op);
          break;
        default:
          dispatchRare(c, op);
      }
    } while (again);
    c.eip = ((c.eip + (c.fp - c.fpStart)) & c.ipMask) >>> 0;
    c.instructions++;
    if (tf !== 0) return RUN_TRAP;
    if (toBranch && c.fpStart !== sequential) return RUN_BUDGET;
  }
}

/**
 * The one-byte opcodes rare in hot code (segment pushes and pops, BCD, far transfers, interrupts,
 * port I/O, x87, flag and mode instructions, MUL/DIV and their group, byte INC/DEC): the default
 * case of runInstructions' switch. See the header for why they have a switch of their own.
 */
function dispatchRare(c: Cpu, op: number): void {
  switch (op) {
    case 0x06:
    case 0x0e:
    case 0x16:
    case 0x1e:
      pushSreg(c, op);
      break;
    case 0x07:
    case 0x17:
    case 0x1f:
      popSreg(c, op);
      break;
    case 0x27:
      daaAl(c, op);
      break;
    case 0x2f:
      dasAl(c, op);
      break;
    case 0x37:
      aaaAl(c, op);
      break;
    case 0x3f:
      aasAl(c, op);
      break;
    case 0x60:
      pushAll(c, op);
      break;
    case 0x61:
      popAll(c, op);
      break;
    case 0x62:
      boundGvMa(c, op);
      break;
    case 0x63:
      arplEwGw(c, op);
      break;
    case 0x98:
      cbwCwde(c, op);
      break;
    case 0x99:
      cwdCdq(c, op);
      break;
    case 0x9a:
      callAp(c, op);
      break;
    case 0x9b:
      waitFpu(c, op);
      break;
    case 0x9e:
      sahf(c, op);
      break;
    case 0x9f:
      lahf(c, op);
      break;
    case 0xc4:
      lesGvMp(c, op);
      break;
    case 0xc5:
      ldsGvMp(c, op);
      break;
    case 0xc8:
      enterIwIb(c, op);
      break;
    case 0xca:
      retfIw(c, op);
      break;
    case 0xcb:
      retf(c, op);
      break;
    case 0xcc:
      int3(c, op);
      break;
    case 0xcd:
      intIb(c, op);
      break;
    case 0xce:
      into(c, op);
      break;
    case 0xcf:
      interruptReturn(c, op);
      break;
    case 0xd4:
      aamIb(c, op);
      break;
    case 0xd5:
      aadIb(c, op);
      break;
    case 0xd6:
      salc(c, op);
      break;
    case 0xd7:
      xlat(c, op);
      break;
    case 0xd8:
    case 0xd9:
    case 0xda:
    case 0xdb:
    case 0xdc:
    case 0xdd:
    case 0xde:
    case 0xdf:
      escapeX87(c, op);
      break;
    case 0xe4:
      inAlIb(c, op);
      break;
    case 0xe5:
      inAxIb(c, op);
      break;
    case 0xe6:
      outIbAl(c, op);
      break;
    case 0xe7:
      outIbAx(c, op);
      break;
    case 0xea:
      jmpAp(c, op);
      break;
    case 0xec:
      inAlDx(c, op);
      break;
    case 0xed:
      inAxDx(c, op);
      break;
    case 0xee:
      outDxAl(c, op);
      break;
    case 0xef:
      outDxAx(c, op);
      break;
    case 0xf1:
      icebp(c, op);
      break;
    case 0xf4:
      hlt(c, op);
      break;
    case 0xf5:
      cmc(c, op);
      break;
    case 0xf6:
    case 0xf7:
      group3E(c, op);
      break;
    case 0xfa:
      clearIf(c, op);
      break;
    case 0xfb:
      setIf(c, op);
      break;
    case 0xfe:
      group4Eb(c, op);
      break;
    default:
      invalidOpcode(c, op);
  }
}
