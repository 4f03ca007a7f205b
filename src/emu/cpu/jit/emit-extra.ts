// More instructions for the translator: the ones translate.ts's emit() leaves to the interpreter
// that the Linux boot and the per-mode benchmarks run most (counted by opcode: RDTSC, string
// instructions without REP, LEAVE, PUSH/CALL/JMP Ev, PUSHF, PUSH Sreg, the flag-bit instructions,
// RET imm16, far CALL/JMP/RET, INT n, IRET, BT/BTS/BTR/BTC, BSF/BSR, SHLD/SHRD, XADD, CMPXCHG,
// CMPXCHG8B, BSWAP). Each generates what the
// interpreter's handler does (exec-hi.ts, exec-0f.ts, string-ops.ts, control.ts), in its order of
// reads, write probes, flag updates and writes, calling the same helpers (alu.ts, flags.ts,
// access.ts, system/) or codegen.ts's inline equivalents of them. The contract is emit()'s: code
// that may fault or touch memory says `memory`, code that leaves the block says `ends`.

import { SAHF_MASK, shiftDouble } from "../alu.ts";
import { type DecodedInsn, OP_0F } from "../decoder.ts";
import { LZ_ADD, LZ_LOGIC, LZ_SUB, materialize, setCF, setZF } from "../flags.ts";
import { DS, EBP, ES, ESP, FLAG_CF, FLAG_DF, FLAG_RF, FLAG_VM, SS } from "../state.ts";
import { farCall, farJump, farReturn, interrupt, interruptReturn, rdtsc } from "../system/index.ts";
import { EXIT_OTHER, EXIT_RETURN } from "./code-cache.ts";
import {
  aluExpr,
  CMP,
  type Emitted,
  eaExpr,
  known,
  load,
  maskOf,
  push,
  regExpr,
  store,
  testExpr,
} from "./codegen.ts";

/** ALU_ADD (group 1 member 0): XADD's operation. */
const ADD = 0;
/** 0F BA's members 4-7 are BT, BTS, BTR, BTC; below that it is #UD. */
const GROUP8_FIRST = 4;

/**
 * The helpers the code generated here calls besides translate.ts's own (probeWrite, rdM32, wrM32,
 * ...), bound into every block with them.
 */
export const EXTRA_HELPERS = {
  farCall,
  farJump,
  farReturn,
  interrupt,
  interruptReturn,
  materialize,
  rdtsc,
  setCF,
  setZF,
  shiftDouble,
};

/** `d`'s register `r` of `size` bytes as a signed int32 value (a BT bit offset). */
function signedReg(r: number, size: number): string {
  return size === 4 ? `regs[${r}]` : `((r16[${r << 1}] << 16) >> 16)`;
}

/** An offset expression wrapped to the address size. */
function wrap(a32: number, e: string): string {
  return a32 ? `((${e}) >>> 0)` : `((${e}) & 0xffff)`;
}

/** A string instruction's index register (ESI 6 / EDI 7) by address size, and its step by `delta`. */
function index(a32: number, r: number): string {
  return a32 ? `(regs[${r}] >>> 0)` : `r16[${r << 1}]`;
}
function step(a32: number, r: number, delta: string): string {
  return a32 ? `regs[${r}] = regs[${r}] + ${delta};` : `r16[${r << 1}] = r16[${r << 1}] + ${delta};`;
}

/**
 * String instruction `op` (0xA4-0xA7, 0xAA-0xAF) without REP, as string-ops.ts once() runs it:
 * the source through DS or the override, the destination through ES, the step by EFLAGS.DF read
 * when it runs. CMPS/SCAS compare inline (their flags known() to a following branch).
 */
