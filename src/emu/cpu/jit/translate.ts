// The translator: decodes a block (straight-line code through not-taken conditional branches: an
// extended basic block) with the table-driven decoder and generates one JavaScript
// function for it (`new Function`, so V8 compiles it like any hot code). Generated code calls the
// interpreter's own helpers (alu.ts, flags.ts, access.ts, control.ts) with register indices,
// immediates, displacements, segments and EIPs folded in as constants, so each instruction keeps
// one definition of its semantics (codegen.ts writes the operand, memory and flag expressions).
// An instruction the generator does not handle runs through the interpreter itself
// (runInstructions for exactly one instruction) from inside the block.
//
// Exactness: before any instruction that can fault, touch memory or run in the interpreter, the
// block sets startEip and the instruction count the interpreter would have there, so a fault is
// delivered and counted as the interpreter does. After such an instruction it leaves when
// stopPending is set (a store into a code page, a watchpoint, a device access, a stop request);
// it also ends at every unconditional branch, CALL and RET, at the page end, and after any
// instruction the decoder table marks as ending a block (mode, IF, I/O, interrupts, far transfers,
// REP strings); a taken conditional branch leaves it. A JMP or CALL to elsewhere in the page is
// followed (the block is then a trace). Each exit to a constant EIP returns its own
// number, so the run loop can link it to the block found there (run-jit.ts).

import { probeWrite, rdM8, rdM16, rdM32, wrM8, wrM16, wrM32 } from "../access.ts";
import { imulTrunc, mulDiv, neg, shift, shift32 } from "../alu.ts";
import type { Cpu } from "../cpu.ts";
import { DecodedInsn, decodeInsn, OP_0F } from "../decoder.ts";
import { runInstructions } from "../dispatch.ts";
import { cond, getCF, LZ_DEC, LZ_EXPL, LZ_INC, LZ_LOGIC, recordFlags } from "../flags.ts";
import { ESP, FLAGS_ARITH, SS } from "../state.ts";
import { Block, EXIT_FIRST_DIRECT, EXIT_RETURN } from "./code-cache.ts";
import {
  aluExpr,
  CMP,
  condExpr,
  type Emitted,
  eaExpr,
  FLAGS_UNKNOWN,
  fusedCond,
  gen,
  incDecExpr,
  keepsFlags,
  known,
  load,
  maskOf,
  pop,
  produced,
  push,
  regExpr,
  rmw,
  shiftExpr,
  shiftValueExpr,
  store,
  testExpr,
} from "./codegen.ts";
import { EXTRA_HELPERS, emitExtra } from "./emit-extra.ts";
import { type FlagUse, flagUse, type Slot, withLiveFlags } from "./flag-liveness.ts";

/** CPUID.1:EDX.CMOV: without it CMOVcc is #UD (the interpreter raises it). */
const CPUID_CMOV = 1 << 15;
/** Instructions per block at most. */
const MAX_BLOCK_INSNS = 96;

/** The helpers generated code calls, bound once per block factory (never per execution). */
const HELPERS = {
  cond,
  getCF,
  imulTrunc,
  mulDiv,
  neg,
  probeWrite,
  rdM8,
  rdM16,
  rdM32,
  recordFlags,
  runInstructions,
  shift,
  shift32,
  wrM8,
  wrM16,
  wrM32,
  ...EXTRA_HELPERS,
};
const HELPER_NAMES = Object.keys(HELPERS);
const HELPER_VALUES = Object.values(HELPERS);

const insn = new DecodedInsn();

/** The constant-EIP exits of the block being translated: each gets its own number (a link slot). */
const exits = {
  count: EXIT_FIRST_DIRECT,
  /** A new exit number. */
  add(): number {
    return this.count++;
  },
  /** A branch back to the block's first instruction was generated: its body is a loop. */
  loops: false,
};

/**
 * `e`, a memory access whose only fault points are load()/store()/rmw()/push()/pop() slow paths,
 * marked positioned when those are inline (second translations).
 */
function positioned(e: Emitted): Emitted {
  if (gen.tier2) e.positioned = true;
  return e;
}

