// `info acpi`: the ACPI tables as the guest sees them, read from guest physical memory (whoever built
// them): the RSDP found on a 16-byte boundary in 0xE0000-0xFFFFF, then each table the RSDT (or the
// XSDT) lists with its signature, address, length and whether its checksum holds; the FADT's FACS
// and DSDT; the MADT's and the SRAT's entries decoded.

/** Reads guest physical memory. */
export type PhysicalReader = (addr: number, length: number) => Uint8Array;

const BIOS_AREA_START = 0xe0000;
const BIOS_AREA_END = 0x100000;
const HEADER_SIZE = 36;
/** Tables longer than this are taken as garbage (a guest's tables are a few KiB to a few 100 KiB). */
const MAX_TABLE = 1 << 20;

/** `v` as 0x-prefixed hex, zero-padded to `digits`. */
function hex(v: number | bigint, digits = 8): string {
  return `0x${v.toString(16).padStart(digits, "0")}`;
}

/** Whether `bytes` sum to zero modulo 256. */
function checksumOk(bytes: Uint8Array): boolean {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return sum === 0;
}

/** The RSDP's address, or null when the BIOS area holds none. */
function findRsdp(read: PhysicalReader): number | null {
  const area = read(BIOS_AREA_START, BIOS_AREA_END - BIOS_AREA_START);
  const sig = "RSD PTR ";
  for (let off = 0; off + 20 <= area.length; off += 16) {
    if (Buffer.from(area.subarray(off, off + 8)).toString("latin1") === sig) return BIOS_AREA_START + off;
  }
  return null;
}

/** One table at `addr` (null when its header is implausible). */
function readTable(read: PhysicalReader, addr: number): Uint8Array | null {
  const head = read(addr, HEADER_SIZE);
  const length = new DataView(head.buffer, head.byteOffset).getUint32(4, true);
  if (length < HEADER_SIZE || length > MAX_TABLE) return null;
  return read(addr, length);
}

/** The text of `info acpi`. */
export function infoAcpi(read: PhysicalReader): string {
  const rsdpAt = findRsdp(read);
  if (rsdpAt === null) return "no RSDP in 0xe0000-0xfffff (the firmware has not installed ACPI tables)";
  const rsdp = read(rsdpAt, 36);
  const rv = new DataView(rsdp.buffer, rsdp.byteOffset);
  const revision = rsdp[15]!;
  const rsdtAt = rv.getUint32(16, true);
  const xsdtAt = revision >= 2 ? rv.getBigUint64(24, true) : 0n;
  const out = [
    `RSDP ${hex(rsdpAt)} rev ${revision} OEM '${Buffer.from(rsdp.subarray(9, 15)).toString("latin1")}' RSDT ${hex(rsdtAt)}${revision >= 2 ? ` XSDT ${hex(xsdtAt, 16)}` : ""}${checksumOk(rsdp.subarray(0, 20)) ? "" : " (bad checksum)"}`,
  ];
  const rootAt = xsdtAt !== 0n ? Number(xsdtAt) : rsdtAt;
  const entrySize = xsdtAt !== 0n ? 8 : 4;
  const root = readTable(read, rootAt);
  if (root === null) return `${out.join("\n")}\nno table at ${hex(rootAt)}`;
  out.push(tableLine(rootAt, root));
  const view = new DataView(root.buffer, root.byteOffset);
  for (let off = HEADER_SIZE; off + entrySize <= root.length; off += entrySize) {
    const at = entrySize === 8 ? Number(view.getBigUint64(off, true)) : view.getUint32(off, true);
    const table = readTable(read, at);
    if (table === null) {
      out.push(`  ???? ${hex(at)} (no table header)`);
      continue;
    }
    out.push(tableLine(at, table), ...decode(read, table));
  }
  return out.join("\n");
}

/** `SIG address length [checksum]`. */
function tableLine(addr: number, table: Uint8Array): string {
  const sig = Buffer.from(table.subarray(0, 4)).toString("latin1");
  return `${sig} ${hex(addr)} ${table.length} bytes rev ${table[8]}${checksumOk(table) ? "" : " (bad checksum)"}`;
}

/** Decoded lines for the tables that have them. */
function decode(read: PhysicalReader, table: Uint8Array): string[] {
  const sig = Buffer.from(table.subarray(0, 4)).toString("latin1");
  if (sig === "FACP") return decodeFadt(read, table);
  if (sig === "APIC") return decodeMadt(table);
  if (sig === "SRAT") return decodeSrat(table);
  return [];
}

