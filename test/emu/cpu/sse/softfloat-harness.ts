// The host CPU as the oracle for the SSE float tests: a small C program, compiled at test time with
// gcc, runs one SSE instruction per input line under a given MXCSR (LDMXCSR, the instruction and
// STMXCSR in one asm block, so nothing the compiler does can move them apart) and prints the result
// bits and the MXCSR (or EFLAGS) after it. Only x86-64 hosts can run it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FpuRegisters } from "../../../../src/emu/cpu/fpu-registers.ts";
import {
  add32,
  cmp32,
  comi32,
  div32,
  max32,
  min32,
  mul32,
  rcp32,
  rsqrt32,
  sqrt32,
  sub32,
} from "../../../../src/emu/cpu/sse/softfloat.ts";
import {
  f32ToF64,
  f32ToI32,
  f32ToI32Trunc,
  f64ToF32,
  f64ToI32,
  f64ToI32Trunc,
  i32ToF32,
  i32ToF64,
} from "../../../../src/emu/cpu/sse/softfloat-convert.ts";
import { f64Out } from "../../../../src/emu/cpu/sse/softfloat-core.ts";
import {
  add64,
  cmp64,
  comi64,
  div64,
  max64,
  min64,
  mul64,
  sqrt64,
  sub64,
} from "../../../../src/emu/cpu/sse/softfloat-f64.ts";

// Line format in: "<op> <mxcsr hex> <a hex, 64-bit> <b hex, 64-bit>"; out: "<result hex> <mxcsr hex>",
// the result being EFLAGS' ZF/PF/CF for COMIS/UCOMIS. 32-bit operands sit in the low half.
// cmpss/cmpsd take the predicate as a suffix (cmpss0 .. cmpss7).
const SOURCE = String.raw`
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define IN32 "ldmxcsr %[m]\n\tmovd %k[a], %%xmm0\n\tmovd %k[b], %%xmm1\n\t"
#define IN64 "ldmxcsr %[m]\n\tmovq %[a], %%xmm0\n\tmovq %[b], %%xmm1\n\t"
#define OUTX "\n\tmovq %%xmm0, %[r]\n\tstmxcsr %[m]"
#define OUTG "\n\tstmxcsr %[m]"
#define OUTF "\n\tstmxcsr %[m]\n\tpushfq\n\tpopq %[r]"
#define RUN(text) asm volatile(text : [r] "=&r"(r), [m] "+m"(m) : [a] "r"(a), [b] "r"(b) : "xmm0", "xmm1", "cc")
#define X32(insn) if (!strcmp(op, #insn)) { RUN(IN32 #insn " %%xmm1, %%xmm0" OUTX); r &= 0xffffffffu; } else
#define X64(insn) if (!strcmp(op, #insn)) { RUN(IN64 #insn " %%xmm1, %%xmm0" OUTX); } else
#define C32(n) if (!strcmp(op, "cmpss" #n)) { RUN(IN32 "cmpss $" #n ", %%xmm1, %%xmm0" OUTX); r &= 0xffffffffu; } else
#define C64(n) if (!strcmp(op, "cmpsd" #n)) { RUN(IN64 "cmpsd $" #n ", %%xmm1, %%xmm0" OUTX); } else

int main(void) {
  char op[32];
  unsigned int mx;
  unsigned long long a, b;
  while (scanf("%31s %x %llx %llx", op, &mx, &a, &b) == 4) {
    uint64_t r = 0;
    uint32_t m = mx;
    X32(addss) X32(subss) X32(mulss) X32(divss) X32(minss) X32(maxss)
    X64(addsd) X64(subsd) X64(mulsd) X64(divsd) X64(minsd) X64(maxsd)
    C32(0) C32(1) C32(2) C32(3) C32(4) C32(5) C32(6) C32(7)
    C64(0) C64(1) C64(2) C64(3) C64(4) C64(5) C64(6) C64(7)
    if (!strcmp(op, "sqrtss")) { RUN(IN32 "sqrtss %%xmm0, %%xmm0" OUTX); r &= 0xffffffffu; } else
    if (!strcmp(op, "sqrtsd")) { RUN(IN64 "sqrtsd %%xmm0, %%xmm0" OUTX); } else
    if (!strcmp(op, "comiss")) { RUN(IN32 "comiss %%xmm1, %%xmm0" OUTF); r &= 0x45; } else
    if (!strcmp(op, "ucomiss")) { RUN(IN32 "ucomiss %%xmm1, %%xmm0" OUTF); r &= 0x45; } else
    if (!strcmp(op, "comisd")) { RUN(IN64 "comisd %%xmm1, %%xmm0" OUTF); r &= 0x45; } else
    if (!strcmp(op, "ucomisd")) { RUN(IN64 "ucomisd %%xmm1, %%xmm0" OUTF); r &= 0x45; } else
    if (!strcmp(op, "cvtsi2ss")) { RUN(IN32 "cvtsi2ssl %k[a], %%xmm0" OUTX); r &= 0xffffffffu; } else
    if (!strcmp(op, "cvtsi2sd")) { RUN(IN32 "cvtsi2sdl %k[a], %%xmm0" OUTX); } else
    if (!strcmp(op, "cvtss2sd")) { RUN(IN32 "cvtss2sd %%xmm0, %%xmm0" OUTX); } else
    if (!strcmp(op, "cvtsd2ss")) { RUN(IN64 "cvtsd2ss %%xmm0, %%xmm0" OUTX); r &= 0xffffffffu; } else
    if (!strcmp(op, "cvtss2si")) { RUN(IN32 "cvtss2si %%xmm0, %k[r]" OUTG); r &= 0xffffffffu; } else
    if (!strcmp(op, "cvttss2si")) { RUN(IN32 "cvttss2si %%xmm0, %k[r]" OUTG); r &= 0xffffffffu; } else
    if (!strcmp(op, "cvtsd2si")) { RUN(IN64 "cvtsd2si %%xmm0, %k[r]" OUTG); r &= 0xffffffffu; } else
    if (!strcmp(op, "cvttsd2si")) { RUN(IN64 "cvttsd2si %%xmm0, %k[r]" OUTG); r &= 0xffffffffu; } else
    { fprintf(stderr, "unknown op %s\n", op); return 2; }
    printf("%llx %x\n", (unsigned long long)r, m);
  }
  return 0;
}
`;

