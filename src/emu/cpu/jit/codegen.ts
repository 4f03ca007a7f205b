// The JavaScript the translator (translate.ts) generates for operands, memory accesses and flags:
// expressions over a block function's locals (regs, r16, r8, buf, the segment arrays, the memory
// temporaries mo/ml/mn/mx/mv and the flag operands fa/fb/fr). First translations call the
// interpreter's helpers (access.ts, alu.ts, flags.ts); second translations (gen.tier2) inline their
// fast paths. Conditions read right after a flag-setting instruction are computed from fa, fb, fr.

import type { DecodedInsn } from "../decoder.ts";
import { OP_0F } from "../decoder.ts";
import { LZ_ADD, LZ_DEC, LZ_EXPL, LZ_INC, LZ_LOGIC, LZ_SUB, signOf } from "../flags.ts";
import { ESP, FLAG_CF, FLAG_OF, SS } from "../state.ts";

/** What one instruction compiles to (translate.ts emit(), emit-extra.ts emitExtra()). */
export interface Emitted {
  code: string;
  /** It may fault or touch memory: set startEip and the count before it, test stopPending after. */
  memory: boolean;
  /** It ends the block (the code sets EIP and the count and returns). */
  ends: boolean;
  /** It sets the flags and leaves its operands in fa, fb, fr: known(kind, size) (see fusedCond). */
  flags?: number;
  /**
   * Its only fault points are the slow paths of inline loads and stores (see load()), which set
   * startEip and the count themselves (gen.at): no need to set them before it.
   */
  positioned?: boolean;
}

/** ALU_CMP: the group-1 member that writes nothing back. */
export const CMP = 7;
/** Index in Cpu.r8 of 8-bit register r (AL, CL, DL, BL, AH, CH, DH, BH). */
const REG8 = [0, 4, 8, 12, 1, 5, 9, 13];

/**
 * What is being generated. tier2: memory accesses, stack moves and flag records are inline (the
 * helpers' fast paths), which costs V8 about twice the source to compile: every translation by
 * default, else the second translation of a block that ran TIER2_RUNS times (first translations
 * call the helpers). tier2Runs: the cache's promotion count (a first translation looping on itself
 * leaves after that many passes).
 */
export const gen = {
  tier2: false,
  tier2Runs: 0,
  /** Generating an instruction's variant without its flag record (flag-liveness.ts). */
  deadFlags: false,
  /** What fa, fb, fr hold before the instruction being generated (see known()). */
  known: 0,
  /**
   * Second translations: the expression setting startEip and the count for the instruction being
   * generated, put in the slow paths of its inline loads and stores (they alone may fault there).
   */
  at: "",
};

/** gen.at as the first operand of a comma expression ("" when none). */
function atFirst(): string {
  return gen.at === "" ? "" : `${gen.at}, `;
}

/** The JavaScript expression of the memory operand's offset (wrapped to the address size). */
export function eaExpr(d: DecodedInsn): string {
  const parts: string[] = [];
  if (d.base >= 0) parts.push(`regs[${d.base}]`);
  if (d.index >= 0) parts.push(d.scale === 0 ? `regs[${d.index}]` : `(regs[${d.index}] << ${d.scale})`);
  if (d.disp !== 0 || parts.length === 0) parts.push(String(d.disp));
  return d.a32 ? `((${parts.join(" + ")}) >>> 0)` : `((${parts.join(" + ")}) & 0xffff)`;
}

/** A register operand of `size` bytes as an lvalue/rvalue. */
export function regExpr(r: number, size: number): string {
  return size === 4 ? `regs[${r}]` : size === 2 ? `r16[${r << 1}]` : `r8[${REG8[r]}]`;
}

export function rd(size: number): string {
  return size === 4 ? "rdM32" : size === 2 ? "rdM16" : "rdM8";
}

export function wr(size: number): string {
  return size === 4 ? "wrM32" : size === 2 ? "wrM16" : "wrM8";
}

export function maskOf(size: number): string {
  return size === 4 ? "0xffffffff" : size === 2 ? "0xffff" : "0xff";
}

