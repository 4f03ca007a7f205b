// The run loop with translation on: the interpreter's checks between instructions (a stop, the
// budget, a deliverable interrupt), then the translated block at CS:EIP when one may run there,
// else the interpreter to the end of the basic block (runInstructions up to its next transfer of
// control, checking breakpoints and single-step traps): only block leaders are looked up and
// counted toward translation, and cold code pays no lookup per instruction (the Debian boot's last
// 0.5 G instructions took 14 s this way against 20 s one instruction at a time). A block runs only when all of it fits in the budget, EFLAGS.TF is clear, no
// interrupt is pending with IF set, the debugger is not resuming over a breakpoint and its page
// bytes hold no breakpoint; so instruction counts, interrupt boundaries and stops are the interpreter's.
// A block's exit to a constant EIP (or its RET) is linked to the block found next, and the next
// time it leaves that way the linked block runs without a lookup, after the same checks.

import type { Cpu } from "../cpu.ts";
import { RUN_BUDGET, RUN_INTERRUPT, RUN_STOP, runInstructions } from "../dispatch.ts";
import { FLAG_IF, FLAG_TF } from "../state.ts";
import { type Block, EXIT_OTHER } from "./code-cache.ts";
import { translateBlock } from "./translate.ts";

/** The direct-mapped table's index mask (code-cache.ts TABLE_SIZE - 1). */
const TABLE_MASK = (1 << 16) - 1;

/**
 * Executes until the instruction count reaches `end` or something needs the caller, as
 * runInstructions does (same return codes, same exceptions), running translated blocks where it may.
 */
export function runJit(c: Cpu, end: number, skipBp: number): number {
  const cache = c.jit;
  const table = cache.table;
  // The block that just left through a chainable exit (`prevExit`) with nothing run since: the next
  // block found here is linked to it, so the next time it leaves that way the lookup is skipped.
  let prev: Block | null = null;
  let prevExit = EXIT_OTHER;
  for (;;) {
    if (c.stopPending) return RUN_STOP;
    if (c.instructions >= end) return RUN_BUDGET;
    const flags = c.flags;
    if (c.intrLine && (flags & FLAG_IF) !== 0) {
      if (c.runControl.canTakeInterrupt()) return RUN_INTERRUPT;
    } else if ((flags & FLAG_TF) === 0 && skipBp === -1) {
      const eip = c.eip;
      const lin = (c.csBase + eip) | 0;
      const o = ~c.tlbR[lin >>> 12];
      if (o >= 0) {
        const start = (o << 12) | (lin & 0xfff);
        const mode = c.code32 | (c.stack32 << 1);
        cache.lookups++;
        let b: Block | null = table[start & TABLE_MASK];
        if (b === null || b.start !== start || b.mode !== mode || b.eip0 !== eip)
          b = findOrTranslate(c, start, mode);
        if (b !== null && b.lastEip <= c.csLimit && end - c.instructions >= b.count) {
          const bpMap = c.debug.bpMap;
          const bitmap = bpMap[lin >>> 12];
          if (bitmap === 0 || !anyBreakpoint(bpMap, bitmap, b.low & 0xfff, (b.low & 0xfff) + b.length)) {
            cache.hits++;
            if (prevExit !== EXIT_OTHER) prev!.links[prevExit] = b;
            // Run it, then the blocks its exits link to while each may run as above: nothing
            // stopping, no deliverable interrupt, TF clear, within the budget and the CS limit, EIP
            // mapping to its first byte through the TLB (a remapped page or another CS base is never
            // followed), no breakpoint in its bytes.
            for (;;) {
              if (++b.runs >= cache.tier2Runs && !b.tier2) b = promote(c, b);
              const before = c.instructions;
              const exit = b.run(c as never, end);
              // A block looping on itself counts each pass as a run (passes run whole; a fault
              // leaves part of one: at most one run too many).
              const ran = c.instructions - before;
              if (ran > b.count) b.runs += ((ran / b.count) | 0) - 1;
              prev = b;
              prevExit = exit;
              if (exit === EXIT_OTHER) break;
              const next: Block | null = b.links[exit]!;
              if (next === null || !next.valid || next.eip0 !== c.eip) break;
              prevExit = EXIT_OTHER;
              const f = c.flags;
              if (c.stopPending || (c.intrLine && (f & FLAG_IF) !== 0) || (f & FLAG_TF) !== 0) break;
              if (end - c.instructions < next.count || next.lastEip > c.csLimit) break;
              const at = (c.csBase + c.eip) | 0;
              const page = ~c.tlbR[at >>> 12];
              if (page < 0 || ((page << 12) | (at & 0xfff)) !== next.start) break;
              const bits = bpMap[at >>> 12];
              const from = next.low & 0xfff;
              if (bits !== 0 && anyBreakpoint(bpMap, bits, from, from + next.length)) break;
              cache.chained++;
              b = next;
            }
            continue;
          }
        }
      }
    }
    prev = null;
    prevExit = EXIT_OTHER;
    const before = c.instructions;
    const why = runInstructions(c, end, skipBp, true);
    if (c.instructions !== before) skipBp = -1;
    if (why !== RUN_BUDGET) return why;
  }
}

/**
 * Whether page bitmap `bitmap` of the breakpoint map (see DebugPoints.bpMap) has a breakpoint at a
 * page offset in [from, to): a block holding one runs in the interpreter, instruction by instruction.
 */
function anyBreakpoint(map: Int32Array, bitmap: number, from: number, to: number): boolean {
  for (let w = from >>> 5; w <= (to - 1) >>> 5; w++) {
    let bits = map[bitmap + w];
    if (bits === 0) continue;
    const first = w << 5;
    if (from > first) bits &= -1 << (from - first);
    if (to < first + 32) bits &= (1 << (to - first)) - 1;
    if (bits !== 0) return true;
  }
  return false;
}

/** The block at `start` (Block.start's int32 form) once the address is hot: from the cache, or translated now. */
function findOrTranslate(c: Cpu, start: number, mode: number): Block | null {
  const cache = c.jit;
  if (!cache.isHot(start)) return null;
  const found = cache.find(start, mode, c.eip);
  if (found !== undefined) return found;
  // With tier2Runs 1 a block is translated inline at once (no first translation to promote).
  const b = translateBlock(c, start >>> 0, cache.tier2Runs <= 1);
  if (b !== null) cache.insert(b);
  return b;
}

/**
 * The second translation of `b`, which ran TIER2_RUNS times and is about to run again (CS:EIP is its
 * first instruction, in its mode): the same instructions with inline fast paths, in its place.
 */
function promote(c: Cpu, b: Block): Block {
  const hot = translateBlock(c, b.start >>> 0, true);
  if (hot === null) return b;
  c.jit.replace(b, hot);
  return hot;
}
