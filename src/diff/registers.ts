// Comparing two register files laid out differently (pcscope's i386 description and QEMU's target
// description): the registers both name, byte for byte, minus those QEMU 7.2's i386 stub does not
// report (it sends zeros for them whatever the CPU holds) or that pcscope does not model.
import type { SideRegister } from "./side.ts";

/**
 * Registers never compared. QEMU 7.2's i386 stub (target/i386/gdbstub.c) returns 0 for the x87
 * tag word and the last-instruction/operand pointers (ftag, fiseg, fioff, foseg, fooff, fop);
 * k_gs_base and cr8 exist only in long mode; pcscope has no EFER on these 32-bit models.
 */
const NOT_COMPARED: ReadonlySet<string> = new Set([
  "ftag",
  "fiseg",
  "fioff",
  "foseg",
  "fooff",
  "fop",
  "k_gs_base",
  "cr8",
  "efer",
]);

/** One register both sides have: where its bytes sit in each side's buffer. */
export interface RegisterPair {
  readonly name: string;
  readonly bytes: number;
  readonly offsetA: number;
  readonly offsetB: number;
}

/** A register whose values differ, as hex text for each side. */
export interface RegisterDifference {
  readonly name: string;
  readonly a: string;
  readonly b: string;
}

/** The registers to compare: those both layouts name with the same size, in A's order. */
export function pairRegisters(a: readonly SideRegister[], b: readonly SideRegister[]): RegisterPair[] {
  const byName = new Map(b.map((r) => [r.name, r]));
  const pairs: RegisterPair[] = [];
  for (const r of a) {
    const other = byName.get(r.name);
    if (other === undefined || other.bytes !== r.bytes || NOT_COMPARED.has(r.name)) continue;
    pairs.push({ name: r.name, bytes: r.bytes, offsetA: r.offset, offsetB: other.offset });
  }
  return pairs;
}

/** A register's bytes as one hex number (little-endian in the buffer, most significant digit first). */
function registerHex(buffer: Uint8Array, offset: number, bytes: number): string {
  let out = "";
  for (let i = bytes - 1; i >= 0; i--) out += (buffer[offset + i] ?? 0).toString(16).padStart(2, "0");
  return `0x${out}`;
}

/** The registers of `pairs` whose bytes differ between the two buffers (empty when none do). */
export function compareRegisters(
  pairs: readonly RegisterPair[],
  a: Uint8Array,
  b: Uint8Array,
): RegisterDifference[] {
  const out: RegisterDifference[] = [];
  for (const p of pairs) {
    let same = true;
    for (let i = 0; i < p.bytes; i++) {
      if (a[p.offsetA + i] !== b[p.offsetB + i]) {
        same = false;
        break;
      }
    }
    if (!same)
      out.push({
        name: p.name,
        a: registerHex(a, p.offsetA, p.bytes),
        b: registerHex(b, p.offsetB, p.bytes),
      });
  }
  return out;
}

/** Register `name`'s value (up to 4 bytes) from a buffer laid out by `layout`; 0 if absent. */
export function registerNumber(layout: readonly SideRegister[], buffer: Uint8Array, name: string): number {
  const r = layout.find((x) => x.name === name);
  if (r === undefined) return 0;
  let v = 0;
  for (let i = Math.min(r.bytes, 4) - 1; i >= 0; i--) v = v * 256 + (buffer[r.offset + i] ?? 0);
  return v;
}
