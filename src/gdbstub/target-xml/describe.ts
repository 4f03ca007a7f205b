// Target descriptions generated from an ArchDescription: target.xml names the architecture and
// includes one document per feature; each feature document defines the types its registers use and
// declares its registers with their numbers, so gdb's numbering is the description's and the `g`
// packet layout follows from it.
import type { ArchDescription } from "../../emu/debug-arch.ts";
import { typeDefinition } from "./x86-types.ts";

const HEADER = '<?xml version="1.0"?>\n<!DOCTYPE feature SYSTEM "gdb-target.dtd">\n';

/** One feature document: its type definitions, then its registers numbered as in `arch`. */
function featureXml(arch: ArchDescription, feature: string): string {
  let types = "";
  let regs = "";
  const defined = new Set<string>();
  arch.registers.forEach((r, regnum) => {
    if (r.feature !== feature) return;
    if (!defined.has(r.type)) {
      defined.add(r.type);
      types += typeDefinition(r.type, r.bytes);
    }
    const group = r.group ? ` group="${r.group}"` : "";
    regs += `  <reg name="${r.name}" bitsize="${r.bytes * 8}" type="${r.type}" regnum="${regnum}"${group}/>\n`;
  });
  return `${HEADER}<feature name="${feature}">\n${types}${regs}</feature>\n`;
}

/**
 * The documents served by qXfer:features:read, keyed by annex: target.xml and one per feature.
 * No OS ABI is named: gdb would otherwise warn that GNU/Linux has no i8086 handler.
 */
export function targetDocuments(arch: ArchDescription): Map<string, string> {
  const target =
    '<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target version="1.0">\n' +
    `  <architecture>${arch.architecture}</architecture>\n` +
    "  <osabi>none</osabi>\n" +
    arch.features.map((f) => `  <xi:include href="${f.file}"/>\n`).join("") +
    "</target>\n";
  const docs = new Map<string, string>([["target.xml", target]]);
  for (const f of arch.features) docs.set(f.file, featureXml(arch, f.name));
  return docs;
}
