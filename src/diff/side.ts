// One of the two machines `pcscope diff` steps side by side: pcscope in this process (pcscope-side.ts)
// or QEMU behind its gdb stub (qemu-side.ts). The engine (engine.ts) sees only this interface.

/** One register of a side's register file: its name (gdb's) and where its bytes sit. */
export interface SideRegister {
  readonly name: string;
  readonly offset: number;
  readonly bytes: number;
}

/** How a step ended: one instruction done, or the machine stopped for good (why says how). */
export type SideStop =
  | { readonly kind: "step" }
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
   * Ends a step that has not come back (QEMU waiting on HLT): resolves once the pending step has
   * resolved. A side whose steps always come back does nothing.
   */
  interruptStep(): Promise<void>;
  /** Linear memory through the CPU's paging; null when unmapped or unreadable. */
  readLinear(addr: number, length: number): Promise<Uint8Array | null>;
  /** Releases everything (QEMU's process is killed); safe to call more than once. */
  close(): Promise<void>;
}