/**
 * Code for the instruction in `d` (the next one's EIP: `ne`, index `k` in the block), or null when the
 * generator does not handle it (it then runs in the interpreter).
 */
function emit(
  d: DecodedInsn,
  ne: number,
  k: number,
  eip0: number,
  cmov: boolean,
  stack32: number,
  flags: number,
): Emitted | null {
  if (d.lock) return null;
  // F3 90 is PAUSE: a NOP here. Other REP forms (string instructions) run in the interpreter.
  if (d.rep !== 0) return d.op === 0x90 ? { code: "", memory: false, ends: false } : null;
  const op = d.op;
  const vs = d.o32 ? 4 : 2;
  const mem = d.modrm >= 0 && d.mod !== 3;
  const seg = d.eaSeg;
  const done = (exit: number) => `c.instructions = i0 + ${k + 1}; return ${exit};`;
  // A branch back to the block's first instruction loops inside the function while the budget
  // allows a whole pass (nothing else can need the run loop: stores and device accesses that do
  // have already left through stopPending).
  // A first translation leaves after tier2Runs passes, so the run loop promotes it (run-jit.ts).
  const again = gen.tier2 ? "" : ` && ++passes < ${gen.tier2Runs}`;
  const branch = (target: number) => {
    if (target !== eip0)
      return `if (${target} > c.csLimit) c.raise(13, 0); c.eip = ${target}; ${done(exits.add())}`;
    exits.loops = true;
    return `if (${target} > c.csLimit) c.raise(13, 0); i0 += ${k + 1}; if (end - i0 >= ${k + 1}${again}) continue; c.eip = ${target}; c.instructions = i0; return ${exits.add()};`;
  };
  const near = (disp: number) => (d.o32 ? (ne + disp) >>> 0 : (ne + disp) & 0xffff);
  // The ALU rows 00-3F: Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / eAX,Iz.
  if (op < 0x40 && (op & 7) < 6) {
    const aop = op >> 3;
    const form = op & 7;
    const size = form === 4 || (form & 1) === 0 ? 1 : vs;
    if (form >= 4) {
      const acc = regExpr(0, size);
      const imm = size === 1 ? d.imm & 0xff : size === 2 ? d.imm & 0xffff : d.imm;
      const r = aluExpr(aop, acc, String(imm), size);
      return {
        code: aop === CMP ? `${r};` : `${acc} = ${r};`,
        memory: false,
        ends: false,
        flags: produced(aop, size),
      };
    }
    const reg = regExpr(d.reg, size);
    const toRm = form < 2;
    if (!mem) {
      const dst = toRm ? regExpr(d.rm, size) : reg;
      const src = toRm ? reg : regExpr(d.rm, size);
      const r = aluExpr(aop, dst, src, size);
      return {
        code: aop === CMP ? `${r};` : `${dst} = ${r};`,
        memory: false,
        ends: false,
        flags: produced(aop, size),
      };
    }
    const off = eaExpr(d);
    if (!toRm) {
      const r = aluExpr(aop, reg, load(size, seg, off), size);
      return positioned({
        code: aop === CMP ? `${r};` : `${reg} = ${r};`,
        memory: true,
        ends: false,
        flags: produced(aop, size),
      });
    }
    return positioned({
      code: rmw(aop, size, seg, off, reg),
      memory: true,
      ends: false,
      flags: produced(aop, size),
    });
  }
  if (op >= 0x40 && op <= 0x4f) {
    const r = regExpr(op & 7, vs);
    return {
      code: `${r} = ${incDecExpr(op < 0x48, r, vs)};`,
      memory: false,
      ends: false,
      flags: known(op < 0x48 ? LZ_INC : LZ_DEC, vs),
    };
  }
  if (op >= 0x50 && op <= 0x57)
    return positioned({ code: push(vs, stack32, regExpr(op & 7, vs)), memory: true, ends: false });
  if (op >= 0x58 && op <= 0x5f)
    return positioned({ code: pop(vs, stack32, regExpr(op & 7, vs)), memory: true, ends: false });
  if ((op >= 0x70 && op <= 0x7f) || (op >= OP_0F + 0x80 && op <= OP_0F + 0x8f)) {
    const t = near(d.imm);
    return {
      code: `if (${condExpr(op & 15, flags)}) { ${branch(t)} }`,
      memory: true,
      ends: false,
    };
  }
  if (op >= 0x80 && op <= 0x83) {
    const size = (op & 1) === 0 ? 1 : vs;
    const aop = d.reg;
    const imm = size === 1 ? d.imm & 0xff : size === 2 ? d.imm & 0xffff : d.imm;
    if (!mem) {
      const dst = regExpr(d.rm, size);
      const r = aluExpr(aop, dst, String(imm), size);
      return {
        code: aop === CMP ? `${r};` : `${dst} = ${r};`,
        memory: false,
        ends: false,
        flags: produced(aop, size),
      };
    }
    return positioned({
      code: rmw(aop, size, seg, eaExpr(d), String(imm)),
      memory: true,
      ends: false,
      flags: produced(aop, size),
    });
  }
  if (op === 0x84 || op === 0x85) {
    const size = op === 0x84 ? 1 : vs;
    const a = mem ? load(size, seg, eaExpr(d)) : regExpr(d.rm, size);
    return positioned({
      code: testExpr(`${a} & ${regExpr(d.reg, size)}`, size),
      memory: mem,
      ends: false,
      flags: known(LZ_LOGIC, size),
    });
  }
  if (op >= 0x88 && op <= 0x8b) {
    const size = (op & 1) === 0 ? 1 : vs;
    const reg = regExpr(d.reg, size);
    if (!mem) {
      const rm = regExpr(d.rm, size);
      return { code: op < 0x8a ? `${rm} = ${reg};` : `${reg} = ${rm};`, memory: false, ends: false };
    }
    const off = eaExpr(d);
    if (op < 0x8a) return positioned({ code: store(size, seg, off, reg), memory: true, ends: false });
    return positioned({ code: `${reg} = ${load(size, seg, off)};`, memory: true, ends: false });
  }
  if (op === 0x8d && mem)
    return { code: `${regExpr(d.reg, vs)} = ${eaExpr(d)};`, memory: false, ends: false };
  if (op === 0x90) return { code: "", memory: false, ends: false };
  if (op >= 0xa0 && op <= 0xa3) {
    const size = (op & 1) === 0 ? 1 : vs;
    const off = d.a32 ? d.imm >>> 0 : d.imm & 0xffff;
    const acc = regExpr(0, size);
    const code = op < 0xa2 ? `${acc} = ${load(size, seg, String(off))};` : store(size, seg, String(off), acc);
    return positioned({ code, memory: true, ends: false });
  }
  if (op === 0xa8 || op === 0xa9) {
    const size = op === 0xa8 ? 1 : vs;
    const imm = size === 1 ? d.imm & 0xff : size === 2 ? d.imm & 0xffff : d.imm;
    return {
      code: testExpr(`${regExpr(0, size)} & ${imm}`, size),
      memory: false,
      ends: false,
      flags: known(LZ_LOGIC, size),
    };
  }
  if (op >= 0xb0 && op <= 0xbf) {
    const size = op < 0xb8 ? 1 : vs;
    const imm = size === 1 ? d.imm & 0xff : size === 2 ? d.imm & 0xffff : d.imm;
    return { code: `${regExpr(op & 7, size)} = ${imm};`, memory: false, ends: false };
  }
  if (op === 0xc0 || op === 0xc1 || op === 0xd0 || op === 0xd1) {
    const size = (op & 1) === 0 ? 1 : vs;
    const count = op <= 0xc1 ? d.imm & 0xff : 1;
    const kind = d.reg;
    const n = count & 0x1f;
    const inline = gen.tier2 && size === 4 && kind >= 4;
    const f = (v: string) =>
      inline
        ? shiftExpr(kind, v, n)
        : size === 4
          ? `shift32(c, ${kind}, ${v}, ${count})`
          : `shift(c, ${kind}, ${v}, ${count}, ${maskOf(size)})`;
    const after = n === 0 ? flags : inline ? known(LZ_EXPL, 4) : FLAGS_UNKNOWN;
    if (!mem) {
      if (n === 0) return { code: "", memory: false, ends: false, flags };
      const r = regExpr(d.rm, size);
      if (gen.deadFlags && !inline && (kind < 2 || kind > 3))
        return { code: `${r} = ${shiftValueExpr(kind, r, n, size)};`, memory: false, ends: false };
      return { code: `${r} = ${f(r)};`, memory: false, ends: false, flags: after };
    }
    const off = eaExpr(d);
    if (n === 0) return { code: `${load(size, seg, off)};`, memory: true, ends: false, flags };
    return {
      code: `{ const o = ${off}; const v = ${load(size, seg, "o")}; probeWrite(c, ${seg}, o, ${size}); ${store(size, seg, "o", f("v"))} }`,
      memory: true,
      ends: false,
      flags: after,
    };
  }
  if (op === 0xc3) {
    const sp = stack32 ? `regs[${ESP}] >>> 0` : `r16[${ESP << 1}]`;
    const t = vs === 4 ? `${load(4, SS, sp)} >>> 0` : load(2, SS, sp);
    const moved = stack32 ? `regs[${ESP}] = mo + ${vs};` : `r16[${ESP << 1}] = mo + ${vs};`;
    return {
      code: `{ const t = ${t}; if (t > c.csLimit) c.raise(13, 0); ${moved} c.eip = t; ${done(EXIT_RETURN)} }`,
      memory: true,
      ends: true,
    };
  }
  if ((op === 0xc6 || op === 0xc7) && d.reg === 0) {
    const size = op === 0xc6 ? 1 : vs;
    const imm = size === 1 ? d.imm & 0xff : size === 2 ? d.imm & 0xffff : d.imm;
    if (!mem) return { code: `${regExpr(d.rm, size)} = ${imm};`, memory: false, ends: false };
    return positioned({ code: store(size, seg, eaExpr(d), String(imm)), memory: true, ends: false });
  }
  if (op === 0xe2 || op === 0xe3) {
    const cx = d.a32 ? "regs[1]" : "r16[2]";
    const test = op === 0xe3 ? `${cx} === 0` : `(${cx} = ${cx} - 1) !== 0`;
    const t = near(d.imm);
    return {
      code: `if (${test}) { ${branch(t)} }`,
      memory: true,
      ends: false,
    };
  }
  if (op === 0xe8) {
    const t = near(d.imm);
    return {
      code: `if (${t} > c.csLimit) c.raise(13, 0); ${push(vs, stack32, String(ne))} c.eip = ${t}; ${done(exits.add())}`,
      memory: true,
      ends: true,
    };
  }
  if (op === 0xe9 || op === 0xeb) return { code: branch(near(d.imm)), memory: true, ends: true };
  if ((op === 0xf6 || op === 0xf7) && d.reg < 2) {
    const size = op === 0xf6 ? 1 : vs;
    const imm = size === 1 ? d.imm & 0xff : size === 2 ? d.imm & 0xffff : d.imm;
    const a = mem ? load(size, seg, eaExpr(d)) : regExpr(d.rm, size);
    return positioned({
      code: testExpr(`${a} & ${imm}`, size),
      memory: mem,
      ends: false,
      flags: known(LZ_LOGIC, size),
    });
  }
  if ((op === 0xfe || op === 0xff) && d.reg < 2) {
    const size = op === 0xfe ? 1 : vs;
    const after = known(d.reg === 0 ? LZ_INC : LZ_DEC, size);
    if (!mem) {
      const r = regExpr(d.rm, size);
      return {
        code: `${r} = ${incDecExpr(d.reg === 0, r, size)};`,
        memory: false,
        ends: false,
        flags: after,
      };
    }
    return {
      code: `{ const o = ${eaExpr(d)}; const v = ${load(size, seg, "o")}; probeWrite(c, ${seg}, o, ${size}); ${store(size, seg, "o", incDecExpr(d.reg === 0, "v", size))} }`,
      memory: true,
      ends: false,
      flags: after,
    };
  }
  if (op === 0x68 || op === 0x6a) {
    const imm = vs === 2 ? d.imm & 0xffff : d.imm;
    return positioned({ code: push(vs, stack32, String(imm)), memory: true, ends: false });
  }
  if ((op === 0x69 || op === 0x6b || op === OP_0F + 0xaf) && d.modrm >= 0) {
    // IMUL Gv, Ev, imm / IMUL Gv, Ev: the truncated signed product (imulTrunc sets CF = OF).
    const src = mem ? load(vs, seg, eaExpr(d)) : regExpr(d.rm, vs);
    const reg = regExpr(d.reg, vs);
    const other = op === OP_0F + 0xaf ? reg : String(d.imm);
    return {
      code: `{ const a = ${src}; ${reg} = imulTrunc(c, a, ${other}, ${vs}); }`,
      memory: mem,
      ends: false,
    };
  }
  if (op === 0x86 || op === 0x87) {
    // XCHG Ev, Gv (a memory operand: read, write the register, then set the register, as op86).
    const size = op === 0x86 ? 1 : vs;
    const reg = regExpr(d.reg, size);
    if (!mem) {
      const rm = regExpr(d.rm, size);
      return { code: `{ const a = ${rm}; ${rm} = ${reg}; ${reg} = a; }`, memory: false, ends: false };
    }
    return {
      code: `{ const o = ${eaExpr(d)}; const a = ${load(size, seg, "o")}; ${store(size, seg, "o", reg)} ${reg} = a; }`,
      memory: true,
      ends: false,
    };
  }
  if (op >= 0x91 && op <= 0x97) {
    const r = regExpr(op & 7, vs);
    const acc = regExpr(0, vs);
    return { code: `{ const a = ${r}; ${r} = ${acc}; ${acc} = a; }`, memory: false, ends: false };
  }
  if (op === 0x98)
    return {
      code: vs === 4 ? "regs[0] = (regs[0] << 16) >> 16;" : "r16[0] = (regs[0] << 24) >> 24;",
      memory: false,
      ends: false,
    };
  if (op === 0x99)
    return {
      code: vs === 4 ? "regs[2] = regs[0] >> 31;" : "r16[4] = (regs[0] << 16) >> 31;",
      memory: false,
      ends: false,
    };
  if (op === 0xd2 || op === 0xd3) {
    // Shifts by CL: nothing (not even flags) when the count is 0 mod 32.
    const size = op === 0xd2 ? 1 : vs;
    const kind = d.reg;
    const f = (v: string) =>
      size === 4 ? `shift32(c, ${kind}, ${v}, n)` : `shift(c, ${kind}, ${v}, n, ${maskOf(size)})`;
    if (!mem) {
      const r = regExpr(d.rm, size);
      return {
        code: `{ const n = r8[4]; if ((n & 0x1f) !== 0) ${r} = ${f(r)}; }`,
        memory: false,
        ends: false,
      };
    }
    return {
      code: `{ const o = ${eaExpr(d)}; const v = ${load(size, seg, "o")}; const n = r8[4]; if ((n & 0x1f) !== 0) { probeWrite(c, ${seg}, o, ${size}); ${store(size, seg, "o", f("v"))} } }`,
      memory: true,
      ends: false,
    };
  }
  if ((op === 0xf6 || op === 0xf7) && d.reg >= 2) {
    // NOT, NEG, and MUL/IMUL/DIV/IDIV on the accumulator (mulDiv raises #DE: a possible fault).
    const size = op === 0xf6 ? 1 : vs;
    const k = d.reg;
    const m = maskOf(size);
    const value = k === 2 ? `~v & ${m}` : `neg(c, v, ${m})`;
    if (k >= 4) {
      const v = mem ? load(size, seg, eaExpr(d)) : regExpr(d.rm, size);
      return { code: `mulDiv(c, ${k}, ${v}, ${size});`, memory: true, ends: false };
    }
    // NOT leaves the flags alone.
    const after = k === 2 ? flags : FLAGS_UNKNOWN;
    if (!mem) {
      const r = regExpr(d.rm, size);
      return { code: `{ const v = ${r}; ${r} = ${value}; }`, memory: false, ends: false, flags: after };
    }
    return {
      code: `{ const o = ${eaExpr(d)}; const v = ${load(size, seg, "o")}; probeWrite(c, ${seg}, o, ${size}); ${store(size, seg, "o", value)} }`,
      memory: true,
      ends: false,
      flags: after,
    };
  }
  if (op >= OP_0F + 0x90 && op <= OP_0F + 0x9f) {
    const v = `${condExpr(op & 15, flags)} ? 1 : 0`;
    if (!mem) return { code: `${regExpr(d.rm, 1)} = ${v};`, memory: false, ends: false, flags };
    return { code: store(1, seg, eaExpr(d), v), memory: true, ends: false, flags };
  }
  if (op >= OP_0F + 0x40 && op <= OP_0F + 0x4f && cmov) {
    // CMOVcc: the source is read (and may fault) whatever the condition.
    const src = mem ? load(vs, seg, eaExpr(d)) : regExpr(d.rm, vs);
    return {
      code: `{ const v = ${src}; if (${condExpr(op & 15, flags)}) ${regExpr(d.reg, vs)} = v; }`,
      memory: mem,
      ends: false,
      flags,
    };
  }
  if (op === OP_0F + 0xb6 || op === OP_0F + 0xb7 || op === OP_0F + 0xbe || op === OP_0F + 0xbf) {
    const size = (op & 1) === 0 ? 1 : 2;
    let v = mem ? load(size, seg, eaExpr(d)) : regExpr(d.rm, size);
    if (op >= OP_0F + 0xbe) v = size === 1 ? `((${v} << 24) >> 24)` : `((${v} << 16) >> 16)`;
    return positioned({ code: `${regExpr(d.reg, vs)} = ${v};`, memory: mem, ends: false });
  }
  return null;
}

