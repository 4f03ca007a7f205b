// Hex helpers for RSP payloads. Parsers are strict: anything that is not hex is a ProtocolError.
import { ProtocolError } from "./errors.ts";

const HEX = "0123456789abcdef";

/** Parses an unsigned hex number (up to 2^52); throws ProtocolError on anything else. */
export function parseHex(text: string, what = "number"): number {
  // A digit loop rather than a regex: this runs for every address and length gdb sends.
  let value = 0;
  if (text.length > 0 && text.length <= 13) {
    for (let i = 0; i < text.length; i++) {
      const d = digit(text.charCodeAt(i));
      if (d < 0) {
        value = -1;
        break;
      }
      value = value * 16 + d;
    }
    if (value >= 0) return value;
  }
  throw new ProtocolError(`malformed hex ${what} '${text.slice(0, 20)}'`);
}

/** Decodes pairs of hex digits into bytes; throws ProtocolError on odd length or non-hex. */
export function hexToBytes(text: string): Uint8Array {
  if (text.length % 2 !== 0) throw new ProtocolError("odd number of hex digits");
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = digit(text.charCodeAt(2 * i));
    const lo = digit(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new ProtocolError(`malformed hex data at offset ${2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Encodes bytes as lowercase hex. */
export function bytesToHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]! >> 4]! + HEX[bytes[i]! & 15]!;
  return s;
}

/** Encodes a string's UTF-8 bytes as hex (O packets, qRcmd). */
export function textToHex(text: string): string {
  return bytesToHex(Buffer.from(text, "utf8"));
}

/** Decodes hex into a UTF-8 string. */
export function hexToText(hex: string): string {
  return Buffer.from(hexToBytes(hex)).toString("utf8");
}

/** A 32-bit value as 8 hex digits in target (little-endian) byte order. */
export function le32Hex(value: number): string {
  const v = value >>> 0;
  return (
    HEX[(v >>> 4) & 15]! +
    HEX[v & 15]! +
    HEX[(v >>> 12) & 15]! +
    HEX[(v >>> 8) & 15]! +
    HEX[(v >>> 20) & 15]! +
    HEX[(v >>> 16) & 15]! +
    HEX[(v >>> 28) & 15]! +
    HEX[(v >>> 24) & 15]!
  );
}

/** Reads a little-endian unsigned value (up to 6 bytes exactly, more as a lossy number). */
export function readLe(bytes: Uint8Array, offset: number, size: number): number {
  let v = 0;
  for (let i = Math.min(size, 7) - 1; i >= 0; i--) v = v * 256 + bytes[offset + i]!;
  return v;
}

/** Reads a little-endian value of any size as a bigint. */
export function readLeBig(bytes: Uint8Array, offset: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]!);
  return v;
}

/** Writes `value` little-endian into `size` bytes. */
export function writeLe(bytes: Uint8Array, offset: number, size: number, value: number | bigint): void {
  let v = BigInt.asUintN(size * 8, BigInt(value));
  for (let i = 0; i < size; i++) {
    bytes[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function digit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
