// The x86 CPU, put together from parts with one job each. Layers of its class chain, so that the
// instruction handlers reach their fields in one hop (measured: one more hop costs 3-4%):
//   CpuState (state.ts)            architectural state, plain data (snapshotState/restoreState)
//   CpuCore (state.ts)             the services the system layer calls (declared)
//   ModeCache (mode.ts)            mode facts cached from CR0, EFLAGS.VM, CS and SS
//   DecoderState (decoder-state.ts) the instruction being decoded (prefixes, operand, fetch window)
// Objects it points to: the TLB (mmu.ts), the breakpoints and watches (debug-points.ts, shared by
// a machine's CPUs) and run control (run-control.ts). Cpu itself implements CpuCore's services
// (memory, stack, EFLAGS, faults) and the debug API. Instruction semantics live in exec*.ts; the
// system architecture (descriptors, gates, tasks, interrupt delivery) in system/.

import type { StopEvent, WatchKind } from "../debug-target.ts";
import {
  pop16 as apop16,
  pop32 as apop32,
  push16 as apush16,
  push32 as apush32,
  rdL8,
  rdL16,
  rdL32,
  rdSys,
  wrL8,
  wrL16,
  wrL32,
  wrSys,
} from "./access.ts";
import { DebugPoints } from "./debug-points.ts";
import { DecoderState } from "./decoder-state.ts";
import { arithFlags, LZ_NONE } from "./flags.ts";
import { X87 } from "./fpu/x87.ts";
import { FpuRegisters } from "./fpu-registers.ts";
import { CodeCache } from "./jit/code-cache.ts";
import { physRead, Tlb, translateDebug } from "./mmu.ts";
import { RunControl } from "./run-control.ts";
import {
  ATTR_CODE,
  ATTR_P,
  ATTR_RW,
  ATTR_S,
  CpuFault,
  type CpuStateSnapshot,
  CR0_ET,
  CS,
  EDX,
  FLAG_IF,
  FLAG_RESERVED1,
  FLAG_VM,
  FLAGS_ARITH,
  type InterruptController,
  type PhysicalMemory,
  type PortIo,
  restoreState,
  TR,
  UNSIGNED_FIELD,
} from "./state.ts";
import { resetMsrStore } from "./system/msr-store.ts";

/**
 * What the CPUs of one machine share: the debugger's breakpoints and watches, and the TLB of
 * linear memory with paging off (the same identity mapping for every CPU, so firmware running on
 * many CPUs fills one TLB instead of one each).
 */
export class CpuShared {
  readonly debug = new DebugPoints();
  readonly unpagedTlb = new Tlb();
  /** Translated code (jit/): blocks are keyed by buffer index, so every CPU can run them. */
  readonly jit = new CodeCache();

  constructor() {
    this.debug.attach(this.unpagedTlb);
    this.jit.attach(this.unpagedTlb);
  }
}

