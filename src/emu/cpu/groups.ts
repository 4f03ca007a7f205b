// Opcode groups selected by the ModRM reg field: F6/F7 (TEST, NOT, NEG, MUL, IMUL, DIV, IDIV),
// FE (INC/DEC Eb), FF (INC, DEC, CALL, JMP near/far, PUSH) and the LOOP family.

import { dec, inc, logicFlags, mulDiv, neg } from "./alu.ts";
import { callFar, callNear, jumpFar } from "./control.ts";
import type { Cpu } from "./cpu.ts";
import { commitEip, fetch8, fetch8s, fetch16, fetch32, jumpTo } from "./decode.ts";
import { cond } from "./flags.ts";
import { getE, memEA, probeE, pushV, readMem, setE, vsize } from "./operands.ts";
import { ECX, EXC_UD } from "./state.ts";

/** F6/F7: TEST, NOT, NEG, MUL, IMUL, DIV, IDIV on Eb/Ev. */
export function group3(c: Cpu, sz: number): void {
  const m = fetch8(c);
  const k = (m >> 3) & 7;
  const mask = sz === 1 ? 0xff : sz === 2 ? 0xffff : 0xffffffff;
  const v = getE(c, m, sz);
  switch (k) {
    case 0:
    case 1: {
      const imm = sz === 1 ? fetch8(c) : sz === 2 ? fetch16(c) : fetch32(c);
      logicFlags(c, v & imm, mask);
      return;
    }
    case 2:
      probeE(c, m, sz);
      setE(c, m, sz, ~v);
      return;
    case 3:
      probeE(c, m, sz);
      setE(c, m, sz, neg(c, v, mask));
      return;
    default:
      mulDiv(c, k, v, sz);
  }
}

/** FF: INC, DEC, CALL near/far, JMP near/far, PUSH Ev. */
export function group5(c: Cpu): void {
  const m = fetch8(c);
  const k = (m >> 3) & 7;
  const sz = vsize(c);
  switch (k) {
    case 0:
    case 1: {
      const v = getE(c, m, sz);
      const mask = sz === 4 ? 0xffffffff : 0xffff;
      probeE(c, m, sz);
      setE(c, m, sz, k === 0 ? inc(c, v, mask) : dec(c, v, mask));
      return;
    }
    case 2: {
      const t = getE(c, m, sz);
      commitEip(c);
      callNear(c, t);
      return;
    }
    case 4: {
      const t = getE(c, m, sz);
      commitEip(c);
      jumpTo(c, t);
      return;
    }
    case 3:
    case 5: {
      const off = memEA(c, m);
      const seg = c.eaSeg;
      const target = readMem(c, seg, off, sz);
      const sel = readMem(c, seg, c.a32 ? (off + sz) >>> 0 : (off + sz) & 0xffff, 2);
      if (k === 3) callFar(c, sel, target);
      else jumpFar(c, sel, target);
      return;
    }
    case 6:
      pushV(c, getE(c, m, sz));
      return;
    default:
      c.raise(EXC_UD);
  }
}

/** LOOPNE/LOOPE/LOOP/JCXZ (E0-E3): the address size selects CX or ECX. */
export function loopInsn(c: Cpu, op: number): void {
  const regs = c.regs;
  const disp = fetch8s(c);
  let take: boolean;
  if (op === 0xe3) {
    take = (c.a32 ? regs[ECX] : c.r16[ECX << 1]) === 0;
  } else {
    let n: number;
    if (c.a32) n = regs[ECX] = regs[ECX] - 1;
    else n = c.r16[ECX << 1] = c.r16[ECX << 1] - 1;
    take = n !== 0 && (op === 0xe2 || (op === 0xe1) === cond(c, 4));
  }
  if (take) {
    commitEip(c);
    jumpTo(c, c.eip + disp);
  }
}

/** FE: INC/DEC Eb. */
export function group4(c: Cpu): void {
  const m = fetch8(c);
  const k = (m >> 3) & 7;
  if (k > 1) c.raise(EXC_UD);
  const v = getE(c, m, 1);
  probeE(c, m, 1);
  setE(c, m, 1, k === 0 ? inc(c, v, 0xff) : dec(c, v, 0xff));
}
