// Architecture descriptions a DebugTarget carries (gdbstub's `Arch` trait as data): the register
// file's layout (name, size, gdb type and group, the target-description feature each belongs to),
// the pc/sp register numbers and the registers a stop reply expedites. Register values travel as one
// little-endian byte buffer in this order, so 80-bit x87, 128-bit SSE and 64-bit registers all fit.
// The gdb stub generates target.xml and the g/G/p/P layouts from these; nothing here is i386-only.

/** gdb register groups (`info registers` shows "general"; the others need `info all-registers`). */
export type RegisterGroup = "general" | "float" | "vector" | "system";

/** One target-description feature: gdb's name for it and the annex its document is served as. */
export interface FeatureInfo {
  readonly name: string;
  readonly file: string;
}

/** One register as declared (offset is computed by defineArch). */
export interface RegisterSpec {
  readonly name: string;
  readonly bytes: number;
  /** gdb type: a predefined one (int32, data_ptr, code_ptr, i387_ext, ...) or one the stub defines. */
  readonly type: string;
  readonly group?: RegisterGroup;
  /** The feature (FeatureInfo.name) whose document declares it. */
  readonly feature: string;
}

/** A register with its byte offset in the register buffer. */
export interface RegisterInfo extends RegisterSpec {
  readonly offset: number;
}

/** A register file as a debugger sees it. */
export interface ArchDescription {
  /** gdb's <architecture>: "i386", "i8086", "i386:x86-64". */
  readonly architecture: string;
  readonly features: readonly FeatureInfo[];
  /** Every register, numbered by index (gdb's regnum). */
  readonly registers: readonly RegisterInfo[];
  /** Registers [0, gCount) form the `g` packet; the rest are read and written with p/P only. */
  readonly gCount: number;
  /** Bytes of the `g` packet. */
  readonly gBytes: number;
  /** Bytes of the whole register buffer. */
  readonly bytes: number;
  /** Register numbers of the program counter and the stack pointer. */
  readonly pc: number;
  readonly sp: number;
  /** Registers every stop reply carries (pc, sp, frame pointer, flags), so `stepi` needs no `g`. */
  readonly expedite: readonly number[];
}

/** What defineArch needs: registers in order, the count in `g`, and pc/sp/expedited registers by name. */
export interface ArchSpec {
  readonly architecture: string;
  readonly features: readonly FeatureInfo[];
  readonly registers: readonly RegisterSpec[];
  readonly gCount?: number;
  readonly pc: string;
  readonly sp: string;
  readonly expedite: readonly string[];
}

/** Builds a description: computes offsets and sizes. Throws on a name it cannot find (a bug). */
export function defineArch(spec: ArchSpec): ArchDescription {
  let offset = 0;
  const registers = spec.registers.map((r) => {
    const info = { ...r, offset };
    offset += r.bytes;
    return info;
  });
  const gCount = spec.gCount ?? registers.length;
  const number = (name: string) => {
    const n = registers.findIndex((r) => r.name === name);
    if (n < 0) throw new Error(`${spec.architecture}: no register '${name}'`);
    return n;
  };
  return {
    architecture: spec.architecture,
    features: spec.features,
    registers,
    gCount,
    gBytes: gCount === registers.length ? offset : registers[gCount]!.offset,
    bytes: offset,
    pc: number(spec.pc),
    sp: number(spec.sp),
    expedite: spec.expedite.map(number),
  };
}

/** The number of register `name`, or -1. */
export function registerNumber(arch: ArchDescription, name: string): number {
  return arch.registers.findIndex((r) => r.name === name);
}

/** Register `name` from a register buffer as an unsigned number (exact up to 6 bytes). */
export function registerValue(arch: ArchDescription, buffer: Uint8Array, name: string): number {
  const r = arch.registers[registerNumber(arch, name)];
  if (r === undefined) throw new Error(`${arch.architecture}: no register '${name}'`);
  let v = 0;
  for (let i = Math.min(r.bytes, 6) - 1; i >= 0; i--) v = v * 256 + buffer[r.offset + i]!;
  return v;
}

/** Register `regnum`'s bytes within a register buffer (a view, not a copy). */
export function registerBytes(arch: ArchDescription, buffer: Uint8Array, regnum: number): Uint8Array {
  const r = arch.registers[regnum]!;
  return buffer.subarray(r.offset, r.offset + r.bytes);
}

