// Switching to an inner (more privileged) stack: the SS:ESP pair for a privilege level comes from the
// current TSS and must name a writable data segment at exactly that level (SDM Vol. 3A §5.8.5 for call
// gates, §6.12.1 for interrupt handlers; Vol. 2 CALL and INT n pseudocode for the checks and faults).
import { type CpuCore, EXC_SS, EXC_TS, TR } from "../state.ts";
import { type Descriptor, fetchDescriptor, SEL_INDEX, SEL_RPL } from "./descriptors.ts";

/** The SS:ESP pair read from the TSS by readTssStack. */
export class TssStack {
  ss = 0;
  esp = 0;
}

/**
 * Reads SSn:ESPn for privilege level `dpl` from the current TSS (32-bit: ESPn at 4+8n, SSn at 8+8n;
 * 16-bit: SPn at 2+4n, SSn at 4+4n). #TS(TR selector) when the entry lies beyond the TSS limit.
 */
export function readTssStack(cpu: CpuCore, dpl: number, out: TssStack, ext: number): void {
  const base = cpu.segBase[TR] >>> 0;
  const limit = cpu.segLimit[TR] >>> 0;
  if (cpu.segAttr[TR] & 8) {
    const off = 4 + dpl * 8;
    if (off + 7 > limit) cpu.raise(EXC_TS, (cpu.segSel[TR] & SEL_INDEX) | ext);
    out.esp = cpu.readSys32((base + off) >>> 0) >>> 0;
    out.ss = cpu.readSys16((base + off + 4) >>> 0) & 0xffff;
  } else {
    const off = 2 + dpl * 4;
    if (off + 3 > limit) cpu.raise(EXC_TS, (cpu.segSel[TR] & SEL_INDEX) | ext);
    out.esp = cpu.readSys16((base + off) >>> 0) & 0xffff;
    out.ss = cpu.readSys16((base + off + 2) >>> 0) & 0xffff;
  }
}

/**
 * Fetches and checks the new stack segment `sel` for privilege level `dpl` into `d`: #TS(sel) when
 * null, outside its table, RPL or DPL != dpl, or not a writable data segment; #SS(sel) when not present.
 */
export function checkInnerStack(cpu: CpuCore, sel: number, dpl: number, d: Descriptor, ext: number): void {
  const err = (sel & SEL_INDEX) | ext;
  if ((sel & SEL_INDEX) === 0) cpu.raise(EXC_TS, err);
  fetchDescriptor(cpu, sel, d, EXC_TS, ext);
  if ((sel & SEL_RPL) !== dpl || d.dpl !== dpl || !d.isWritableData) cpu.raise(EXC_TS, err);
  if (!d.present) cpu.raise(EXC_SS, err);
}