/** The FADT's FACS and DSDT (with their lengths) and PM blocks. */
function decodeFadt(read: PhysicalReader, t: Uint8Array): string[] {
  const v = new DataView(t.buffer, t.byteOffset);
  const facs = v.getUint32(36, true);
  const dsdt = v.getUint32(40, true);
  const dsdtTable = dsdt !== 0 ? readTable(read, dsdt) : null;
  const facsHead = read(facs, 8);
  const facsLen = facs !== 0 ? new DataView(facsHead.buffer, facsHead.byteOffset).getUint32(4, true) : 0;
  return [
    `  FACS ${hex(facs)} ${facsLen} bytes`,
    dsdtTable === null ? `  DSDT ${hex(dsdt)} (no table header)` : `  ${tableLine(dsdt, dsdtTable)}`,
    `  SCI IRQ ${v.getUint16(46, true)}, PM1a_EVT ${hex(v.getUint32(56, true), 4)}, PM1a_CNT ${hex(v.getUint32(64, true), 4)}, PM_TMR ${hex(v.getUint32(76, true), 4)}, GPE0 ${hex(v.getUint32(80, true), 4)}, flags ${hex(v.getUint32(112, true))}`,
  ];
}

/** MADT entries (ACPI 6.4 §5.2.12). */
function decodeMadt(t: Uint8Array): string[] {
  const v = new DataView(t.buffer, t.byteOffset);
  const out = [`  local APIC address ${hex(v.getUint32(36, true))}, flags ${v.getUint32(40, true)}`];
  for (let off = 44; off + 2 <= t.length; ) {
    const type = t[off]!;
    const len = t[off + 1]!;
    if (len < 2 || off + len > t.length) break;
    switch (type) {
      case 0:
        out.push(
          `  processor uid ${t[off + 2]} APIC ID ${t[off + 3]} ${v.getUint32(off + 4, true) & 1 ? "enabled" : "disabled"}`,
        );
        break;
      case 1:
        out.push(
          `  I/O APIC ID ${t[off + 2]} at ${hex(v.getUint32(off + 4, true))} GSI base ${v.getUint32(off + 8, true)}`,
        );
        break;
      case 2:
        out.push(
          `  override bus ${t[off + 2]} IRQ ${t[off + 3]} -> GSI ${v.getUint32(off + 4, true)} flags ${hex(v.getUint16(off + 8, true), 4)}`,
        );
        break;
      case 4:
        out.push(
          `  local APIC NMI uid ${hex(t[off + 2]!, 2)} LINT${t[off + 5]} flags ${hex(v.getUint16(off + 3, true), 4)}`,
        );
        break;
      default:
        out.push(`  entry type ${type}, ${len} bytes`);
    }
    off += len;
  }
  return out;
}

/** SRAT entries (ACPI 6.4 §5.2.16). */
function decodeSrat(t: Uint8Array): string[] {
  const v = new DataView(t.buffer, t.byteOffset);
  const out: string[] = [];
  for (let off = 48; off + 2 <= t.length; ) {
    const type = t[off]!;
    const len = t[off + 1]!;
    if (len < 2 || off + len > t.length) break;
    if (type === 0) {
      const node = t[off + 2]! | (t[off + 9]! << 8) | (t[off + 10]! << 16) | (t[off + 11]! << 24);
      out.push(
        `  CPU APIC ID ${t[off + 3]} node ${node} ${v.getUint32(off + 4, true) & 1 ? "enabled" : "disabled"}`,
      );
    } else if (type === 1) {
      const base = v.getBigUint64(off + 8, true);
      const length = v.getBigUint64(off + 16, true);
      const flags = v.getUint32(off + 28, true);
      const what = [
        flags & 1 ? "enabled" : "disabled",
        flags & 2 ? "hotpluggable" : "",
        flags & 4 ? "non-volatile" : "",
      ];
      const range = length === 0n ? "empty" : `${hex(base, 16)}-${hex(base + length - 1n, 16)}`;
      out.push(
        `  memory node ${v.getUint32(off + 2, true)} ${range} ${what.filter((w) => w !== "").join(" ")}`,
      );
    } else out.push(`  entry type ${type}, ${len} bytes`);
    off += len;
  }
  return out;
}