/** One instruction to run: its name, the MXCSR to load, and the operands' bits. */
export interface HwCase {
  op: string;
  mxcsr: number;
  a: bigint;
  b: bigint;
}

/** What the host CPU gave: the result bits (EFLAGS for COMIS/UCOMIS) and the MXCSR after. */
export interface HwResult {
  result: bigint;
  status: number;
}

/** True when this host can run the harness (an x86-64 CPU). */
export function hostIsX86(): boolean {
  return process.arch === "x64";
}

/** Compiles the harness in a temporary directory; returns its path and a cleanup function. */
export function buildHarness(): { exe: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-sse-"));
  const src = join(dir, "sse.c");
  const exe = join(dir, "sse");
  writeFileSync(src, SOURCE);
  execFileSync("gcc", ["-O1", "-o", exe, src], { stdio: ["ignore", "ignore", "pipe"] });
  return { exe, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs every case on the host CPU, in order. */
export function runOnHost(exe: string, cases: readonly HwCase[]): HwResult[] {
  if (cases.length === 0) return [];
  const input = cases
    .map((c) => `${c.op} ${c.mxcsr.toString(16)} ${c.a.toString(16)} ${c.b.toString(16)}`)
    .join("\n");
  const out = execFileSync(exe, [], { input: `${input}\n`, maxBuffer: 256 * 1024 * 1024 }).toString();
  const lines = out.trimEnd().split("\n");
  if (lines.length !== cases.length)
    throw new Error(`harness answered ${lines.length} of ${cases.length} cases`);
  return lines.map((line) => {
    const [r, s] = line.split(" ");
    return { result: BigInt(`0x${r}`), status: Number.parseInt(s!, 16) };
  });
}

/** A seeded generator of unsigned 32-bit numbers (mulberry32). */
export function rng32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const st = new FpuRegisters();

/** Runs a case through pcscope's softfloat: the result bits (EFLAGS for COMIS) and the MXCSR after. */
export function runOnPcscope(c: HwCase): HwResult {
  st.mxcsr = c.mxcsr;
  const a32 = Number(c.a & 0xffffffffn);
  const b32 = Number(c.b & 0xffffffffn);
  const aHi = Number(c.a >> 32n);
  const bHi = Number(c.b >> 32n);
  let r32 = -1;
  let r64 = false;
  const op = c.op;
  if (op.startsWith("cmpss")) r32 = cmp32(a32, b32, Number(op[5]), st) ? 0xffffffff : 0;
  else if (op.startsWith("cmpsd")) {
    const t = cmp64(a32, aHi, b32, bHi, Number(op[5]), st);
    return { result: t ? 0xffffffffffffffffn : 0n, status: st.mxcsr };
  } else
    switch (op) {
      case "addss":
        r32 = add32(a32, b32, st);
        break;
      case "subss":
        r32 = sub32(a32, b32, st);
        break;
      case "mulss":
        r32 = mul32(a32, b32, st);
        break;
      case "divss":
        r32 = div32(a32, b32, st);
        break;
      case "minss":
        r32 = min32(a32, b32, st);
        break;
      case "maxss":
        r32 = max32(a32, b32, st);
        break;
      case "sqrtss":
        r32 = sqrt32(a32, st);
        break;
      case "rcpss":
        r32 = rcp32(a32, st);
        break;
      case "rsqrtss":
        r32 = rsqrt32(a32, st);
        break;
      case "comiss":
        r32 = comi32(a32, b32, true, st);
        break;
      case "ucomiss":
        r32 = comi32(a32, b32, false, st);
        break;
      case "cvtsi2ss":
        r32 = i32ToF32(a32, st);
        break;
      case "cvtsd2ss":
        r32 = f64ToF32(a32, aHi, st);
        break;
      case "cvtss2si":
        r32 = f32ToI32(a32, st);
        break;
      case "cvttss2si":
        r32 = f32ToI32Trunc(a32, st);
        break;
      case "cvtsd2si":
        r32 = f64ToI32(a32, aHi, st);
        break;
      case "cvttsd2si":
        r32 = f64ToI32Trunc(a32, aHi, st);
        break;
      case "comisd":
        r32 = comi64(a32, aHi, b32, bHi, true, st);
        break;
      case "ucomisd":
        r32 = comi64(a32, aHi, b32, bHi, false, st);
        break;
      case "addsd":
        add64(a32, aHi, b32, bHi, st);
        r64 = true;
        break;
      case "subsd":
        sub64(a32, aHi, b32, bHi, st);
        r64 = true;
        break;
      case "mulsd":
        mul64(a32, aHi, b32, bHi, st);
        r64 = true;
        break;
      case "divsd":
        div64(a32, aHi, b32, bHi, st);
        r64 = true;
        break;
      case "minsd":
        min64(a32, aHi, b32, bHi, st);
        r64 = true;
        break;
      case "maxsd":
        max64(a32, aHi, b32, bHi, st);
        r64 = true;
        break;
      case "sqrtsd":
        sqrt64(a32, aHi, st);
        r64 = true;
        break;
      case "cvtsi2sd":
        i32ToF64(a32);
        r64 = true;
        break;
      case "cvtss2sd":
        f32ToF64(a32, st);
        r64 = true;
        break;
      default:
        throw new Error(`no such op ${op}`);
    }
  const result = r64 ? (BigInt(f64Out.hi) << 32n) | BigInt(f64Out.lo) : BigInt(r32 >>> 0);
  return { result, status: st.mxcsr };
}

/** MXCSR with every exception masked, plus the control bits a case sets. */
export const MXCSR_MASKED = 0x1f80;
const DE = 0x02;
const DAZ = 0x40;
const FTZ = 0x8000;
const UE = 0x10;
const PE = 0x20;
const RC_TOWARD_ZERO = 0x6000;

/** Every rounding mode with DAZ and FTZ off and on: the 16 control settings. */
export const ALL_MODES: readonly number[] = [0, 1, 2, 3].flatMap((rc) =>
  [0, DAZ, FTZ, DAZ | FTZ].map((dz) => MXCSR_MASKED | (rc << 13) | dz),
);
/** The settings comparisons and min/max depend on: DAZ off and on. */
export const DAZ_MODES: readonly number[] = [MXCSR_MASKED, MXCSR_MASKED | DAZ];

/** float32 operands worth testing: zeros, infinities, QNaN/SNaN with payloads, denormals, extremes, halfway points. */
export const F32_SPECIALS: readonly bigint[] = [
  0x00000000n,
  0x80000000n,
  0x7f800000n,
  0xff800000n,
  0x7fc00000n,
  0xffc00000n,
  0x7fc12345n,
  0xffe00001n,
  0x7f800001n,
  0x7fa00000n,
  0xff812345n,
  0x7fbfffffn,
  0x00000001n,
  0x80000001n,
  0x00000003n,
  0x00400000n,
  0x807fffffn,
  0x007fffffn,
  0x00200001n,
  0x00800000n,
  0x80800000n,
  0x00800001n,
  0x00ffffffn,
  0x01000000n,
  0x7f7fffffn,
  0xff7fffffn,
  0x7f7ffffen,
  0x7f000000n,
  0x7effffffn,
  0x3f800000n,
  0xbf800000n,
  0x3f800001n,
  0x3f7fffffn,
  0x3fc00000n,
  0x40000000n,
  0x40400000n,
  0x3dcccccdn,
  0x3f000000n,
  0xbf000000n,
  0x40200000n,
  0xbfc00000n,
  0x3effffffn,
  0x33800000n,
  0x33800001n,
  0x34000000n,
  0xb3800000n,
  0x4b000000n,
  0x4b800000n,
  0x4b800001n,
  0x4effffffn,
  0x4f000000n,
  0xcf000000n,
  0xcf000001n,
  0x4f800000n,
  0x1f800000n,
  0x5f800000n,
  0x0c000000n,
  0x20000000n,
  0x72000000n,
  0x0d800000n,
];

/** float64 operands worth testing, as F32_SPECIALS, plus values at float32's edges for CVTSD2SS. */
export const F64_SPECIALS: readonly bigint[] = [
  0x0n,
  0x8000000000000000n,
  0x7ff0000000000000n,
  0xfff0000000000000n,
  0x7ff8000000000000n,
  0xfff8000000000000n,
  0x7ff8000000012345n,
  0xfffc000000000001n,
  0x7ff0000000000001n,
  0x7ff4000000000000n,
  0xfff0000012345678n,
  0x7ff7ffffffffffffn,
  0x1n,
  0x8000000000000001n,
  0x3n,
  0x0008000000000000n,
  0x800fffffffffffffn,
  0x000fffffffffffffn,
  0x0000000100000000n,
  0x00000000ffffffffn,
  0x0010000000000000n,
  0x8010000000000000n,
  0x0010000000000001n,
  0x001fffffffffffffn,
  0x0020000000000000n,
  0x7fefffffffffffffn,
  0xffefffffffffffffn,
  0x7feffffffffffffen,
  0x7fe0000000000000n,
  0x7fdfffffffffffffn,
  0x3ff0000000000000n,
  0xbff0000000000000n,
  0x3ff0000000000001n,
  0x3fefffffffffffffn,
  0x3ff8000000000000n,
  0x4000000000000000n,
  0x4008000000000000n,
  0x3fb999999999999an,
  0x3fe0000000000000n,
  0xbfe0000000000000n,
  0x4004000000000000n,
  0xbff8000000000000n,
  0x3fdfffffffffffffn,
  0x3ca0000000000000n,
  0x3ca0000000000001n,
  0x3cb0000000000000n,
  0xbca0000000000000n,
  0x41dfffffffc00000n,
  0x41e0000000000000n,
  0xc1e0000000000000n,
  0xc1e0000000200000n,
  0x41dfffffffe00000n,
  0x41dfffffffffffffn,
  0x4330000000000000n,
  0x4340000000000000n,
  0x47efffffe0000000n,
  0x47effffff0000000n,
  0x47f0000000000000n,
  0x3810000000000000n,
  0x380fffffffffffffn,
  0x36a0000000000000n,
  0x3690000000000000n,
  0x3690000000000001n,
  0x369fffffffffffffn,
  0x380ffffff0000000n,
  0x3e70000000000000n,
  0x1ff0000000000000n,
  0x5ff0000000000000n,
  0x2000000000000000n,
  0x6000000000000000n,
  0x0100000000000000n,
];

/** int32 operands for CVTSI2SS/SD: around 2^24 (float32's exact limit), the extremes, others. */
export const I32_SPECIALS: readonly bigint[] = [
  0x0n,
  0x1n,
  0xffffffffn,
  0x7fffffffn,
  0x80000000n,
  0x01000001n,
  0x00ffffffn,
  0x01000000n,
  0xfeffffffn,
  0x12345678n,
  0x7fffffc0n,
  0x7fffffbfn,
  0x01000003n,
  0xfefffffdn,
  0x80000001n,
];

const BINARY32 = ["addss", "subss", "mulss", "divss"];
const ORDER32 = ["minss", "maxss", "comiss", "ucomiss", ...[0, 1, 2, 3, 4, 5, 6, 7].map((p) => `cmpss${p}`)];
const UNARY32 = ["sqrtss", "cvtss2sd", "cvtss2si", "cvttss2si"];
const BINARY64 = ["addsd", "subsd", "mulsd", "divsd"];
const ORDER64 = ["minsd", "maxsd", "comisd", "ucomisd", ...[0, 1, 2, 3, 4, 5, 6, 7].map((p) => `cmpsd${p}`)];
const UNARY64 = ["sqrtsd", "cvtsd2ss", "cvtsd2si", "cvttsd2si"];

/** Every op on every pair (or single operand) of special values, under the settings it depends on. */
export function specialCases(): HwCase[] {
  const cases: HwCase[] = [];
  const pairs = (values: readonly bigint[], ops: readonly string[], modes: readonly number[]) => {
    for (const op of ops)
      for (const mxcsr of modes)
        for (const a of values) for (const b of values) cases.push({ op, mxcsr, a, b });
  };
  const singles = (values: readonly bigint[], ops: readonly string[]) => {
    for (const op of ops)
      for (const mxcsr of ALL_MODES) for (const a of values) cases.push({ op, mxcsr, a, b: 0n });
  };
  pairs(F32_SPECIALS, BINARY32, ALL_MODES);
  pairs(F32_SPECIALS, ORDER32, DAZ_MODES);
  singles(F32_SPECIALS, UNARY32);
  pairs(F64_SPECIALS, BINARY64, ALL_MODES);
  pairs(F64_SPECIALS, ORDER64, DAZ_MODES);
  singles(F64_SPECIALS, UNARY64);
  singles(I32_SPECIALS, ["cvtsi2ss", "cvtsi2sd"]);
  return cases;
}

/**
 * A random float32 near `other` or anywhere: random bits, extreme exponents, or `other` with a
 * shifted exponent and flipped low bits (cancellation, halfway and sticky cases).
 */
function random32(next: () => number, other: number): number {
  const kind = next() % 4;
  if (kind === 0) return next();
  if (kind === 1) {
    const edges = [0, 1, 2, 0x7f, 0x80, 0x96, 0x97, 0x9e, 0xfd, 0xfe];
    const e = edges[next() % edges.length]!;
    return ((next() & 0x807fffff) | (e << 23)) >>> 0;
  }
  const e = ((other >>> 23) & 0xff) + (next() % 60) - 30;
  const exp = Math.min(254, Math.max(0, e));
  const frac = kind === 2 ? (other ^ (next() & 0xff)) & 0x7fffff : next() & 0x7fffff;
  return ((next() & 0x80000000) | (exp << 23) | frac) >>> 0;
}

/** A random float64 as random32 builds a float32 (hi from the same recipe, lo random). */
function random64(next: () => number, other: bigint): bigint {
  const kind = next() % 4;
  const lo = BigInt(next());
  if (kind === 0) return (BigInt(next()) << 32n) | lo;
  const otherHi = Number(other >> 32n);
  let e: number;
  if (kind === 1) {
    const edges = [0, 1, 2, 0x369, 0x36a, 0x380, 0x381, 0x3ff, 0x41e, 0x47e, 0x47f, 0x7fd, 0x7fe];
    e = edges[next() % edges.length]!;
  } else e = Math.min(0x7fe, Math.max(0, ((otherHi >>> 20) & 0x7ff) + (next() % 120) - 60));
  const fracHi = kind === 2 ? (otherHi ^ (next() & 0xf)) & 0xfffff : next() & 0xfffff;
  const loBits = kind === 2 ? (other & 0xffffffffn) ^ BigInt(next() & 0xff) : lo;
  return (BigInt(((next() & 0x80000000) | (e << 20) | fracHi) >>> 0) << 32n) | loBits;
}

/** `count` random cases over every op, each under a random one of the 16 control settings. */
export function randomCases(seed: number, count: number): HwCase[] {
  const next = rng32(seed);
  const ops32 = [...BINARY32, ...ORDER32, ...UNARY32, "cvtsi2ss"];
  const ops64 = [...BINARY64, ...ORDER64, ...UNARY64, "cvtsi2sd"];
  const cases: HwCase[] = [];
  for (let i = 0; i < count; i++) {
    const mxcsr = ALL_MODES[next() % ALL_MODES.length]!;
    if (i % 2 === 0) {
      const op = ops32[next() % ops32.length]!;
      const b = random32(next, next());
      const a = random32(next, b);
      cases.push({ op, mxcsr, a: BigInt(a), b: BigInt(b) });
    } else {
      const op = ops64[next() % ops64.length]!;
      const b = random64(next, (BigInt(next()) << 32n) | BigInt(next()));
      const a = op === "cvtsi2sd" ? BigInt(next()) : random64(next, b);
      cases.push({ op, mxcsr, a, b });
    }
  }
  return cases;
}

/** The ops whose result is a NaN operand when there is one, and the MIN/MAX ops. */
const PROPAGATING = new Set([...BINARY32, ...BINARY64]);
const MIN_MAX = new Set(["minss", "maxss", "minsd", "maxsd"]);

/** True when `bits` (of the op's width) is a NaN. */
function isNaNBits(bits: bigint, wide: boolean): boolean {
  if (wide) return (bits & 0x7fffffffffffffffn) > 0x7ff0000000000000n;
  return (bits & 0x7fffffffn) > 0x7f800000n;
}

/** `bits` with a denormal replaced by the zero of its sign, as DAZ reads it. */
function flushDenormal(bits: bigint, wide: boolean): bigint {
  const expMask = wide ? 0x7ff0000000000000n : 0x7f800000n;
  const sign = wide ? 0x8000000000000000n : 0x80000000n;
  return (bits & expMask) === 0n ? bits & sign : bits;
}

/**
 * QEMU 7.2's answer for a case, from the host CPU's where they agree. Where QEMU differs from the
 * CPU it is the reference, derived from its source:
 * - MXCSR.DE: QEMU never sets it (update_mxcsr_from_sse_status maps no input-denormal flag), the
 *   CPU does for denormal operands without DAZ;
 * - two NaN operands: QEMU picks by the x87 rule (a QNaN over an SNaN, then the larger fraction,
 *   then the positive sign; softfloat-specialize's pickNaN for TARGET_I386), the CPU returns the
 *   first operand;
 * - FTZ: QEMU flushes a result whose unrounded exponent is below the normal range (softfloat-parts'
 *   uncanon_normal tests the exponent before rounding), so one that rounds up to the smallest
 *   normal becomes a zero with UE and PE; the CPU, detecting tininess after rounding, keeps the
 *   smallest normal. `belowMinNormal` says the exact result was below it (see disagreements);
 * - MIN/MAX under DAZ: both choose by comparing the operands with denormals read as zeros, but the
 *   CPU returns the chosen operand flushed to zero and QEMU returns it as it was (ops_sse.h's
 *   FPU_MIN/FPU_MAX return `a` or `b` itself).
 */
export function qemuReference(c: HwCase, hw: HwResult, belowMinNormal: boolean): HwResult {
  const status = hw.status & ~DE;
  if (belowMinNormal) return { result: hw.result & signOf(c.op), status: status | UE | PE };
  const wide = c.op.endsWith("sd");
  if (PROPAGATING.has(c.op) && isNaNBits(c.a, wide) && isNaNBits(c.b, wide)) {
    const quiet = wide ? 0x0008000000000000n : 0x00400000n;
    const fracMask = wide ? 0x000fffffffffffffn : 0x007fffffn;
    const signBit = wide ? 63n : 31n;
    const aQuiet = (c.a & quiet) !== 0n;
    const bQuiet = (c.b & quiet) !== 0n;
    let takeB: boolean;
    if (aQuiet !== bQuiet) takeB = bQuiet;
    else {
      const fa = c.a & fracMask;
      const fb = c.b & fracMask;
      takeB = fa !== fb ? fb > fa : !(c.a >> signBit === 0n && c.b >> signBit === 1n);
    }
    return { result: (takeB ? c.b : c.a) | quiet, status };
  }
  if (MIN_MAX.has(c.op) && (c.mxcsr & DAZ) !== 0)
    return { result: hw.result === flushDenormal(c.b, wide) ? c.b : c.a, status };
  return { result: hw.result, status };
}

/** The ops whose result is a float64. */
const F64_RESULTS = ["addsd", "subsd", "mulsd", "divsd", "minsd", "maxsd", "sqrtsd", "cvtss2sd", "cvtsi2sd"];

/** True when the op's result is 64 bits wide (a float64 or a CMPSD mask). */
export function resultIsF64(op: string): boolean {
  return F64_RESULTS.includes(op) || op.startsWith("cmpsd");
}

/** The sign bit of the op's float result. */
function signOf(op: string): bigint {
  return F64_RESULTS.includes(op) ? 0x8000000000000000n : 0x80000000n;
}

/** The smallest normal of the op's float result format. */
function minNormalOf(op: string): bigint {
  return F64_RESULTS.includes(op) ? 0x0010000000000000n : 0x00800000n;
}

/**
 * The indexes of the FTZ cases whose exact result lies below the smallest normal although the CPU
 * rounded it up to that normal: the same case rounded toward zero without FTZ, asked of the CPU,
 * comes out below the smallest normal exactly then.
 */
function roundedUpToMinNormal(exe: string, cases: readonly HwCase[], host: readonly HwResult[]): Set<number> {
  const candidates: number[] = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    const r = host[i]!;
    const magnitude = r.result & ~signOf(c.op);
    if (
      (c.mxcsr & FTZ) !== 0 &&
      !/^u?comis|^cmps|2si$/.test(c.op) &&
      magnitude === minNormalOf(c.op) &&
      (r.status & PE) !== 0
    )
      candidates.push(i);
  }
  const probes = runOnHost(
    exe,
    candidates.map((i) => ({ ...cases[i]!, mxcsr: (cases[i]!.mxcsr & ~FTZ) | RC_TOWARD_ZERO })),
  );
  const below = new Set<number>();
  candidates.forEach((i, j) => {
    if ((probes[j]!.result & ~signOf(cases[i]!.op)) < minNormalOf(cases[i]!.op)) below.add(i);
  });
  return below;
}

/** Runs the cases on the host and on pcscope; returns a line for each disagreement. */
export function disagreements(exe: string, cases: readonly HwCase[]): string[] {
  const host = runOnHost(exe, cases);
  const flushedByQemu = roundedUpToMinNormal(exe, cases, host);
  const out: string[] = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    const want = qemuReference(c, host[i]!, flushedByQemu.has(i));
    const got = runOnPcscope(c);
    if (got.result !== want.result || got.status !== want.status)
      out.push(
        `${c.op} mxcsr=${c.mxcsr.toString(16)} a=${c.a.toString(16)} b=${c.b.toString(16)}: ` +
          `pcscope ${got.result.toString(16)}/${got.status.toString(16)}, want ${want.result.toString(16)}/${want.status.toString(16)} (cpu ${host[i]!.result.toString(16)}/${host[i]!.status.toString(16)})`,
      );
  }
  return out;
}