/**
 * The block's statements, in a loop when one of them branches back to its start (`continue`): V8
 * compiles a loop at several times the cost of straight code (it peels it, and its phis), so only
 * blocks that loop get one.
 */
function loopBody(body: string[]): string {
  return exits.loops ? `let passes = 0;\nfor (;;) {\n${body.join("\n")}\n}` : body.join("\n");
}

/**
 * RET `d` (at `eip`, index `k`) in a trace whose CALL pushed `back`, an EIP of the trace's page
 * inside the CS limit: the code pops the return address and goes on at `back` when that is what it
 * popped; otherwise it leaves as a RET does.
 */
function predictedReturn(d: DecodedInsn, eip: number, k: number, back: number, stack32: number): string {
  const size = d.o32 ? 4 : 2;
  const sp = stack32 ? `regs[${ESP}] >>> 0` : `r16[${ESP << 1}]`;
  const t = size === 4 ? `${load(4, SS, sp)} >>> 0` : load(2, SS, sp);
  const moved = stack32 ? `regs[${ESP}] = mo + ${size};` : `r16[${ESP << 1}] = mo + ${size};`;
  const leave = `if (t > c.csLimit) c.raise(13, 0); ${moved} c.eip = t; c.instructions = i0 + ${k + 1}; return ${EXIT_RETURN};`;
  return `c.startEip = ${eip}; c.instructions = i0 + ${k};\n{ const t = ${t}; if (t !== ${back}) { ${leave} } ${moved} }\nif (c.stopPending) { c.eip = ${back}; c.instructions = i0 + ${k + 1}; return 0; }`;
}

