// Snapshots of one CPU: every architectural and hidden field (registers, EIP, lazy flags, segment
// caches, descriptor tables, CRs, DRs, MSRs, the TSC basis, halted/shadow/INTR state, instruction
// and idle tick counts: CpuState), the x87/MMX/SSE register file, the APIC ID CPUID reports, and
// run control's pending stop and breakpoint-resume state. Caches derived from them (the mode cache,
// the TLBs) are rebuilt on load. A saved CpuSnapshot shares nothing with the CPU and can be loaded
// any number of times, into this CPU or another of the same model.

import type { StopEvent } from "../debug-target.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import type { Cpu } from "./cpu.ts";
import { type CpuStateSnapshot, snapshotState } from "./state.ts";

/** The run-control fields that outlive one run() (private to RunControl; read here by name). */
interface RunControlFields {
  stopRequested: boolean;
  pendingEvent: StopEvent | null;
  resumeSkip: number;
}

/** One CPU's saved state. */
export interface CpuSnapshot {
  readonly arch: CpuStateSnapshot;
  readonly fpu: PlainRecord;
  readonly apicId: number;
  readonly stopPending: boolean;
  readonly stopRequested: boolean;
  readonly pendingEvent: StopEvent | null;
  readonly resumeSkip: number;
}

/** Copies the state of `cpu`. */
export function saveCpu(cpu: Cpu): CpuSnapshot {
  const run = cpu.runControl as unknown as RunControlFields;
  return {
    arch: snapshotState(cpu),
    fpu: savePlain(cpu.fpu),
    apicId: cpu.apicId,
    stopPending: cpu.stopPending,
    stopRequested: run.stopRequested,
    pendingEvent: run.pendingEvent === null ? null : { ...run.pendingEvent },
    resumeSkip: run.resumeSkip,
  };
}

/**
 * Puts back a state saved by saveCpu(): the mode cache is recomputed and both TLBs (this CPU's paged
 * one and the unpaged one its machine shares) are flushed, with any translated code. Load RAM first.
 */
export function loadCpu(cpu: Cpu, s: CpuSnapshot): void {
  cpu.restoreState(s.arch);
  loadPlain(cpu.fpu, s.fpu);
  cpu.apicId = s.apicId;
  cpu.stopPending = s.stopPending;
  const run = cpu.runControl as unknown as RunControlFields;
  run.stopRequested = s.stopRequested;
  run.pendingEvent = s.pendingEvent === null ? null : { ...s.pendingEvent };
  run.resumeSkip = s.resumeSkip;
  cpu.flushTlb();
  cpu.shared.unpagedTlb.flush();
  cpu.checkMemGeneration();
  // Translated code (the JIT's cache, where the CPU has one) may come from RAM the load replaced.
  (cpu as { flushTranslations?(): void }).flushTranslations?.();
}