/** The lazy-flags kind (flags.ts LZ_*) of the ALU operations generated inline: ADD, OR, AND, SUB, XOR, CMP. */
const INLINE_KIND = [LZ_ADD, LZ_LOGIC, -1, -1, LZ_LOGIC, LZ_SUB, LZ_LOGIC, LZ_SUB];
const INLINE_OP = ["+", "|", "+", "-", "&", "-", "^", "-"];

/**
 * The stores of recordFlags(c, kind, fa, fb, carry, fr, mask) (flags.ts) as a comma expression, so
 * generated code records exactly what the helper would without a call.
 */
export function recordExpr(kind: number, carry: string, size: number, a = "fa", b = "fb"): string {
  if (gen.deadFlags) return "0";
  const mask = size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
  if (!gen.tier2) return `recordFlags(c, ${kind}, ${a}, ${b}, ${carry}, fr, ${mask})`;
  return `c.lzOp = ${kind}, c.lzA = ${a}, c.lzB = ${b}, c.lzC = ${carry}, c.lzRes = fr, c.lzMask = ${mask}, c.lzSign = ${signOf(mask)}`;
}

/** The known() value after an inline ALU operation `aop` (ADC/SBB: unknown, fusedCond ignores the carry). */
export function produced(aop: number, size: number): number {
  const kind = INLINE_KIND[aop]!;
  return kind < 0 ? FLAGS_UNKNOWN : known(kind, size);
}

/**
 * SHL/SHR/SAR of the dword `v` by the constant `n` (1-31) as shift32 computes it (alu.ts): the
 * result in fr, the explicit CF/OF bits in fb, recorded as setResultFlags records them.
 */
export function shiftExpr(kind: number, v: string, n: number): string {
  let calc: string;
  if (kind === 4 || kind === 6)
    calc = `fa = ${v}, fr = fa << ${n}, fb = ((fa << ${n - 1}) < 0 ? ${FLAG_CF} : 0) | (((fa << ${n - 1}) ^ fr) < 0 ? ${FLAG_OF} : 0)`;
  else if (kind === 5)
    calc = `fa = (${v}) >>> ${n - 1}, fr = (fa >>> 1) | 0, fb = (fa & 1) | (((fa ^ fr) & ${1 << 31}) !== 0 ? ${FLAG_OF} : 0)`;
  else calc = `fa = ${v}, fr = fa >> ${n}, fb = (fa >> ${n - 1}) & 1`;
  return `(${calc}, ${recordExpr(LZ_EXPL, "fb", 4, "0", "0")}, fr)`;
}

/**
 * `a op b` with flags, for an operand of `size` bytes, as an expression evaluating `a` and `b` once.
 * ADC and SBB call alu()/alu32(); the others compute the result as alu()/alu32() do and record the
 * same lazy flags (recordExpr), leaving operands and result in the block's locals fa, fb, fr for a
 * following conditional (fusedCond).
 */
export function aluExpr(aop: number, a: string, b: string, size: number): string {
  const kind = INLINE_KIND[aop]!;
  const o = INLINE_OP[aop];
  if (kind < 0) {
    // ADC/SBB: CF first (it may come from fa, fb, fr), then as alu()/alu32() record it.
    const k = aop === 2 ? LZ_ADD : LZ_SUB;
    const m = size === 4 ? "| 0" : `& ${maskOf(size)}`;
    const ab =
      size === 4 ? `fa = ${a}, fb = ${b}` : `fa = (${a}) & ${maskOf(size)}, fb = (${b}) & ${maskOf(size)}`;
    return `(fc = ${carryExpr()}, ${ab}, fr = (fa ${o} fb ${o} fc) ${m}, ${recordExpr(k, "fc", size)}, fr)`;
  }
  if (size === 4) return `(fa = ${a}, fb = ${b}, fr = (fa ${o} fb) | 0, ${recordExpr(kind, "0", 4)}, fr)`;
  const m = maskOf(size);
  return `(fa = (${a}) & ${m}, fb = (${b}) & ${m}, fr = (fa ${o} fb) & ${m}, ${recordExpr(kind, "0", size)}, fr)`;
}

/** CF before the instruction being generated, as 0 or 1: from fa, fb, fr when gen.known allows. */
export function carryExpr(): string {
  const cf = fusedCond(2, gen.known);
  return cf === null ? "getCF(c)" : `(${cf} ? 1 : 0)`;
}