/**
 * The flag use of register-only `d` as generated after the producer `flags` (see known()): a reader
 * whose flags come from fa, fb, fr (ADC/SBB's CF, SETcc's and CMOVcc's condition) reads no recorded
 * flag, and INC/DEC taking CF from them records all six flags itself.
 */
function throughLocals(d: DecodedInsn, flags: number, use: FlagUse | null): FlagUse | null {
  if (use === null) return null;
  const op = d.op;
  if (op >= OP_0F + 0x40 && op <= OP_0F + 0x9f)
    return fusedCond(op & 15, flags) === null ? use : { ...use, read: 0 };
  if (fusedCond(2, flags) === null) return use;
  const aluOp = op < 0x40 ? op >> 3 : op >= 0x80 && op <= 0x83 ? d.reg : -1;
  if (aluOp === 2 || aluOp === 3) return { ...use, read: 0 };
  const incDec = (op >= 0x40 && op <= 0x4f) || ((op === 0xfe || op === 0xff) && d.reg < 2);
  return incDec ? { read: 0, writes: FLAGS_ARITH, kill: FLAGS_ARITH } : use;
}

/**
 * Translates the block at CS:EIP, whose first byte is buffer index `start` in a page the TLB maps
 * for reading. Returns null when not even one instruction fits (an instruction crossing the page
 * end, or the 16-bit EIP wrap): the interpreter runs it.
 */
