// The gdb types x86 register descriptions use beyond gdb's predefined ones (int32, code_ptr,
// i387_ext, ...): the flag layouts of EFLAGS, CR0, CR4, EFER and MXCSR and the 128-bit vector union,
// written from the Intel SDM. A feature document defines the ones its registers name.

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

const FLAGS: Record<string, Field[]> = {
  i386_eflags: EFLAGS,
  i386_cr0: CR0,
  i386_cr4: CR4,
  i386_efer: EFER,
  i386_mxcsr: MXCSR,
};

/** A <flags> type of `size` bytes: single bits as bool, wider fields as uint32. */
function flags(id: string, size: number, fields: Field[]): string {
  const lines = fields.map(
    ([name, start, end]) =>
      `    <field name="${name}" start="${start}" end="${end}" type="${start === end ? "bool" : "uint32"}"/>`,
  );
  return `  <flags id="${id}" size="${size}">\n${lines.join("\n")}\n  </flags>\n`;
}

const VEC128 =
  '  <vector id="v4f" type="ieee_single" count="4"/>\n' +
  '  <vector id="v2d" type="ieee_double" count="2"/>\n' +
  '  <vector id="v16i8" type="int8" count="16"/>\n' +
  '  <vector id="v8i16" type="int16" count="8"/>\n' +
  '  <vector id="v4i32" type="int32" count="4"/>\n' +
  '  <vector id="v2i64" type="int64" count="2"/>\n' +
  '  <union id="vec128">\n' +
  '    <field name="v4_float" type="v4f"/>\n' +
  '    <field name="v2_double" type="v2d"/>\n' +
  '    <field name="v16_int8" type="v16i8"/>\n' +
  '    <field name="v8_int16" type="v8i16"/>\n' +
  '    <field name="v4_int32" type="v4i32"/>\n' +
  '    <field name="v2_int64" type="v2i64"/>\n' +
  '    <field name="uint128" type="uint128"/>\n' +
  "  </union>\n";

/**
 * The definition of type `id` for a register of `bytes` bytes, or "" for gdb's predefined types.
 * Flags take the size of the register using them (EFER is 4 bytes on i386, 8 on x86-64).
 */
export function typeDefinition(id: string, bytes: number): string {
  if (id === "vec128") return VEC128;
  const fields = FLAGS[id];
  return fields === undefined ? "" : flags(id, bytes, fields);
}
