// The target descriptions pcscope serves: the register set of QEMU's i386 gdb stub, in the same
// order and sizes (eax..gs, fs_base, gs_base, k_gs_base, cr0, cr2, cr3, cr4, cr8, efer, st0-7,
// fctrl..fop, xmm0-7, mxcsr: a 344-byte `g` packet), written from the Intel SDM, not copied.
//
// Real mode: when the session is in linear-PC mode (see stub/real-mode.ts) the description says
// <architecture>i8086</architecture> so gdb disassembles 16-bit code, and adds the feature
// org.pcscope.x86.realmode with two registers after mxcsr (not in the `g` packet; gdb reads them
// with `p`, the stub expedites them in stop replies): `ip` (the 16-bit IP, while $eip/$pc is the
// linear address CS.base+IP) and `cs_base` (the hidden CS base).

/** One register as the description declares it. */
export interface XmlRegister {
  name: string;
  bitsize: number;
  type: string;
  group?: string;
}

const GPR = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
const SEGS = ["cs", "ss", "ds", "es", "fs", "gs"];
const FPU_CTL = ["fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"];

/** org.gnu.gdb.i386.core in QEMU's order: integer, segment, system and x87 registers. */
export const CORE_REGISTERS: readonly XmlRegister[] = [
  ...GPR.map((name) => ({
    name,
    bitsize: 32,
    type: name === "esp" || name === "ebp" ? "data_ptr" : "int32",
  })),
  { name: "eip", bitsize: 32, type: "code_ptr" },
  { name: "eflags", bitsize: 32, type: "x86_eflags" },
  ...SEGS.map((name) => ({ name, bitsize: 32, type: "int32" })),
  { name: "fs_base", bitsize: 32, type: "int32", group: "system" },
  { name: "gs_base", bitsize: 32, type: "int32", group: "system" },
  { name: "k_gs_base", bitsize: 32, type: "int32", group: "system" },
  { name: "cr0", bitsize: 32, type: "x86_cr0", group: "system" },
  { name: "cr2", bitsize: 32, type: "int32", group: "system" },
  { name: "cr3", bitsize: 32, type: "int32", group: "system" },
  { name: "cr4", bitsize: 32, type: "x86_cr4", group: "system" },
  { name: "cr8", bitsize: 32, type: "int32", group: "system" },
  { name: "efer", bitsize: 32, type: "x86_efer", group: "system" },
  ...Array.from({ length: 8 }, (_, i) => ({ name: `st${i}`, bitsize: 80, type: "i387_ext" })),
  ...FPU_CTL.map((name) => ({ name, bitsize: 32, type: "int", group: "float" })),
];

/** org.gnu.gdb.i386.sse. */
export const SSE_REGISTERS: readonly XmlRegister[] = [
  ...Array.from({ length: 8 }, (_, i) => ({ name: `xmm${i}`, bitsize: 128, type: "x86_vec128" })),
  { name: "mxcsr", bitsize: 32, type: "x86_mxcsr", group: "vector" },
];

/** org.pcscope.x86.realmode: served only in linear-PC mode, numbered after mxcsr. */
export const REALMODE_REGISTERS: readonly XmlRegister[] = [
  { name: "ip", bitsize: 32, type: "uint32", group: "general" },
  { name: "cs_base", bitsize: 32, type: "data_ptr", group: "general" },
];

/** Every register in `g`-packet order (the description's numbering 0..49). */
export const G_REGISTERS: readonly XmlRegister[] = [...CORE_REGISTERS, ...SSE_REGISTERS];
/** Register numbers used by the stub. */
export const REGNUM = { eip: 8, eflags: 9, esp: 4, ebp: 5, cs: 10, ip: 50, csBase: 51 } as const;
/** Bytes in a `g` reply: 344, like QEMU's i386 stub. */
export const G_PACKET_BYTES = G_REGISTERS.reduce((sum, r) => sum + r.bitsize / 8, 0);

/** One named bit field inside a flags type: [name, first bit, last bit]. */
type Field = readonly [string, number, number];

const EFLAGS: Field[] = [
  ["CF", 0, 0],
  ["PF", 2, 2],
  ["AF", 4, 4],
  ["ZF", 6, 6],
  ["SF", 7, 7],
  ["TF", 8, 8],
  ["IF", 9, 9],
  ["DF", 10, 10],
  ["OF", 11, 11],
  ["IOPL", 12, 13],
  ["NT", 14, 14],
  ["RF", 16, 16],
  ["VM", 17, 17],
  ["AC", 18, 18],
  ["VIF", 19, 19],
  ["VIP", 20, 20],
  ["ID", 21, 21],
];
const CR0: Field[] = [
  ["PE", 0, 0],
  ["MP", 1, 1],
  ["EM", 2, 2],
  ["TS", 3, 3],
  ["ET", 4, 4],
  ["NE", 5, 5],
  ["WP", 16, 16],
  ["AM", 18, 18],
  ["NW", 29, 29],
  ["CD", 30, 30],
  ["PG", 31, 31],
];
const CR4: Field[] = [
  ["VME", 0, 0],
  ["PVI", 1, 1],
  ["TSD", 2, 2],
  ["DE", 3, 3],
  ["PSE", 4, 4],
  ["PAE", 5, 5],
  ["MCE", 6, 6],
  ["PGE", 7, 7],
  ["PCE", 8, 8],
  ["OSFXSR", 9, 9],
  ["OSXMMEXCPT", 10, 10],
];
const EFER: Field[] = [
  ["SCE", 0, 0],
  ["LME", 8, 8],
  ["LMA", 10, 10],
  ["NXE", 11, 11],
];
const MXCSR: Field[] = [
  ["IE", 0, 0],
  ["DE", 1, 1],
  ["ZE", 2, 2],
  ["OE", 3, 3],
  ["UE", 4, 4],
  ["PE", 5, 5],
  ["DAZ", 6, 6],
  ["IM", 7, 7],
  ["DM", 8, 8],
  ["ZM", 9, 9],
  ["OM", 10, 10],
  ["UM", 11, 11],
  ["PM", 12, 12],
  ["FZ", 15, 15],
];

