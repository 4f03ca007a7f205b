// The registers pane as rows of cells: values in hex at their natural width, a cell marked changed
// when it differs from the previous stop, EFLAGS and CR0 decoded, and where the CPU is (CS:IP with
// the linear address in real mode, segment bases/limits when the stub tells them).

import type { CpuContext } from "../../logic/cpu-mode.ts";
import { pcRegName, reg } from "../../logic/cpu-mode.ts";
import type { CpuExtras, RegisterSet } from "../../session/debug-session.ts";

/** One `name value` cell. */
export interface RegCell {
  readonly name: string;
  readonly value: string;
  readonly changed: boolean;
}

/** EFLAGS bits shown as letters, in gdb's order of interest. */
const EFLAGS_BITS: ReadonlyArray<readonly [number, string]> = [
  [0, "CF"],
  [2, "PF"],
  [4, "AF"],
  [6, "ZF"],
  [7, "SF"],
  [8, "TF"],
  [9, "IF"],
  [10, "DF"],
  [11, "OF"],
  [14, "NT"],
  [16, "RF"],
  [17, "VM"],
  [18, "AC"],
  [21, "ID"],
];

/** CR0 bits shown as letters. */
const CR0_BITS: ReadonlyArray<readonly [number, string]> = [
  [0, "PE"],
  [1, "MP"],
  [2, "EM"],
  [3, "TS"],
  [4, "ET"],
  [5, "NE"],
  [16, "WP"],
  [18, "AM"],
  [29, "NW"],
  [30, "CD"],
  [31, "PG"],
];

const GENERAL_32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
const GENERAL_64 = [
  "rax",
  "rbx",
  "rcx",
  "rdx",
  "rsi",
  "rdi",
  "rbp",
  "rsp",
  "r8",
  "r9",
  "r10",
  "r11",
  "r12",
  "r13",
  "r14",
  "r15",
];
const SEGMENTS = ["cs", "ss", "ds", "es", "fs", "gs"];

/** Names of the set bits of `value` among `bits`, space separated. */
export function decodeBits(value: bigint, bits: ReadonlyArray<readonly [number, string]>): string {
  const names: string[] = [];
  for (const [bit, name] of bits) if ((value >> BigInt(bit)) & 1n) names.push(name);
  return names.join(" ");
}

/** EFLAGS as `[ IF ZF ]`-style letters. */
export function formatEflags(value: bigint): string {
  return `[ ${decodeBits(value, EFLAGS_BITS)} ]`;
}

/** CR0 as letters. */
export function formatCr0(value: bigint): string {
  return `[ ${decodeBits(value, CR0_BITS)} ]`;
}

/** Hex of `value` padded to `digits`. */
export function hexPad(value: bigint, digits: number): string {
  return value.toString(16).padStart(digits, "0");
}

/** A cell for register `name` at `digits` hex digits, changed when it differs from `prev`. */
function cell(regs: RegisterSet, prev: RegisterSet | null, name: string, digits: number): RegCell {
  const value = reg(regs, name);
  const before = prev?.values.get(name);
  return { name, value: hexPad(value, digits), changed: before !== undefined && before !== value };
}

/** The register pane's content. */
export interface RegisterView {
  /** General registers, 4 (or 4 of 16 on x86-64) to a row. */
  readonly rows: RegCell[][];
  /** `eip`/`rip` and eflags with decoded letters. */
  readonly pcRow: RegCell[];
  readonly flags: string;
  /** Segment selectors. */
  readonly segRow: RegCell[];
  /** `CS:IP f000:fff0 = linear 0xffff0`-style location line. */
  readonly location: string;
  /** `cs f000 000f0000/ffff` (selector, base/limit; two to a line) and gdt/idt, when the stub told them. */
  readonly segmentDetails: string[];
  /** CR0..CR4 cells and CR0 letters. */
  readonly controlRow: RegCell[];
  readonly cr0Bits: string;
  /** `real mode`, `protected mode 32-bit`, ... */
  readonly modeText: string;
}

const MODE_TEXT: Record<CpuContext["mode"], string> = {
  real: "real mode (16-bit)",
  v86: "virtual-8086 mode (16-bit)",
  protected16: "protected mode (16-bit code)",
  protected32: "protected mode (32-bit)",
  long64: "long mode (64-bit)",
};

/**
 * Builds the register view. Needs: `prev` from the previous stop (or null) for change marks.
 * Guarantees: registers the stub did not report show as 0 rather than failing.
 */
export function registerView(
  regs: RegisterSet,
  prev: RegisterSet | null,
  extras: CpuExtras | null,
  ctx: CpuContext,
): RegisterView {
  const wide = regs.values.has("rax");
  const names = wide ? GENERAL_64 : GENERAL_32;
  const digits = wide ? 16 : 8;
  const perRow = 4;
  const rows: RegCell[][] = [];
  for (let i = 0; i < names.length; i += perRow)
    rows.push(names.slice(i, i + perRow).map((n) => cell(regs, prev, n, digits)));
  const pcName = pcRegName(regs);
  const pcRow = [cell(regs, prev, pcName, digits), cell(regs, prev, "eflags", 8)];
  const segRow = SEGMENTS.map((n) => cell(regs, prev, n, 4));
  const ipDigits = ctx.bitness === 16 ? 4 : ctx.bitness === 32 ? 8 : 16;
  const linearDigits = ctx.bitness === 64 ? 16 : 8;
  const location = `CS:${ctx.bitness === 16 ? "IP" : ctx.bitness === 32 ? "EIP" : "RIP"} ${hexPad(BigInt(ctx.cs), 4)}:${hexPad(
    ctx.ip,
    ipDigits,
  )} = linear 0x${hexPad(ctx.pc, linearDigits)}${ctx.baseKnown ? "" : " (base from selector)"}`;
  const segmentDetails: string[] = [];
  if (extras !== null) {
    const cells: string[] = [];
    for (const name of SEGMENTS) {
      const seg = extras.segments.get(name);
      if (seg !== undefined)
        cells.push(
          `${name} ${hexPad(BigInt(seg.selector), 4)} ${hexPad(seg.base, 8)}/${seg.limit.toString(16).padStart(4, "0")}`,
        );
    }
    for (let i = 0; i < cells.length; i += 2) segmentDetails.push(cells.slice(i, i + 2).join("   "));
    const tables: string[] = [];
    if (extras.gdt) tables.push(`gdt ${hexPad(extras.gdt.base, 8)}/${hexPad(BigInt(extras.gdt.limit), 4)}`);
    if (extras.idt) tables.push(`idt ${hexPad(extras.idt.base, 8)}/${hexPad(BigInt(extras.idt.limit), 4)}`);
    if (tables.length > 0) segmentDetails.push(tables.join("  "));
  }
  const controlRow = ["cr0", "cr2", "cr3", "cr4"]
    .filter((n) => regs.values.has(n))
    .map((n) => cell(regs, prev, n, 8));
  return {
    rows,
    pcRow,
    flags: formatEflags(reg(regs, "eflags")),
    segRow,
    location,
    segmentDetails,
    controlRow,
    cr0Bits: formatCr0(reg(regs, "cr0")),
    modeText: MODE_TEXT[ctx.mode],
  };
}
