// `info mptable`: the Intel MultiProcessor Specification 1.4 tables as the guest sees them, read from
// guest physical memory (whoever built them): the floating pointer structure ("_MP_", 16 bytes on
// a 16-byte boundary) searched where §4 says, in the first KiB of the EBDA, the last KiB of base
// memory, then the BIOS ROM area 0xF0000-0xFFFFF; the configuration table it points to (§4.2), and
// its entries decoded (§4.3): processors, buses, I/O APICs, I/O and local interrupt assignments.

/** Reads guest physical memory. */
export type PhysicalReader = (addr: number, length: number) => Uint8Array;

const FLOATING_SIZE = 16;
const HEADER_SIZE = 44;
/** Base-table entry types and sizes (§4.3). */
const ENTRY_PROCESSOR = 0;
const ENTRY_BUS = 1;
const ENTRY_IOAPIC = 2;
const ENTRY_IO_INTERRUPT = 3;
const ENTRY_LOCAL_INTERRUPT = 4;
const PROCESSOR_SIZE = 20;
const OTHER_ENTRY_SIZE = 8;
/** Processor flags: enabled, bootstrap processor. */
const CPU_ENABLED = 0x01;
const CPU_BSP = 0x02;
/** Where the BDA keeps the EBDA segment and the base memory size in KiB. */
const BDA_EBDA_SEGMENT = 0x40e;
const BDA_BASE_MEM_KIB = 0x413;
const INTERRUPT_TYPES = ["INT", "NMI", "SMI", "ExtINT"];

/** `v` as 0x-prefixed hex, zero-padded to `digits`. */
function hex(v: number, digits = 8): string {
  return `0x${v.toString(16).padStart(digits, "0")}`;
}

/** Whether `bytes` sum to zero modulo 256. */
function checksumOk(bytes: Uint8Array): boolean {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return sum === 0;
}

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1").replace(/\0+$/, "").trimEnd();

/** The floating pointer's address in [start, start + length), or null. */
function scan(read: PhysicalReader, start: number, length: number): number | null {
  const area = read(start, length);
  for (let off = 0; off + FLOATING_SIZE <= area.length; off += 16) {
    if (text(area.subarray(off, off + 4)) === "_MP_" && checksumOk(area.subarray(off, off + FLOATING_SIZE)))
      return start + off;
  }
  return null;
}

/** The floating pointer's address where MP 1.4 §4 says to look, or null. */
function findFloating(read: PhysicalReader): number | null {
  const bda = new DataView(read(0x400, 0x100).buffer);
  const ebda = bda.getUint16(BDA_EBDA_SEGMENT - 0x400, true) << 4;
  const baseKib = bda.getUint16(BDA_BASE_MEM_KIB - 0x400, true);
  return (
    (ebda !== 0 ? scan(read, ebda, 1024) : null) ??
    (baseKib >= 1 ? scan(read, baseKib * 1024 - 1024, 1024) : null) ??
    scan(read, 0xf0000, 0x10000)
  );
}

/** The text of `info mptable`. */
export function infoMptable(read: PhysicalReader): string {
  const at = findFloating(read);
  if (at === null) return "no MP floating pointer (the firmware has not built an MP table)";
  const fp = read(at, FLOATING_SIZE);
  const fv = new DataView(fp.buffer, fp.byteOffset);
  const tableAt = fv.getUint32(4, true);
  const out = [`floating pointer ${hex(at)} spec 1.${fp[9]} config table ${hex(tableAt)} feature1 ${fp[11]}`];
  if (tableAt === 0) return `${out.join("\n")}\n(default configuration ${fp[11]}: no table)`;
  const head = read(tableAt, HEADER_SIZE);
  const hv = new DataView(head.buffer, head.byteOffset);
  if (text(head.subarray(0, 4)) !== "PCMP") return `${out.join("\n")}\nno PCMP table at ${hex(tableAt)}`;
  const length = hv.getUint16(4, true);
  const count = hv.getUint16(34, true);
  const table = read(tableAt, length);
  out.push(
    `PCMP ${hex(tableAt)} length ${length} spec 1.${head[6]} OEM '${text(head.subarray(8, 16))}' product '${text(head.subarray(16, 28))}' ` +
      `entries ${count} local APIC ${hex(hv.getUint32(36, true))}${checksumOk(table) ? "" : " (bad checksum)"}`,
  );
  const buses = new Map<number, string>();
  let off = HEADER_SIZE;
  for (let i = 0; i < count && off < length; i++) {
    const type = table[off]!;
    const e = new DataView(table.buffer, table.byteOffset + off);
    if (type === ENTRY_PROCESSOR) {
      const flags = table[off + 3]!;
      out.push(
        `  CPU apic id ${table[off + 1]} version 0x${table[off + 2]!.toString(16)}` +
          `${flags & CPU_ENABLED ? " enabled" : " disabled"}${flags & CPU_BSP ? " BSP" : ""}` +
          ` signature ${hex(e.getUint32(4, true))} features ${hex(e.getUint32(8, true))}`,
      );
      off += PROCESSOR_SIZE;
      continue;
    }
    if (type === ENTRY_BUS) {
      const name = text(table.subarray(off + 2, off + 8));
      buses.set(table[off + 1]!, name);
      out.push(`  bus ${table[off + 1]} ${name}`);
    } else if (type === ENTRY_IOAPIC) {
      out.push(
        `  IOAPIC id ${table[off + 1]} version 0x${table[off + 2]!.toString(16)}` +
          `${table[off + 3]! & 1 ? "" : " disabled"} at ${hex(e.getUint32(4, true))}`,
      );
    } else if (type === ENTRY_IO_INTERRUPT || type === ENTRY_LOCAL_INTERRUPT) {
      const kind = INTERRUPT_TYPES[table[off + 1]!] ?? `type ${table[off + 1]}`;
      const flags = e.getUint16(2, true);
      const bus = table[off + 4]!;
      const irq = table[off + 5]!;
      // A PCI bus's source IRQ is the device number and its INTx# pin (§4.3.4, PCI bus IRQ format).
      const source =
        buses.get(bus) === "PCI"
          ? `PCI ${bus} dev ${irq >> 2} INT${"ABCD"[irq & 3]}#`
          : `${buses.get(bus) ?? "bus"} ${bus} irq ${irq}`;
      const dest = type === ENTRY_IO_INTERRUPT ? "IOAPIC" : "LAPIC";
      const destId = table[off + 6]! === 0xff ? "all" : String(table[off + 6]);
      out.push(
        `  ${type === ENTRY_IO_INTERRUPT ? "I/O" : "local"} interrupt ${kind} ${source} -> ${dest} ${destId} pin ${table[off + 7]}` +
          `${flags !== 0 ? ` flags 0x${flags.toString(16)}` : ""}`,
      );
    } else {
      out.push(`  unknown entry type ${type} at offset ${off}: stopping`);
      break;
    }
    off += OTHER_ENTRY_SIZE;
  }
  return `${out.join("\n")}\n`;
}