/** A <flags> type: single bits as bool, wider fields as uint32. */
function flags(id: string, fields: Field[]): string {
  const lines = fields.map(
    ([name, start, end]) =>
      `    <field name="${name}" start="${start}" end="${end}" type="${start === end ? "bool" : "uint32"}"/>`,
  );
  return `  <flags id="${id}" size="4">\n${lines.join("\n")}\n  </flags>\n`;
}

/** The <reg> elements of `regs`, numbered from `first`. */
function regs(list: readonly XmlRegister[], first: number): string {
  return list
    .map((r, i) => {
      const group = r.group ? ` group="${r.group}"` : "";
      return `  <reg name="${r.name}" bitsize="${r.bitsize}" type="${r.type}" regnum="${first + i}"${group}/>\n`;
    })
    .join("");
}

const HEADER = '<?xml version="1.0"?>\n<!DOCTYPE feature SYSTEM "gdb-target.dtd">\n';

/** The core feature document. */
function coreXml(): string {
  return (
    `${HEADER}<feature name="org.gnu.gdb.i386.core">\n` +
    flags("x86_eflags", EFLAGS) +
    flags("x86_cr0", CR0) +
    flags("x86_cr4", CR4) +
    flags("x86_efer", EFER) +
    regs(CORE_REGISTERS, 0) +
    "</feature>\n"
  );
}

/** The SSE feature document. */
function sseXml(): string {
  const vectors =
    '  <vector id="x86_v4f" type="ieee_single" count="4"/>\n' +
    '  <vector id="x86_v2d" type="ieee_double" count="2"/>\n' +
    '  <vector id="x86_v16i8" type="int8" count="16"/>\n' +
    '  <vector id="x86_v8i16" type="int16" count="8"/>\n' +
    '  <vector id="x86_v4i32" type="int32" count="4"/>\n' +
    '  <vector id="x86_v2i64" type="int64" count="2"/>\n' +
    '  <union id="x86_vec128">\n' +
    '    <field name="v4_float" type="x86_v4f"/>\n' +
    '    <field name="v2_double" type="x86_v2d"/>\n' +
    '    <field name="v16_int8" type="x86_v16i8"/>\n' +
    '    <field name="v8_int16" type="x86_v8i16"/>\n' +
    '    <field name="v4_int32" type="x86_v4i32"/>\n' +
    '    <field name="v2_int64" type="x86_v2i64"/>\n' +
    '    <field name="uint128" type="uint128"/>\n' +
    "  </union>\n";
  return (
    `${HEADER}<feature name="org.gnu.gdb.i386.sse">\n` +
    vectors +
    flags("x86_mxcsr", MXCSR) +
    regs(SSE_REGISTERS, CORE_REGISTERS.length) +
    "</feature>\n"
  );
}

/** The real-mode helper feature document. */
function realmodeXml(): string {
  return `${HEADER}<feature name="org.pcscope.x86.realmode">\n${regs(REALMODE_REGISTERS, G_REGISTERS.length)}</feature>\n`;
}

/** The architectures pcscope can describe. */
export type DescribedArch = "i386" | "i8086";

/**
 * The documents served by qXfer:features:read, keyed by annex. `linearPc` adds the real-mode feature.
 * Guarantees: the `g` layout (344 bytes) is the same for every combination.
 */
export function targetDocuments(arch: DescribedArch, linearPc: boolean): Map<string, string> {
  const includes = ["i386-core.xml", "i386-sse.xml", ...(linearPc ? ["pcscope-realmode.xml"] : [])];
  const target =
    '<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target version="1.0">\n' +
    `  <architecture>${arch}</architecture>\n` +
    // No OS ABI: gdb would otherwise warn that GNU/Linux has no i8086 handler.
    "  <osabi>none</osabi>\n" +
    includes.map((href) => `  <xi:include href="${href}"/>\n`).join("") +
    "</target>\n";
  const docs = new Map<string, string>([
    ["target.xml", target],
    ["i386-core.xml", coreXml()],
    ["i386-sse.xml", sseXml()],
  ]);
  if (linearPc) docs.set("pcscope-realmode.xml", realmodeXml());
  return docs;
}