function stringOnce(d: DecodedInsn, vs: number, flags: number): Emitted {
  const op = d.op;
  const size = (op & 1) === 0 ? 1 : vs;
  const seg = d.segOvr >= 0 ? d.segOvr : DS;
  const si = index(d.a32, 6);
  const di = index(d.a32, 7);
  const delta = `const dl = (c.flags & ${FLAG_DF}) !== 0 ? ${-size} : ${size};`;
  const acc = regExpr(0, size);
  let body: string;
  let after = flags;
  if (op <= 0xa5)
    body = `const v = ${load(size, seg, si)}; ${store(size, ES, di, "v")} ${step(d.a32, 6, "dl")} ${step(d.a32, 7, "dl")}`;
  else if (op <= 0xa7) {
    body = `const a = ${load(size, seg, si)}; const b = ${load(size, ES, di)}; ${aluExpr(CMP, "a", "b", size)}; ${step(d.a32, 6, "dl")} ${step(d.a32, 7, "dl")}`;
    after = known(LZ_SUB, size);
  } else if (op <= 0xab) body = `${store(size, ES, di, acc)} ${step(d.a32, 7, "dl")}`;
  else if (op <= 0xad) body = `${acc} = ${load(size, seg, si)}; ${step(d.a32, 6, "dl")}`;
  else {
    body = `const b = ${load(size, ES, di)}; ${aluExpr(CMP, acc, "b", size)}; ${step(d.a32, 7, "dl")}`;
    after = known(LZ_SUB, size);
  }
  return { code: `{ ${delta} ${body} }`, memory: true, ends: false, flags: after };
}

/**
 * BT/BTS/BTR/BTC (`kind` 0-3) as exec-0f.ts bitOp: CF the selected bit (other flags kept); a
 * register bit offset on memory is signed and moves the address by whole operands; an immediate
 * one is taken modulo the width. Memory: read, probe the write, CF, write.
 */
function bitOp(d: DecodedInsn, kind: number, imm: boolean, vs: number): Emitted {
  const bits = vs * 8;
  const shiftBits = vs === 4 ? 5 : 4;
  const change = (v: string, b: string) =>
    kind === 1 ? `${v} | (1 << ${b})` : kind === 2 ? `${v} & ~(1 << ${b})` : `${v} ^ (1 << ${b})`;
  const raw = imm ? String(d.imm & 0xff) : signedReg(d.reg, vs);
  if (d.mod === 3) {
    const r = regExpr(d.rm, vs);
    const set = kind === 0 ? "" : ` ${r} = ${change(r, "b")};`;
    return {
      code: `{ const b = ${raw} & ${bits - 1}; setCF(c, (${r} >>> b) & 1);${set} }`,
      memory: false,
      ends: false,
    };
  }
  const seg = d.eaSeg;
  const off = imm ? eaExpr(d) : wrap(d.a32, `${eaExpr(d)} + ((${raw} >> ${shiftBits}) * ${vs})`);
  const probe = kind === 0 ? "" : ` probeWrite(c, ${seg}, o, ${vs});`;
  const write = kind === 0 ? "" : ` ${store(vs, seg, "o", change("v", "b"))}`;
  return {
    code: `{ const b = ${raw} & ${bits - 1}; const o = ${off}; const v = ${load(vs, seg, "o")};${probe} setCF(c, (v >>> b) & 1);${write} }`,
    memory: true,
    ends: false,
  };
}

/**
 * A far CALL/JMP/RET, INT n or IRET by the system layer's `call` (system/index.ts), which sees EIP
 * at the next instruction `ne` as control.ts gives it and may change CS, the mode, IF and TF: the
 * block ends through the run loop's full lookup (EXIT_OTHER).
 */
function farTransfer(call: string, ne: number, k: number): Emitted {
  return {
    code: `c.eip = ${ne}; ${call}; c.instructions = i0 + ${k + 1}; return ${EXIT_OTHER};`,
    memory: true,
    ends: true,
  };
}

/**
 * Code for `d` (see translate.ts emit(): the same arguments and result) when emit() has none, or
 * null when the interpreter runs it. LOCK forms stay with the interpreter.
 */