/** A DataView of exactly the bytes of `b` (Cpu.view). */
function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export class Cpu extends DecoderState {
  /** The host buffer holding guest RAM/ROM (mem.buffer). */
  buf: Uint8Array;
  /** A DataView of buf: a dword or word is one little-endian load or store (not four byte accesses). */
  view: DataView;
  /** Byte and word views of regs (little-endian host): AL at 0, AH at 1; AX at word 0. */
  readonly r8: Uint8Array;
  readonly r16: Uint16Array;

  /**
   * The TLB in use: shared.unpagedTlb with paging off, pagedTlb (this CPU's own) with paging on;
   * tlbR/tlbW are its arrays for the current privilege (selectTlb).
   */
  tlb: Tlb;
  private readonly pagedTlb = new Tlb();
  tlbR: Int32Array;
  tlbW: Int32Array;
  private memGen = -1;
  private tlbA20 = UNSIGNED_FIELD;
  /** x87 and SSE registers (power-on state; the machine's system reset resets them, INIT keeps them). */
  readonly fpu = new FpuRegisters();
  /** The x87 unit, executing on `fpu`. */
  readonly x87 = new X87(this.fpu);

  /**
   * Something must be looked at before the next instruction (a stop was requested): set and
   * cleared by runControl, but kept here because the run loop tests it before every instruction
   * (through runControl it measured 2-3% slower).
   */
  stopPending = false;
  /** The interrupt controller, asked for the vector when INTR is taken (set by the machine). */
  intc: InterruptController | null = null;
  /** The debugger's breakpoints and watches (shared.debug). */
  readonly debug: DebugPoints;
  /** The translated-code cache (shared.jit). */
  readonly jit: CodeCache;
  /** Budgets, stepping, stop requests and delivery between instructions. */
  readonly runControl: RunControl;
  /** The initial APIC ID CPUID reports (the machine's topology sets it; the index by default). */
  apicId: number;

  constructor(
    readonly mem: PhysicalMemory,
    readonly io: PortIo,
    readonly index = 0,
    /** The tables shared with the machine's other CPUs (a CPU of its own by default). */
    readonly shared = new CpuShared(),
  ) {
    super();
    this.debug = shared.debug;
    this.jit = shared.jit;
    this.apicId = index;
    this.tlb = shared.unpagedTlb;
    this.debug.attach(this.pagedTlb);
    this.jit.attach(this.pagedTlb);
    this.jit.sizeFor(mem.buffer.length);
    // DMA and debugger writes through the memory layer drop the translations of what they overwrite.
    const jit = this.jit;
    mem.onBufferWrite = (index, length) => {
      jit.written(index, length);
    };
    this.runControl = new RunControl(this);
    this.buf = mem.buffer;
    this.view = viewOf(mem.buffer);
    this.r8 = new Uint8Array(this.regs.buffer);
    this.r16 = new Uint16Array(this.regs.buffer);
    this.tlbR = this.tlb.readSup;
    this.tlbW = this.tlb.writeSup;
    this.reset();
  }

  /** The architectural power-on state (INIT/RESET): F000:FFF0 with CS base 0xFFFF0000. */
  reset(): void {
    this.regs.fill(0);
    this.regs[EDX] = (this.cpuid.family << 8) | (this.cpuid.model << 4) | this.cpuid.stepping;
    this.eip = 0xfff0;
    for (let s = 0; s < 6; s++) {
      this.segSel[s] = 0;
      this.segBase[s] = 0;
      this.segLimit[s] = 0xffff;
      this.segAttr[s] = ATTR_P | ATTR_S | ATTR_RW | 1;
    }
    this.segSel[CS] = 0xf000;
    this.segBase[CS] = 0xffff0000 | 0;
    this.segAttr[CS] = ATTR_P | ATTR_S | ATTR_CODE | ATTR_RW | 1;
    for (let s = 6; s < 8; s++) {
      this.segSel[s] = 0;
      this.segBase[s] = 0;
      this.segLimit[s] = 0xffff;
      this.segAttr[s] = ATTR_P | (s === TR ? 3 : 2);
    }
    this.cpl = 0;
    this.cr0 = 0x60000000 | CR0_ET;
    this.cr2 = 0;
    this.cr3 = 0;
    this.cr4 = 0;
    this.dr.fill(0);
    this.dr[6] = 0xffff0ff0 | 0;
    this.dr[7] = 0x400;
    this.gdtrBase = 0;
    this.gdtrLimit = 0xffff;
    this.idtrBase = 0;
    this.idtrLimit = 0x3ff;
    resetMsrStore(this.msrStore, this.cpuid);
    this.flags = FLAG_RESERVED1;
    this.lzOp = LZ_NONE;
    this.halted = false;
    this.tripleFault = false;
    this.interruptShadow = false;
    this.shadowEnd = 0;
    this.exceptionDepth = 0;
    this.deliveringVector = -1;
    this.tlb.flush();
    this.jit.flush();
    this.forgetModes();
    this.updateModes();
    this.runControl.reset();
  }

  /**
   * Drops every translated block (the snapshot code calls it after restoring RAM and CPU state;
   * anything else that rewrites guest memory behind the memory layer must call it too).
   */
  flushTranslations(): void {
    this.jit.flush();
  }

  // ---- CpuCore services ----

  getEflags(): number {
    return ((this.flags & ~FLAGS_ARITH) | arithFlags(this) | FLAG_RESERVED1) >>> 0;
  }

  setEflags(value: number): void {
    const oldVm = this.flags & FLAG_VM;
    // Bits 3, 5, 15 and 22-31 are reserved (read as 0); bit 1 reads as 1.
    this.flags = (value | FLAG_RESERVED1) & 0x3f7fd7;
    this.lzOp = LZ_NONE;
    if ((this.flags & FLAG_VM) !== oldVm) this.updateModes();
  }

  updateModes(): void {
    if (this.syncModes()) {
      // Entries of the previous paged epoch are stale; the unpaged TLB is kept current.
      this.tlb = this.paging ? this.pagedTlb : this.shared.unpagedTlb;
      if (this.paging) this.tlb.flush();
    }
    this.selectTlb();
    this.checkMemGeneration();
    // The default operand/address size may have changed: re-derive them before the next instruction.
    this.prefixed = true;
  }

  /** Points tlbR/tlbW at the TLB arrays of the current privilege. */
  selectTlb(): void {
    const user = this.cpl === 3;
    this.tlbR = user ? this.tlb.readUser : this.tlb.readSup;
    this.tlbW = user ? this.tlb.writeUser : this.tlb.writeSup;
  }

  /** Puts back an architectural state saved by snapshotState(), with the caches derived from it. */
  restoreState(snapshot: CpuStateSnapshot): void {
    restoreState(this, snapshot);
    this.tlb.flush();
    this.jit.flush();
    this.forgetModes();
    this.updateModes();
  }

  readLin8(lin: number): number {
    return rdL8(this, lin | 0);
  }
  readLin16(lin: number): number {
    return rdL16(this, lin | 0);
  }
  readLin32(lin: number): number {
    return rdL32(this, lin | 0) >>> 0;
  }
  writeLin8(lin: number, value: number): void {
    wrL8(this, lin | 0, value);
  }
  writeLin16(lin: number, value: number): void {
    wrL16(this, lin | 0, value);
  }
  writeLin32(lin: number, value: number): void {
    wrL32(this, lin | 0, value);
  }
  readSys8(lin: number): number {
    return rdSys(this, lin, 1);
  }
  readSys16(lin: number): number {
    return rdSys(this, lin, 2);
  }
  readSys32(lin: number): number {
    return rdSys(this, lin, 4);
  }
  writeSys8(lin: number, value: number): void {
    wrSys(this, lin, 1, value);
  }
  writeSys16(lin: number, value: number): void {
    wrSys(this, lin, 2, value);
  }
  writeSys32(lin: number, value: number): void {
    wrSys(this, lin, 4, value);
  }
  push16(value: number): void {
    apush16(this, value);
  }
  push32(value: number): void {
    apush32(this, value);
  }
  pop16(): number {
    return apop16(this);
  }
  pop32(): number {
    return apop32(this) >>> 0;
  }

  raise(vector: number, errorCode = -1): never {
    throw new CpuFault(vector, errorCode);
  }

  flushTlb(): void {
    this.tlb.flush();
  }

  invalidatePage(lin: number): void {
    const lpn = lin >>> 12;
    if (this.tlb.largePages) {
      const first = lpn & ~0x3ff;
      for (let i = 0; i < 1024; i++) this.tlb.drop(first + i);
    } else {
      this.tlb.drop(lpn);
    }
  }

  /** The TSC's time base: one tick per retired instruction plus idle time skipped while halted. */
  virtualTicks(): number {
    return this.instructions + this.skippedTicks;
  }

  /**
   * Where the CPU stands in its history: one per instruction retired, per idle tick skipped and per
   * interrupt, fault or trap delivered. Deterministic runs reach each position in one state only.
   */
  historyPosition(): number {
    return this.instructions + this.skippedTicks + this.deliveries;
  }

  /** Flushes the TLB when the memory map or the A20 gate changed since it was filled. */
  checkMemGeneration(): void {
    if (this.mem.generation !== this.memGen || this.a20Mask !== this.tlbA20) {
      this.memGen = this.mem.generation;
      this.tlbA20 = this.a20Mask;
      this.buf = this.mem.buffer;
      this.view = viewOf(this.buf);
      this.pagedTlb.flush();
      this.shared.unpagedTlb.flush();
      // A remap (PAM, A20, a ROM or RAM alias) changes which bytes an address shows.
      this.jit.flush();
    }
  }

  // ---- Run control (see run-control.ts) ----

  /** Halted and able to wake by an interrupt (the machine may skip idle time). */
  isWaitingForInterrupt(): boolean {
    return this.halted && (this.flags & FLAG_IF) !== 0;
  }

  /** Asks run() to return `interrupted` before the next instruction (safe from callbacks). */
  requestStop(): void {
    this.runControl.requestStop();
  }

  /** Makes run() return `event` once the current instruction completes (I/O watches, exits). */
  requestStopAfterInstruction(event: StopEvent): void {
    this.runControl.requestStopAfterInstruction(event);
  }

  /** Executes until a stop event or until `budget` instructions retired. */
  run(budget: number): StopEvent {
    return this.runControl.execute(budget, false);
  }

  /**
   * Executes one instruction, or delivers one pending interrupt; with `takeInterrupts` false the
   * instruction runs with interrupts held off (a halted CPU stays halted).
   */
  step(takeInterrupts = true): StopEvent {
    return this.runControl.execute(1, true, !takeInterrupts);
  }

  /**
   * `stopped`: the CPU now stands where a debugger sees it stopped, so a run from here passes over
   * its breakpoint once; false: a run from here stops at a breakpoint here first.
   */
  markStopped(stopped = true): void {
    this.runControl.markStopped(stopped);
  }

  /** A debugger's breakpoint is set at CS:EIP. */
  atBreakpoint(): boolean {
    return this.debug.hasBreakpoint((this.csBase + this.eip) | 0);
  }

  /** Called when a slow-path access touches a watched page: records a hit if a watch matches. */
  checkWatch(lin: number, size: number, write: boolean): void {
    const hit = this.debug.watchHit(lin, size, write);
    if (hit !== null) this.requestStopAfterInstruction(hit);
  }

  // ---- Debug API ----

  addBreakpoint(lin: number): void {
    this.debug.addBreakpoint(lin);
  }

  removeBreakpoint(lin: number): void {
    this.debug.removeBreakpoint(lin);
  }

  addWatchpoint(kind: WatchKind, lin: number, len: number): void {
    this.debug.addWatchpoint(kind, lin, len);
  }

  removeWatchpoint(kind: WatchKind, lin: number, len: number): void {
    this.debug.removeWatchpoint(kind, lin, len);
  }

  /** Physical address of linear `lin` through the current paging (above 4 GiB too), or -1; no faults, no A/D. */
  translateDebug(lin: number): number {
    return translateDebug(this, lin);
  }

  /** Reads linear memory for a debugger; null if any byte is unmapped. */
  readLinearDebug(lin: number, len: number): Uint8Array | null {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const p = translateDebug(this, (lin + i) | 0);
      if (p < 0) return null;
      out[i] = physRead(this, p, 1);
    }
    return out;
  }

  /** Writes linear memory for a debugger (ROM too, as under QEMU); false if any byte is unmapped. */
  writeLinearDebug(lin: number, data: Uint8Array): boolean {
    const phys: number[] = [];
    for (let i = 0; i < data.length; i++) {
      const p = translateDebug(this, (lin + i) | 0);
      if (p < 0) return false;
      phys.push(p);
    }
    for (let i = 0; i < data.length; i++) this.mem.writeDebug(phys[i]!, data.subarray(i, i + 1));
    return true;
  }
}