/**
 * INC (`inc`) or DEC of the `size`-byte value `v` (an expression read once) as inc()/dec() compute
 * and record it (CF kept), the result in fr; without the record, no CF is read.
 */
export function incDecExpr(isInc: boolean, v: string, size: number): string {
  const m = size === 4 ? "| 0" : `& ${maskOf(size)}`;
  const r = `fr = (fa ${isInc ? "+" : "-"} 1) ${m}`;
  if (gen.deadFlags) return `(fa = ${v}, ${r}, fr)`;
  const a = size === 4 ? `fa = ${v}` : `fa = (${v}) & ${maskOf(size)}`;
  return `(fc = ${carryExpr()}, ${a}, ${r}, ${recordExpr(isInc ? LZ_INC : LZ_DEC, "fc", size, "fa", "1")}, fr)`;
}

/**
 * The value of shift/rotate `kind` (0 ROL, 1 ROR, 4/6 SHL, 5 SHR, 7 SAR; not RCL/RCR) of the
 * `size`-byte register value `v` by the constant `n` (1-31), without flags: for a shift whose flags
 * are dead (flag-liveness.ts).
 */
export function shiftValueExpr(kind: number, v: string, n: number, size: number): string {
  const bits = size * 8;
  const m = maskOf(size);
  if (kind === 0 || kind === 1) {
    const r = n % bits;
    if (r === 0) return v;
    const [left, right] = kind === 0 ? [r, bits - r] : [bits - r, r];
    return size === 4
      ? `((${v} << ${left}) | (${v} >>> ${right}))`
      : `(((${v} << ${left}) | (${v} >>> ${right})) & ${m})`;
  }
  if (kind === 5) return `(${v} >>> ${n})`;
  if (kind === 7)
    return size === 4 ? `(${v} >> ${n})` : `((((${v} << ${32 - bits}) >> ${32 - bits}) >> ${n}) & ${m})`;
  return size === 4 ? `(${v} << ${n})` : `((${v} << ${n}) & ${m})`;
}

/** TEST (and `logicFlags` of a value) inline: records LZ_LOGIC of `value` masked to `size`. */
export function testExpr(value: string, size: number): string {
  return `(fa = 0, fb = 0, fr = (${value}) & ${maskOf(size)}, ${recordExpr(LZ_LOGIC, "0", size)});`;
}

/**
 * What the block's locals fa, fb, fr hold after an instruction, for fusedCond: FLAGS_UNKNOWN, or
 * the flag-setting instruction's lazy kind << 3 | operand size, when EFLAGS are still exactly what
 * it recorded from them.
 */
export const FLAGS_UNKNOWN = 0;

/** The known-flags value for a producer of lazy `kind` on `size`-byte operands. */
export function known(kind: number, size: number): number {
  return (kind << 3) | size;
}

/**
 * Condition `cc` (0-15) computed from the locals fa, fb, fr the producer `flags` (see known())
 * left, as a JavaScript boolean expression equal to cond(c, cc) there; null when that kind does
 * not give it cheaply (the caller then calls cond()).
 */