const I386_CORE = "org.gnu.gdb.i386.core";
const I386_SSE = "org.gnu.gdb.i386.sse";
const X87_CONTROL = ["fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"];
const SEGMENTS = ["cs", "ss", "ds", "es", "fs", "gs"];

/** The x87 registers, the same for 32- and 64-bit (core feature). */
function x87(): RegisterSpec[] {
  return [
    ...Array.from({ length: 8 }, (_, i) => ({
      name: `st${i}`,
      bytes: 10,
      type: "i387_ext",
      feature: I386_CORE,
    })),
    ...X87_CONTROL.map((name) => ({
      name,
      bytes: 4,
      type: "int",
      group: "float" as const,
      feature: I386_CORE,
    })),
  ];
}

/** `count` XMM registers and MXCSR (sse feature). */
function sse(count: number): RegisterSpec[] {
  return [
    ...Array.from({ length: count }, (_, i) => ({
      name: `xmm${i}`,
      bytes: 16,
      type: "vec128",
      feature: I386_SSE,
    })),
    { name: "mxcsr", bytes: 4, type: "i386_mxcsr", group: "vector", feature: I386_SSE },
  ];
}

/** System registers of QEMU's x86 stub (fs_base ... efer), `bytes` wide each. */
function system(bytes: number): RegisterSpec[] {
  const reg = (name: string, type = bytes === 8 ? "int64" : "int32") => ({
    name,
    bytes,
    type,
    group: "system" as const,
    feature: I386_CORE,
  });
  return [
    reg("fs_base"),
    reg("gs_base"),
    reg("k_gs_base"),
    reg("cr0", "i386_cr0"),
    reg("cr2"),
    reg("cr3"),
    reg("cr4", "i386_cr4"),
    reg("cr8"),
    reg("efer", "i386_efer"),
  ];
}

/**
 * 32-bit x86 as QEMU's i386 stub describes it (gdb-xml/i386-32bit.xml): eax..gs, fs_base..efer,
 * st0-7, fctrl..fop, xmm0-7, mxcsr; a 344-byte `g` packet. Served as two features, core and sse.
 */
export const I386 = defineArch({
  architecture: "i386",
  features: [
    { name: I386_CORE, file: "i386-core.xml" },
    { name: I386_SSE, file: "i386-sse.xml" },
  ],
  registers: [
    ...["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"].map((name) => ({
      name,
      bytes: 4,
      type: name === "esp" || name === "ebp" ? "data_ptr" : "int32",
      feature: I386_CORE,
    })),
    { name: "eip", bytes: 4, type: "code_ptr", feature: I386_CORE },
    { name: "eflags", bytes: 4, type: "i386_eflags", feature: I386_CORE },
    ...SEGMENTS.map((name) => ({ name, bytes: 4, type: "int32", feature: I386_CORE })),
    ...system(4),
    ...x87(),
    ...sse(8),
  ],
  pc: "eip",
  sp: "esp",
  expedite: ["eip", "esp", "ebp", "eflags"],
});

/**
 * 64-bit x86 as QEMU's x86_64 stub describes it (i386-64bit.xml): rax..r15, rip, eflags, segments,
 * 64-bit fs_base..efer, x87, xmm0-15, mxcsr; a 608-byte `g` packet in every CPU mode.
 */
export const X86_64 = defineArch({
  architecture: "i386:x86-64",
  features: [
    { name: I386_CORE, file: "x86_64-core.xml" },
    { name: I386_SSE, file: "x86_64-sse.xml" },
  ],
  registers: [
    ...[
      "rax",
      "rbx",
      "rcx",
      "rdx",
      "rsi",
      "rdi",
      "rbp",
      "rsp",
      ...Array.from({ length: 8 }, (_, i) => `r${i + 8}`),
    ].map((name) => ({
      name,
      bytes: 8,
      type: name === "rsp" || name === "rbp" ? "data_ptr" : "int64",
      feature: I386_CORE,
    })),
    { name: "rip", bytes: 8, type: "code_ptr", feature: I386_CORE },
    { name: "eflags", bytes: 4, type: "i386_eflags", feature: I386_CORE },
    ...SEGMENTS.map((name) => ({ name, bytes: 4, type: "int32", feature: I386_CORE })),
    ...system(8),
    ...x87(),
    ...sse(16),
  ],
  pc: "rip",
  sp: "rsp",
  expedite: ["rip", "rsp", "rbp", "eflags"],
});
