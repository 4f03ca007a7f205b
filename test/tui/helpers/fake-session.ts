// A tiny scripted target for component tests: flat memory holding real x86 code, registers, and a
// "CPU" that advances EIP by the decoded instruction length (calls and jumps are not followed).
// Tests of the real behaviour run against QEMU (test/tui/session/rsp-session.test.ts).
import type { TraceEvent } from "../../../src/emu/trace/bus.ts";
import { disassemble } from "../../../src/tui/logic/disasm.ts";
import { NO_SYMBOLS } from "../../../src/tui/logic/symbol-resolver.ts";
import type {
  BreakKind,
  CpuExtras,
  DebugSession,
  RegisterSet,
  StopReason,
  TraceFeed,
} from "../../../src/tui/session/debug-session.ts";

/** A trace feed tests push events into. */
export class TestFeed implements TraceFeed {
  private readonly listeners = new Set<(e: TraceEvent) => void>();
  subscribe(listener: (e: TraceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: Omit<TraceEvent, "hostNs" | "insn"> & { hostNs?: number; insn?: number }): void {
    for (const l of this.listeners) l({ hostNs: 0, insn: 0, ...event });
  }
}

export class FakeSession implements DebugSession {
  readonly description = "fake target";
  readonly gdbAddress = null;
  readonly memory = new Uint8Array(0x100000);
  readonly regs = new Map<string, bigint>([
    ["eax", 0n],
    ["ecx", 0n],
    ["edx", 0n],
    ["ebx", 0n],
    ["esp", 0x7000n],
    ["ebp", 0n],
    ["esi", 0n],
    ["edi", 0n],
    ["eip", 0xe05bn],
    ["eflags", 2n],
    ["cs", 0xf000n],
    ["ss", 0n],
    ["ds", 0n],
    ["es", 0n],
    ["fs", 0n],
    ["gs", 0n],
    ["cr0", 0x10n],
    ["cr2", 0n],
    ["cr3", 0n],
    ["cr4", 0n],
  ]);
  readonly breaks = new Set<bigint>();
  closed = false;
  private wake: ((s: StopReason) => void) | null = null;

  constructor(readonly trace: TraceFeed | null = null) {
    // f000:e05b: nop; call +0; mov ax, 1; nop...
    this.memory.set([0x90, 0xe8, 0x00, 0x00, 0xb8, 0x01, 0x00], 0xfe05b);
    this.memory.fill(0x90, 0xfe062, 0xfe200);
  }

  private pc(): bigint {
    return (this.regs.get("cs")! << 4n) + this.regs.get("eip")!;
  }
  async readRegisters(): Promise<RegisterSet> {
    return { arch: "i386", values: new Map(this.regs) };
  }
  async readExtras(): Promise<CpuExtras | null> {
    return null;
  }
  async readMemory(addr: bigint, length: number): Promise<Uint8Array | null> {
    if (addr + BigInt(length) > BigInt(this.memory.length)) return null;
    return this.memory.slice(Number(addr), Number(addr) + length);
  }
  async writeMemory(addr: bigint, data: Uint8Array): Promise<boolean> {
    this.memory.set(data, Number(addr));
    return true;
  }
  canReverse(): boolean {
    return false;
  }
  async reverseStepInstruction(): Promise<StopReason> {
    throw new Error("the fake target cannot go back");
  }
  async reverseContinue(): Promise<StopReason> {
    throw new Error("the fake target cannot go back");
  }
  async stepInstruction(): Promise<StopReason> {
    const pc = this.pc();
    const [line] = disassemble(
      this.memory.subarray(Number(pc), Number(pc) + 16),
      this.regs.get("eip")!,
      { bitness: 16, csBase: pc - this.regs.get("eip")!, realSegments: true },
      1,
      NO_SYMBOLS,
    );
    this.regs.set("eip", this.regs.get("eip")! + BigInt(line!.length));
    if (line!.text.startsWith("mov    ax")) this.regs.set("eax", 1n);
    return { kind: "step", code: 5, text: "step" };
  }
  async resume(): Promise<StopReason> {
    const pc = this.pc();
    const next = [...this.breaks].filter((b) => b > pc).sort((a, b) => (a < b ? -1 : 1))[0];
    if (next !== undefined) {
      this.regs.set("eip", next - (this.regs.get("cs")! << 4n));
      return { kind: "breakpoint", code: 5, text: "swbreak" };
    }
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }
  async interrupt(): Promise<void> {
    this.wake?.({ kind: "interrupted", code: 2, text: "interrupted" });
    this.wake = null;
  }
  async insertBreak(kind: BreakKind, addr: bigint): Promise<boolean> {
    if (kind === "sw") this.breaks.add(addr);
    return true;
  }
  async removeBreak(kind: BreakKind, addr: bigint): Promise<boolean> {
    if (kind === "sw") this.breaks.delete(addr);
    return true;
  }
  async monitor(command: string): Promise<string> {
    return `monitor said: ${command}\n`;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}