export function fusedCond(cc: number, flags: number): string | null {
  if (flags === FLAGS_UNKNOWN) return null;
  const kind = flags >> 3;
  const size = flags & 7;
  const sign = size === 4 ? 0 : size === 2 ? 0x8000 : 0x80;
  const zf = "fr === 0";
  const sf = size === 4 ? "fr < 0" : `(fr & ${sign}) !== 0`;
  const neg = (x: string) => (size === 4 ? `(${x}) < 0` : `((${x}) & ${sign}) !== 0`);
  const sx = (x: string) =>
    size === 4 ? `(${x} | 0)` : size === 2 ? `((${x} << 16) >> 16)` : `((${x} << 24) >> 24)`;
  const ux = (x: string) => (size === 4 ? `(${x} >>> 0)` : x);
  let cf: string | null = null;
  let of: string | null = null;
  let below: string | null = null;
  let less: string | null = null;
  let lessEq: string | null = null;
  if (kind === LZ_SUB) {
    cf = `${ux("fa")} < ${ux("fb")}`;
    below = `${ux("fa")} <= ${ux("fb")}`;
    of = neg("(fa ^ fb) & (fa ^ fr)");
    less = `${sx("fa")} < ${sx("fb")}`;
    lessEq = `${sx("fa")} <= ${sx("fb")}`;
  } else if (kind === LZ_ADD) {
    cf = size === 4 ? "(fr >>> 0) < (fa >>> 0)" : `fa + fb > ${maskOf(size)}`;
    of = neg("(fa ^ fr) & (fb ^ fr)");
  } else if (kind === LZ_LOGIC) {
    cf = "false";
    of = "false";
    below = zf;
    less = sf;
    lessEq = `${zf} || ${sf}`;
  } else if (kind === LZ_EXPL) {
    cf = `(fb & ${FLAG_CF}) !== 0`;
    of = `(fb & ${FLAG_OF}) !== 0`;
  }
  let r: string | null;
  switch (cc >> 1) {
    case 0:
      r = of;
      break;
    case 1:
      r = cf;
      break;
    case 2:
      r = zf;
      break;
    case 3:
      r = below ?? (cf === null ? null : `${cf} || ${zf}`);
      break;
    case 4:
      r = sf;
      break;
    case 6:
      r = less ?? (of === null ? null : `(${sf}) !== (${of})`);
      break;
    case 7:
      r = lessEq ?? (of === null ? null : `${zf} || (${sf}) !== (${of})`);
      break;
    default:
      r = null;
  }
  if (r === null) return null;
  return (cc & 1) === 0 ? `(${r})` : `!(${r})`;
}

/** cond(c, cc) as generated code: fused with the known flags producer where possible. */
export function condExpr(cc: number, flags: number): string {
  return fusedCond(cc, flags) ?? `cond(c, ${cc})`;
}

/**
 * The little-endian value of `size` bytes at buffer index mx (a block local), as rdL* reads it:
 * words and dwords through the DataView dv (one load: V8 compiles it smaller and runs it about
 * twice as fast as four byte loads).
 */
export function bufferRead(size: number): string {
  if (size === 4) return "dv.getInt32(mx, true)";
  return size === 2 ? "dv.getUint16(mx, true)" : "buf[mx]";
}

/** Statements storing the low `size` bytes of mv little-endian at buffer index mx. */
export function bufferWrite(size: number): string {
  if (size === 4) return "dv.setInt32(mx, mv, true);";
  return size === 2 ? "dv.setUint16(mx, mv, true);" : "buf[mx] = mv;";
}

/**
 * Inline read of `size` bytes at seg:`off` (an expression, evaluated once into mo): the fast path
 * of rdM8/rdM16/rdM32 (access.ts: limits, then one TLB entry and the buffer), else the helper
 * itself, which checks again and raises the fault or takes the slow path. Returns what the helper
 * returns (unsigned for bytes and words, int32 for dwords).
 */
export function load(size: number, seg: number, off: string): string {
  if (!gen.tier2) return `${rd(size)}(c, ${seg}, mo = ${off})`;
  const bytes = bufferRead(size);
  const inPage = size === 1 ? "" : ` && (ml & 0xfff) <= ${0x1000 - size}`;
  return `(mo = ${off}, ml = (segBase[${seg}] + mo) | 0, mn = ~c.tlbR[ml >>> 12], mn >= 0 && mo >= segRLo[${seg}] && mo + ${size - 1} <= segRHi[${seg}]${inPage} ? (mx = ((mn << 12) | (ml & 0xfff)) >>> 0, ${bytes}) : (${atFirst()}${rd(size)}(c, ${seg}, mo)))`;
}

/**
 * Inline write of `value` (`size` bytes) at seg:`off`, as statements: offset then value evaluated
 * once (into mo, mv, the order of the helper's arguments), then the fast path of wrM8/16/32, else
 * the helper. Pages holding translated code, watched pages, ROM and MMIO have no TLB write entry,
 * so such stores always reach the helper.
 */