export function emitExtra(
  d: DecodedInsn,
  ne: number,
  k: number,
  _eip0: number,
  _cmov: boolean,
  stack32: number,
  flags: number,
): Emitted | null {
  if (d.lock) return null;
  const op = d.op;
  const vs = d.o32 ? 4 : 2;
  const mem = d.modrm >= 0 && d.mod !== 3;
  const seg = d.eaSeg;
  if (op >= 0xa4 && op <= 0xaf && op !== 0xa8 && op !== 0xa9)
    return d.rep === 0 ? stringOnce(d, vs, flags) : null;
  if (d.rep !== 0) return null;
  switch (op) {
    case OP_0F + 0x31:
      // RDTSC: the count is set before it (memory), so the TSC it reads is the interpreter's.
      return { code: "rdtsc(c);", memory: true, ends: false, flags };
    case 0xc9: {
      // LEAVE (control.ts leave): read at (E)BP, then (E)SP past it, then (E)BP.
      const sp = stack32 ? `regs[${EBP}] >>> 0` : `r16[${EBP << 1}]`;
      const moved = stack32 ? `regs[${ESP}] = p + ${vs};` : `r16[${ESP << 1}] = p + ${vs};`;
      return {
        code: `{ const p = ${sp}; const v = ${load(vs, SS, "p")}; ${moved} ${regExpr(EBP, vs)} = v; }`,
        memory: true,
        ends: false,
        flags,
      };
    }
    case 0xff: {
      // CALL/JMP Ev (groups.ts group5, control.ts callNear): the target read with ESP before the
      // push, masked to the operand size and checked against the CS limit; the block ends.
      if (d.reg === 2 || d.reg === 4) {
        const v = mem ? load(vs, seg, eaExpr(d)) : regExpr(d.rm, vs);
        const call = d.reg === 2 ? push(vs, stack32, String(ne)) : "";
        return {
          code: `{ const t = (${v}) ${vs === 4 ? ">>> 0" : "& 0xffff"}; if (t > c.csLimit) c.raise(13, 0); ${call} c.eip = t; c.instructions = i0 + ${k + 1}; return ${EXIT_RETURN}; }`,
          memory: true,
          ends: true,
        };
      }
      // PUSH Ev: the operand's address uses ESP before the push.
      if (d.reg !== 6) return null;
      return {
        code: `{ const v = ${mem ? load(vs, seg, eaExpr(d)) : regExpr(d.rm, vs)}; ${push(vs, stack32, "v")} }`,
        memory: true,
        ends: false,
        flags,
      };
    }
    case 0x9c:
      // PUSHF (control.ts pushf): #GP(0) in v86 below IOPL 3; VM and RF read as 0.
      return {
        code: `{ if (c.v86 && ((c.flags >> 12) & 3) < 3) c.raise(13, 0); const f = c.getEflags() & ${~(FLAG_VM | FLAG_RF)}; ${push(vs, stack32, vs === 4 ? "f" : "f & 0xffff")} }`,
        memory: true,
        ends: false,
        flags,
      };
    case 0x06:
    case 0x0e:
    case 0x16:
    case 0x1e:
    case OP_0F + 0xa0:
    case OP_0F + 0xa8: {
      const s = op < 0x100 ? op >> 3 : op === OP_0F + 0xa0 ? 4 : 5;
      return { code: push(vs, stack32, `(c.segSel[${s}] & 0xffff)`), memory: true, ends: false, flags };
    }
    case 0xc2: {
      // RET imm16 (control.ts retNear): the target checked against the CS limit, then the pop.
      const sp = stack32 ? `regs[${ESP}] >>> 0` : `r16[${ESP << 1}]`;
      const t = vs === 4 ? `${load(4, SS, sp)} >>> 0` : load(2, SS, sp);
      const n = vs + (d.imm & 0xffff);
      const moved = stack32 ? `regs[${ESP}] = mo + ${n};` : `r16[${ESP << 1}] = mo + ${n};`;
      return {
        code: `{ const t = ${t}; if (t > c.csLimit) c.raise(13, 0); ${moved} c.eip = t; c.instructions = i0 + ${k + 1}; return ${EXIT_RETURN}; }`,
        memory: true,
        ends: true,
      };
    }
    case 0x9a:
    case 0xea: {
      const off = d.o32 ? d.imm >>> 0 : d.imm & 0xffff;
      const f = op === 0x9a ? "farCall" : "farJump";
      return farTransfer(`${f}(c, ${d.imm2 & 0xffff}, ${off}, ${d.o32 !== 0})`, ne, k);
    }
    case 0xca:
    case 0xcb:
      return farTransfer(`farReturn(c, ${d.o32 !== 0}, ${op === 0xca ? d.imm & 0xffff : 0})`, ne, k);
    case 0xcd:
      return farTransfer(`interrupt(c, ${d.imm & 0xff}, "software", -1)`, ne, k);
    case 0xcf:
      return farTransfer(`interruptReturn(c, ${d.o32 !== 0})`, ne, k);
    case 0xf8:
      return { code: `c.flags = materialize(c) & ${~FLAG_CF};`, memory: false, ends: false };
    case 0xf9:
      return { code: `c.flags = materialize(c) | ${FLAG_CF};`, memory: false, ends: false };
    case 0xf5:
      return { code: `c.flags = materialize(c) ^ ${FLAG_CF};`, memory: false, ends: false };
    case 0xfc:
      return { code: `c.flags &= ${~FLAG_DF};`, memory: false, ends: false, flags };
    case 0xfd:
      return { code: `c.flags |= ${FLAG_DF};`, memory: false, ends: false, flags };
    case 0x9e:
      return {
        code: `c.flags = (materialize(c) & ${~SAHF_MASK}) | (r8[1] & ${SAHF_MASK});`,
        memory: false,
        ends: false,
      };
    case 0x9f:
      return { code: `r8[1] = (materialize(c) & ${SAHF_MASK}) | 2;`, memory: false, ends: false };
    case OP_0F + 0xa3:
    case OP_0F + 0xab:
    case OP_0F + 0xb3:
    case OP_0F + 0xbb:
      return bitOp(d, (op >> 3) & 3, false, vs);
    case OP_0F + 0xba:
      return d.reg < GROUP8_FIRST ? null : bitOp(d, d.reg - GROUP8_FIRST, true, vs);
    case OP_0F + 0xbc:
    case OP_0F + 0xbd: {
      // BSF/BSR: flags as a logic result of the source; the destination kept for a zero source.
      const v = mem ? load(vs, seg, eaExpr(d)) : regExpr(d.rm, vs);
      const bit = op === OP_0F + 0xbc ? "31 - Math.clz32(v & -v)" : "31 - Math.clz32(v)";
      return {
        code: `{ const v = ${v} & ${maskOf(vs)}; ${testExpr("v", vs)} if (v !== 0) ${regExpr(d.reg, vs)} = ${bit}; }`,
        memory: mem,
        ends: false,
        flags: known(LZ_LOGIC, vs),
      };
    }
    case OP_0F + 0xa4:
    case OP_0F + 0xa5:
    case OP_0F + 0xac:
    case OP_0F + 0xad: {
      // SHLD/SHRD: nothing (not even a write probe) when the count is 0 mod 32.
      const n = (op & 1) === 0 ? String(d.imm & 0xff) : "r8[4]";
      const left = op < OP_0F + 0xa8;
      const f = (v: string) => `shiftDouble(c, ${left}, ${v}, ${regExpr(d.reg, vs)}, n, ${maskOf(vs)})`;
      if (!mem) {
        const r = regExpr(d.rm, vs);
        return {
          code: `{ const n = ${n}; if ((n & 0x1f) !== 0) ${r} = ${f(r)}; }`,
          memory: false,
          ends: false,
        };
      }
      return {
        code: `{ const o = ${eaExpr(d)}; const v = ${load(vs, seg, "o")}; const n = ${n}; if ((n & 0x1f) !== 0) { probeWrite(c, ${seg}, o, ${vs}); ${store(vs, seg, "o", f("v"))} } }`,
        memory: true,
        ends: false,
      };
    }
    case OP_0F + 0xb0:
    case OP_0F + 0xb1: {
      // CMPXCHG: flags as CMP accumulator, destination; the destination is always written.
      const size = op === OP_0F + 0xb0 ? 1 : vs;
      const acc = regExpr(0, size);
      const reg = regExpr(d.reg, size);
      const cmp = `const a = ${acc}; ${aluExpr(CMP, "a", "v", size)}; const eq = ((a ^ v) & ${maskOf(size)}) === 0;`;
      if (!mem) {
        const r = regExpr(d.rm, size);
        return {
          code: `{ const v = ${r}; ${cmp} if (eq) ${r} = ${reg}; else { ${r} = v; ${acc} = v; } }`,
          memory: false,
          ends: false,
          flags: known(LZ_SUB, size),
        };
      }
      return {
        code: `{ const o = ${eaExpr(d)}; const v = ${load(size, seg, "o")}; probeWrite(c, ${seg}, o, ${size}); ${cmp} if (eq) { ${store(size, seg, "o", reg)} } else { ${store(size, seg, "o", "v")} ${acc} = v; } }`,
        memory: true,
        ends: false,
        flags: known(LZ_SUB, size),
      };
    }
    case OP_0F + 0xc0:
    case OP_0F + 0xc1: {
      // XADD: the sum to the destination, its old value to the register (written first).
      const size = op === OP_0F + 0xc0 ? 1 : vs;
      const reg = regExpr(d.reg, size);
      if (!mem) {
        const r = regExpr(d.rm, size);
        return {
          code: `{ const v = ${r}; const s = ${aluExpr(ADD, "v", reg, size)}; ${reg} = v; ${r} = s; }`,
          memory: false,
          ends: false,
          flags: known(LZ_ADD, size),
        };
      }
      return {
        code: `{ const o = ${eaExpr(d)}; const v = ${load(size, seg, "o")}; probeWrite(c, ${seg}, o, ${size}); const s = ${aluExpr(ADD, "v", reg, size)}; ${reg} = v; ${store(size, seg, "o", "s")} }`,
        memory: true,
        ends: false,
        flags: known(LZ_ADD, size),
      };
    }
    case OP_0F + 0xc7: {
      // CMPXCHG8B m64: both halves read and probed, then written either way; ZF says which.
      if (d.reg !== 1 || !mem) return null;
      const hi = wrap(d.a32, "o + 4");
      return {
        code: `{ const o = ${eaExpr(d)}; const o2 = ${hi}; const lo = rdM32(c, ${seg}, o); const hi = rdM32(c, ${seg}, o2); probeWrite(c, ${seg}, o, 4); probeWrite(c, ${seg}, o2, 4); if (lo === regs[0] && hi === regs[2]) { wrM32(c, ${seg}, o, regs[3]); wrM32(c, ${seg}, o2, regs[1]); setZF(c, true); } else { wrM32(c, ${seg}, o, lo); wrM32(c, ${seg}, o2, hi); regs[0] = lo; regs[2] = hi; setZF(c, false); } }`,
        memory: true,
        ends: false,
      };
    }
    default:
      if (op >= OP_0F + 0xc8 && op <= OP_0F + 0xcf) {
        const r = `regs[${op & 7}]`;
        return {
          code: `{ const v = ${r}; ${r} = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24); }`,
          memory: false,
          ends: false,
          flags,
        };
      }
      return null;
  }
}
