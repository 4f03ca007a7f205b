// Builds a register layout from a target description (target.xml and its includes), the way gdb
// numbers registers: each <reg> takes its regnum attribute or the next number; the `g` packet holds
// registers in number order. Parsing is by regular expression over the few elements that matter.

/** One register of the remote target. */
export interface RemoteRegister {
  name: string;
  regnum: number;
  bitsize: number;
  type: string;
  group: string | null;
  /** Byte offset in the `g` packet (computed for every register; the reply may be shorter). */
  offset: number;
}

/** The register layout and architecture a stub described. */
export interface TargetLayout {
  /** `<architecture>` text (`i386`, `i386:x86-64`, `i8086`), or "" if none was given. */
  arch: string;
  registers: RemoteRegister[];
  /** Bytes of a `g` packet holding every register. */
  totalBytes: number;
}

/** The includes a document names (`<xi:include href="..."/>`), in order. */
export function includesOf(xml: string): string[] {
  return [...xml.matchAll(/<xi:include\s+href="([^"]+)"/g)].map((m) => m[1]!);
}

/** Reads attribute `name` of an element's attribute text. */
function attr(attrs: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
}

/**
 * Builds the layout from the documents in include order (target.xml first, then each include where
 * it is referenced). Needs: every included document present in `docs`.
 */
export function buildLayout(docs: ReadonlyMap<string, string>, root = "target.xml"): TargetLayout {
  const ordered: string[] = [];
  const visit = (name: string, depth: number) => {
    const raw = docs.get(name);
    if (raw === undefined || depth > 8) throw new Error(`target description '${name}' missing`);
    const xml = raw.replace(/<!--[\s\S]*?-->/g, "");
    // Registers of this document come where they appear; includes are expanded in place.
    const pieces = xml.split(/(<xi:include\s+href="[^"]+"\s*\/>)/);
    for (const piece of pieces) {
      const inc = /<xi:include\s+href="([^"]+)"/.exec(piece);
      if (inc) visit(inc[1]!, depth + 1);
      else ordered.push(piece);
    }
  };
  visit(root, 0);
  const all = ordered.join("");
  const arch = /<architecture>([^<]*)<\/architecture>/.exec(all)?.[1]?.trim() ?? "";
  const registers: RemoteRegister[] = [];
  let next = 0;
  for (const m of all.matchAll(/<reg\s([^>]*?)\/?>/g)) {
    const attrs = m[1]!;
    const name = attr(attrs, "name");
    const bitsize = Number(attr(attrs, "bitsize"));
    if (name === undefined || !Number.isInteger(bitsize) || bitsize <= 0) continue;
    const explicit = attr(attrs, "regnum");
    const regnum = explicit !== undefined ? Number(explicit) : next;
    next = regnum + 1;
    registers.push({
      name,
      regnum,
      bitsize,
      type: attr(attrs, "type") ?? "int",
      group: attr(attrs, "group") ?? null,
      offset: 0,
    });
  }
  registers.sort((a, b) => a.regnum - b.regnum);
  let offset = 0;
  for (const r of registers) {
    r.offset = offset;
    offset += Math.ceil(r.bitsize / 8);
  }
  return { arch, registers, totalBytes: offset };
}

/** The program-counter register of an architecture's layout (rip, eip or pc). */
export function pcRegister(layout: TargetLayout): RemoteRegister | undefined {
  return (
    layout.registers.find((r) => r.name === "rip") ??
    layout.registers.find((r) => r.name === "eip" || r.name === "pc")
  );
}