export function store(size: number, seg: number, off: string, value: string): string {
  if (!gen.tier2) return `mo = ${off}; ${wr(size)}(c, ${seg}, mo, ${value});`;
  const bytes = bufferWrite(size);
  const inPage = size === 1 ? "" : ` && (ml & 0xfff) <= ${0x1000 - size}`;
  return `mo = ${off}; mv = ${value}; ml = (segBase[${seg}] + mo) | 0; mn = ~c.tlbW[ml >>> 12]; if (mn >= 0 && mo >= segWLo[${seg}] && mo + ${size - 1} <= segWHi[${seg}]${inPage}) { mx = ((mn << 12) | (ml & 0xfff)) >>> 0; ${bytes} } else { ${atFirst()}${wr(size)}(c, ${seg}, mo, mv); }`;
}

/** PUSH of `value` (`size` bytes) with the block's stack size: ESP changes only after the write. */
export function push(size: number, stack32: number, value: string): string {
  if (stack32) return `${store(size, SS, `(regs[${ESP}] - ${size}) >>> 0`, value)} regs[${ESP}] = mo;`;
  return `${store(size, SS, `(r16[${ESP << 1}] - ${size}) & 0xffff`, value)} r16[${ESP << 1}] = mo;`;
}

/** POP into the register lvalue `dst`: read, then ESP moves, then the register (so POP ESP loads ESP). */
export function pop(size: number, stack32: number, dst: string): string {
  const sp = stack32 ? `regs[${ESP}] >>> 0` : `r16[${ESP << 1}]`;
  const moved = stack32 ? `regs[${ESP}] = mo + ${size};` : `r16[${ESP << 1}] = mo + ${size};`;
  return `{ const p = ${load(size, SS, sp)}; ${moved} ${dst} = p; }`;
}

/**
 * True for the generated instructions that leave EFLAGS alone (moves, LEA, stack moves, XCHG,
 * CBW/CWD, MOVZX/MOVSX, a conditional branch or LOOP that falls through), so a producer's fa, fb,
 * fr still describe the flags after them.
 */
export function keepsFlags(op: number): boolean {
  return (
    (op >= 0x50 && op <= 0x5f) ||
    (op >= 0x70 && op <= 0x7f) ||
    (op >= 0x86 && op <= 0x8b) ||
    op === 0x8d ||
    (op >= 0x90 && op <= 0x99) ||
    (op >= 0xa0 && op <= 0xa3) ||
    (op >= 0xb0 && op <= 0xbf) ||
    op === 0x68 ||
    op === 0x6a ||
    op === 0xc6 ||
    op === 0xc7 ||
    op === 0xe2 ||
    op === 0xe3 ||
    (op >= OP_0F + 0x80 && op <= OP_0F + 0x8f) ||
    op === OP_0F + 0xb6 ||
    op === OP_0F + 0xb7 ||
    op === OP_0F + 0xbe ||
    op === OP_0F + 0xbf
  );
}

/** Read-modify-write ALU on an 8/16-bit memory operand, in the interpreter's order (read, probe, compute, write). */
export function rmw(aop: number, size: number, seg: number, off: string, b: string): string {
  if (aop === CMP) return `${aluExpr(CMP, load(size, seg, off), b, size)};`;
  // The interpreter's order (operands.ts aluMem32): read, probe the write, compute, write; the
  // operation inline, so fa, fb, fr hold its operands as produced() says.
  const slow = `{ ${gen.at === "" ? "" : `${gen.at}; `}const a = ${rd(size)}(c, ${seg}, mo); probeWrite(c, ${seg}, mo, ${size}); ${wr(size)}(c, ${seg}, mo, ${aluExpr(aop, "a", b, size)}); }`;
  if (!gen.tier2) return `mo = ${off}; ${slow}`;
  const bytes = bufferRead(size);
  const put = bufferWrite(size);
  // In place when the segment allows the write and the TLB holds the page for reading and
  // writing (operands.ts rmwIndex); else as above.
  return `mo = ${off}; ml = (segBase[${seg}] + mo) | 0; mn = ~c.tlbW[ml >>> 12]; if (mn >= 0 && ~c.tlbR[ml >>> 12] >= 0 && mo >= segWLo[${seg}] && mo + ${size - 1} <= segWHi[${seg}] && (ml & 0xfff) <= ${0x1000 - size}) { mx = ((mn << 12) | (ml & 0xfff)) >>> 0; mv = ${aluExpr(aop, bytes, b, size)}; ${put} } else ${slow}`;
}
