// One of the two machines `pcscope diff` steps side by side: pcscope in this process (pcscope-side.ts)
// or QEMU behind its gdb stub (qemu-side.ts). The engine (engine.ts) sees only this interface.

/** One register of a side's register file: its name (gdb's) and where its bytes sit. */
export interface SideRegister {
  readonly name: string;
  readonly offset: number;
  readonly bytes: number;
}

/**
 * How a step ended: one instruction done; the CPU halted (nothing can wake it while interrupts are
 * held); or the run ended for good (why says how; status is the process's exit status, if any).
 */
export type SideStop =
  | { readonly kind: "step" }
  | { readonly kind: "halted"; readonly why: string }
  | { readonly kind: "end"; readonly why: string; readonly status: number | null };

/** A machine the engine steps. Every method may reject for a side that failed (its process died). */
export interface DiffSide {
  /** How the report names this side: `pcscope`, `qemu`, `pcscope --cpu pentium`. */
  readonly label: string;
  /** The register file's layout (gdb names), fixed for the session. */
  readonly layout: readonly SideRegister[];
  /** Every register as one little-endian buffer laid out by `layout`. */
  registers(): Promise<Uint8Array>;
  /** Executes one instruction with interrupts held pending (QEMU's single-step default). */
  step(): Promise<SideStop>;
  /**
   * Asks a step that has not come back (QEMU halted on HLT) to end; the pending step then
   * resolves. A side whose steps always come back does nothing.
   */
  interruptStep(): Promise<void>;
  /** Linear memory through the CPU's paging; null when unmapped or unreadable. */
  readLinear(addr: number, length: number): Promise<Uint8Array | null>;
  /** Releases everything (QEMU's process is killed); safe to call more than once. */
  close(): Promise<void>;
}
