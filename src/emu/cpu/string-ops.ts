// String instructions: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS with REP/REPE/REPNE, the direction
// flag, the address size (SI/DI/CX vs ESI/EDI/ECX) and segment overrides (the destination is
// always ES). A REP instruction runs in chunks: when a chunk ends with the count not exhausted,
// EIP stays on the instruction so interrupts and debugger stops can be taken between chunks.
// Each iteration counts as one retired instruction (as QEMU counts them).

import { ALU_CMP, alu } from "./alu.ts";
import { checkIo } from "./control.ts";
import type { Cpu } from "./cpu.ts";
import { getZF } from "./flags.ts";
import { getReg, readMem, setReg, writeMem } from "./operands.ts";
import { DS, EAX, ECX, EDI, EDX, ES, ESI, FLAG_DF, FLAG_IF, FLAG_TF } from "./state.ts";

/** Iterations per chunk before EIP is left on the instruction for a re-execution. */
const CHUNK = 4096;

/** Index register value (SI/ESI or DI/EDI) by address size. */
function getIdx(c: Cpu, r: number): number {
  return c.a32 ? c.regs[r] >>> 0 : c.r16[r << 1];
}

/** Adds `delta` to an index register by address size (16-bit wraps). */
function stepIdx(c: Cpu, r: number, delta: number): void {
  if (c.a32) c.regs[r] = c.regs[r] + delta;
  else c.r16[r << 1] = c.r16[r << 1] + delta;
}

/** One iteration of string instruction `op` with element size `sz` and source segment `seg`. */
function once(c: Cpu, op: number, sz: number, seg: number, delta: number): void {
  const mask = sz === 1 ? 0xff : sz === 2 ? 0xffff : 0xffffffff;
  switch (op) {
    case 0xa4:
    case 0xa5:
      writeMem(c, ES, getIdx(c, EDI), sz, readMem(c, seg, getIdx(c, ESI), sz));
      stepIdx(c, ESI, delta);
      stepIdx(c, EDI, delta);
      return;
    case 0xa6:
    case 0xa7: {
      const a = readMem(c, seg, getIdx(c, ESI), sz);
      const b = readMem(c, ES, getIdx(c, EDI), sz);
      alu(c, ALU_CMP, a, b, mask);
      stepIdx(c, ESI, delta);
      stepIdx(c, EDI, delta);
      return;
    }
    case 0xaa:
    case 0xab:
      writeMem(c, ES, getIdx(c, EDI), sz, getReg(c, EAX, sz));
      stepIdx(c, EDI, delta);
      return;
    case 0xac:
    case 0xad:
      setReg(c, EAX, sz, readMem(c, seg, getIdx(c, ESI), sz));
      stepIdx(c, ESI, delta);
      return;
    case 0xae:
    case 0xaf:
      alu(c, ALU_CMP, getReg(c, EAX, sz), readMem(c, ES, getIdx(c, EDI), sz), mask);
      stepIdx(c, EDI, delta);
      return;
    case 0x6c:
    case 0x6d: {
      // Probe the destination first (as QEMU does) so a fault does not lose the port data.
      const di = getIdx(c, EDI);
      writeMem(c, ES, di, sz, 0);
      const v = c.io.in(c.r16[EDX << 1], sz as 1 | 2 | 4);
      writeMem(c, ES, di, sz, v);
      stepIdx(c, EDI, delta);
      return;
    }
    default: {
      const v = readMem(c, seg, getIdx(c, ESI), sz);
      c.io.out(c.r16[EDX << 1], sz as 1 | 2 | 4, sz === 4 ? v >>> 0 : v);
      c.checkMemGeneration();
      stepIdx(c, ESI, delta);
    }
  }
}

