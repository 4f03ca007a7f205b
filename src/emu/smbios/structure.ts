// One SMBIOS structure (DMTF DSP0134 §6.1.2): a 4-byte header (type, formatted-area length, handle),
// the formatted area, then the string set (each string NUL-terminated, the set ended by one more
// NUL; a structure without strings ends with two NULs). Fields that name a string hold its 1-based
// number in the set, 0 for "no string"; an empty string is left out as 0, as QEMU does.

/** A structure being built: little-endian field writers at offsets within the formatted area. */
export class SmbiosStructure {
  private readonly formatted: Uint8Array;
  private readonly view: DataView;
  private readonly strings: string[] = [];

  /** Needs `length` >= 4 (the header is part of the formatted area). */
  constructor(type: number, length: number, handle: number) {
    this.formatted = new Uint8Array(length);
    this.view = new DataView(this.formatted.buffer);
    this.u8(0, type);
    this.u8(1, length);
    this.u16(2, handle);
  }

  u8(offset: number, value: number): this {
    this.view.setUint8(offset, value);
    return this;
  }

  u16(offset: number, value: number): this {
    this.view.setUint16(offset, value, true);
    return this;
  }

  u32(offset: number, value: number): this {
    this.view.setUint32(offset, value >>> 0, true);
    return this;
  }

  /** Writes a 64-bit value (at most 2^53: sizes and addresses). */
  u64(offset: number, value: number): this {
    this.view.setBigUint64(offset, BigInt(value), true);
    return this;
  }

  bytes(offset: number, data: Uint8Array): this {
    this.formatted.set(data, offset);
    return this;
  }

  /** Adds `text` to the string set and stores its number at `offset` (0 for an empty string). */
  str(offset: number, text: string): this {
    if (text === "") return this.u8(offset, 0);
    this.strings.push(text);
    return this.u8(offset, this.strings.length);
  }

  /** The structure's bytes: formatted area and string set. */
  encode(): Uint8Array {
    const enc = new TextEncoder();
    const parts = this.strings.map((s) => enc.encode(s));
    const stringBytes = parts.reduce((n, p) => n + p.length + 1, 0);
    const out = new Uint8Array(this.formatted.length + Math.max(2, stringBytes + 1));
    out.set(this.formatted);
    let at = this.formatted.length;
    for (const p of parts) {
      out.set(p, at);
      at += p.length + 1;
    }
    return out;
  }
}