export function translateBlock(c: Cpu, start: number, hot: boolean): Block | null {
  gen.tier2 = hot;
  gen.tier2Runs = c.jit.tier2Runs;
  const buf = c.buf;
  const pageEnd = start - (start & 0xfff) + 0x1000;
  const code32 = c.code32;
  const eip0 = c.eip;
  const cmov = (c.cpuid.featuresEdx & CPUID_CMOV) !== 0;
  const ipEnd = code32 ? 2 ** 32 : 0x10000;
  // Unsigned arithmetic: past 2 GiB of buffer `start & ~0xfff` would be a negative int32.
  const pageBase = start - (start & 0xfff);
  let at = start;
  let eip = eip0;
  // The buffer range and highest EIP of the code bytes it covers (a trace may jump back).
  let low = start;
  let high = start;
  let lastEip = eip0;
  let k = 0;
  const slots: Slot[] = [];
  // The return addresses the CALLs followed so far pushed (a RET popping the last goes on there).
  const returns: number[] = [];
  let returned = false;
  exits.count = EXIT_FIRST_DIRECT;
  exits.loops = false;
  const stack32 = c.stack32;
  let flags = FLAGS_UNKNOWN;
  while (k < MAX_BLOCK_INSNS) {
    decodeInsn(insn, buf, at, pageEnd, code32);
    const len = insn.len;
    if (len > 15 || eip + len > ipEnd) break;
    const ne = eip + len;
    gen.at = gen.tier2 ? `c.startEip = ${eip}, c.instructions = i0 + ${k}` : "";
    if (at < low) low = at;
    if (at + len > high) high = at + len;
    if (ne - 1 > lastEip) lastEip = ne - 1;
    const op = insn.op;
    // A JMP or CALL to another EIP in this page (not the block's first: that one loops) is followed:
    // the block goes on at its target (a trace), so the hop costs no exit and no lookup.
    const target =
      op === 0xe8 || op === 0xe9 || op === 0xeb
        ? insn.o32
          ? (ne + insn.imm) >>> 0
          : (ne + insn.imm) & 0xffff
        : -1;
    const targetAt = at + (target - eip);
    if (
      target >= 0 &&
      target !== eip0 &&
      targetAt >= pageBase &&
      targetAt < pageEnd &&
      !insn.lock &&
      insn.rep === 0
    ) {
      if (op === 0xe8) {
        returns.push(ne);
        slots.push({
          code: `c.startEip = ${eip}; c.instructions = i0 + ${k}; ${push(insn.o32 ? 4 : 2, stack32, String(ne))}\nif (c.stopPending) { c.eip = ${target}; c.instructions = i0 + ${k + 1}; return 0; }`,
          dead: null,
          use: null,
        });
      }
      // Its target is inside the CS limit whenever the block may run (as the CALL/JMP would check).
      if (target > lastEip) lastEip = target;
      at = targetAt;
      eip = target;
      k++;
      continue;
    }
    // A RET where a CALL of this trace returns goes on there when it pops that address.
    if (op === 0xc3 && returns.length > 0 && !insn.lock && insn.rep === 0) {
      const back = returns.pop()!;
      const backAt = at + (back - eip);
      if (back !== eip0 && backAt >= pageBase && backAt < pageEnd) {
        slots.push({ code: predictedReturn(insn, eip, k, back, stack32), dead: null, use: null });
        at = backAt;
        eip = back;
        k++;
        continue;
      }
    }
    gen.known = flags;
    const out =
      emit(insn, ne, k, eip0, cmov, stack32, flags) ?? emitExtra(insn, ne, k, eip0, cmov, stack32, flags);
    // Register-only code: its variant without the flag record, for withLiveFlags.
    const use = out === null || out.memory || out.ends ? null : throughLocals(insn, flags, flagUse(insn));
    let dead: string | null = null;
    if (use !== null && use.writes !== 0) {
      const exitCount = exits.count;
      gen.deadFlags = true;
      const bare =
        emit(insn, ne, k, eip0, cmov, stack32, flags) ?? emitExtra(insn, ne, k, eip0, cmov, stack32, flags);
      gen.deadFlags = false;
      exits.count = exitCount;
      if (bare !== null && bare.code !== out!.code) dead = bare.code;
    }
    flags = out === null ? FLAGS_UNKNOWN : (out.flags ?? (keepsFlags(op) ? flags : FLAGS_UNKNOWN));
    if (out === null) {
      // The interpreter runs it (one instruction, all checks); then continue unless it ended the block.
      // (Counted once per block, in its first translation: a second one has the same instructions.)
      if (!gen.tier2 || gen.tier2Runs <= 1) c.jit.fallbacks++;
      const after = insn.endsBlock ? "return 0;" : `if (c.stopPending || c.eip !== ${ne}) return 0;`;
      slots.push({
        code: `c.eip = ${eip}; c.instructions = i0 + ${k}; if (runInstructions(c, i0 + ${k + 1}, -1) !== 0) return 0; ${after}`,
        dead: null,
        use: null,
      });
    } else if (out.memory) {
      const leave = out.ends
        ? ""
        : `\nif (c.stopPending) { c.eip = ${ne}; c.instructions = i0 + ${k + 1}; return 0; }`;
      const at = out.positioned ? "" : `c.startEip = ${eip}; c.instructions = i0 + ${k};\n`;
      slots.push({ code: `${at}${out.code}${leave}`, dead: null, use: null });
    } else slots.push({ code: out.code, dead, use: out.ends ? null : use });
    at += len;
    eip = ne;
    k++;
    // A conditional branch does not end the block: the taken path leaves, the other runs on.
    returned = out === null ? insn.endsBlock : out.ends;
    if (returned) break;
  }
  if (k === 0) return null;
  if (!returned)
    slots.push({
      code: `c.eip = ${eip}; c.instructions = i0 + ${k}; return ${exits.add()};`,
      dead: null,
      use: null,
    });
  const body = withLiveFlags(slots);
  const source = `return function block_${eip0.toString(16)}(c, end) {\nconst regs = c.regs; const r16 = c.r16; const r8 = c.r8; const buf = c.buf; const dv = c.view; let i0 = c.instructions;\nconst segBase = c.segBase; const segRLo = c.segRLo; const segRHi = c.segRHi; const segWLo = c.segWLo; const segWHi = c.segWHi;\nlet mo = 0; let ml = 0; let mn = 0; let mx = 0; let mv = 0; let fa = 0; let fb = 0; let fc = 0; let fr = 0;\n${loopBody(body)}\n};`;
  const factory = new Function(...HELPER_NAMES, source) as (
    ...h: unknown[]
  ) => (c: Cpu, end: number) => number;
  const mode = code32 | (stack32 << 1);
  return new Block(
    start | 0,
    low,
    high - low,
    mode,
    eip0,
    lastEip,
    k,
    exits.count,
    source.length,
    factory(...HELPER_VALUES),
    hot,
  );
}