/** Executes string instruction `op` (0x6c-0x6f, 0xa4-0xa7, 0xaa-0xaf) with the decoded prefixes. */
export function stringOp(c: Cpu, op: number): void {
  const sz = (op & 1) === 0 ? 1 : c.o32 ? 4 : 2;
  const seg = c.segOvr >= 0 ? c.segOvr : DS;
  const delta = (c.flags & FLAG_DF) !== 0 ? -sz : sz;
  if (op < 0x70) checkIo(c, c.r16[EDX << 1], sz);
  if (c.rep === 0) {
    once(c, op, sz, seg, delta);
    return;
  }
  let count = c.a32 ? c.regs[ECX] >>> 0 : c.r16[ECX << 1];
  if (count === 0) return;
  const cmp = op === 0xa6 || op === 0xa7 || op === 0xae || op === 0xaf;
  // Iterations in this pass: one under TF (the single-step #DB comes after every iteration, with
  // EIP still on the instruction: SDM Vol. 3B "Single-Step Exception Condition"), never beyond
  // the run budget.
  const control = c.runControl;
  let max = CHUNK;
  if ((c.flags & FLAG_TF) !== 0) max = 1;
  else if (control.insnEnd - c.instructions < max) max = Math.max(1, control.insnEnd - c.instructions);
  const bulk = max > 1 && delta > 0 && (op === 0xa4 || op === 0xa5 || op === 0xaa || op === 0xab);
  let iters = 0;
  for (;;) {
    let n = 0;
    if (bulk) {
      const want = Math.min(count, max - iters);
      n = op <= 0xa5 ? bulkMovs(c, sz, seg, want) : bulkStos(c, sz, want);
    }
    if (n === 0) {
      once(c, op, sz, seg, delta);
      n = 1;
    }
    count -= n;
    iters += n;
    // Each iteration is counted as it completes, so a fault in a later one leaves the count a
    // stepped run would have; the run loop counts the last one (hence the -1 on leaving).
    c.instructions += n;
    if (c.a32) c.regs[ECX] = count;
    else c.r16[ECX << 1] = count;
    if (count === 0) break;
    if (cmp && (getZF(c) !== 0) !== (c.rep === 0xf3)) break;
    if (iters >= max || c.stopPending || (c.intrLine && (c.flags & FLAG_IF) !== 0)) {
      c.instructions--;
      c.fp = c.fpStart;
      return;
    }
  }
  c.instructions--;
}

/** Highest offset usable by an ascending run: the segment's bound or the address-size wrap. */
function topOffset(c: Cpu, hi: number): number {
  return Math.min(hi, c.a32 ? 0xffffffff : 0xffff);
}

/** Copies as many MOVS elements as fit in the current source and destination pages; 0 if none. */
function bulkMovs(c: Cpu, sz: number, seg: number, count: number): number {
  const si = getIdx(c, ESI);
  const di = getIdx(c, EDI);
  if (si < c.segRLo[seg] || di < c.segWLo[ES]) return 0;
  let n = count;
  const ns = Math.floor((topOffset(c, c.segRHi[seg]) - si + 1) / sz);
  const nd = Math.floor((topOffset(c, c.segWHi[ES]) - di + 1) / sz);
  if (ns < n) n = ns;
  if (nd < n) n = nd;
  const sl = (c.segBase[seg] + si) | 0;
  const dl = (c.segBase[ES] + di) | 0;
  const so = ~c.tlbR[sl >>> 12];
  const dOff = ~c.tlbW[dl >>> 12];
  if (so < 0 || dOff < 0) return 0;
  const ps = ((0x1000 - (sl & 0xfff)) / sz) | 0;
  const pd = ((0x1000 - (dl & 0xfff)) / sz) | 0;
  if (ps < n) n = ps;
  if (pd < n) n = pd;
  if (n <= 0) return 0;
  const s = ((so << 12) | (sl & 0xfff)) >>> 0;
  const d = ((dOff << 12) | (dl & 0xfff)) >>> 0;
  const bytes = n * sz;
  if (d > s && d < s + bytes) return 0; // an overlapping forward copy repeats a pattern: go element-wise
  c.buf.copyWithin(d, s, s + bytes);
  stepIdx(c, ESI, bytes);
  stepIdx(c, EDI, bytes);
  return n;
}

/** Stores as many STOS elements as fit in the current destination page; 0 if none. */
function bulkStos(c: Cpu, sz: number, count: number): number {
  const di = getIdx(c, EDI);
  if (di < c.segWLo[ES]) return 0;
  let n = count;
  const nd = Math.floor((topOffset(c, c.segWHi[ES]) - di + 1) / sz);
  if (nd < n) n = nd;
  const dl = (c.segBase[ES] + di) | 0;
  const dOff = ~c.tlbW[dl >>> 12];
  if (dOff < 0) return 0;
  const pd = ((0x1000 - (dl & 0xfff)) / sz) | 0;
  if (pd < n) n = pd;
  if (n <= 0) return 0;
  const d = ((dOff << 12) | (dl & 0xfff)) >>> 0;
  const b = c.buf;
  const v = c.regs[EAX];
  if (sz === 1) {
    b.fill(v & 0xff, d, d + n);
  } else if (sz === 2) {
    for (let i = 0; i < n; i++) {
      b[d + 2 * i] = v;
      b[d + 2 * i + 1] = v >> 8;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const p = d + 4 * i;
      b[p] = v;
      b[p + 1] = v >> 8;
      b[p + 2] = v >> 16;
      b[p + 3] = v >> 24;
    }
  }
  stepIdx(c, EDI, n * sz);
  return n;
}
