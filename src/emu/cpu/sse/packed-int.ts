// The packed-integer operations of MMX, of SSE's MMX extensions and of SSE2 (SDM Vol. 2, the
// P* instructions), on `n`-byte vectors (8: MMX, 16: XMM): A = A op B, lane by lane. The opcode is
// the second byte of the 0F xx encoding, the same for the MMX and the 66 (XMM) form.

import { A, B, T } from "./simd-operands.ts";

/** Signed and unsigned saturation. */
function sat8s(v: number): number {
  return v > 127 ? 127 : v < -128 ? -128 : v;
}
function sat8u(v: number): number {
  return v > 255 ? 255 : v < 0 ? 0 : v;
}
function sat16s(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}
function sat16u(v: number): number {
  return v > 65535 ? 65535 : v < 0 ? 0 : v;
}

/** True when `op` (0F op) is one of the packed-integer operations packedInt executes. */
export function isPackedInt(op: number): boolean {
  return (
    (op >= 0x60 && op <= 0x6d) ||
    (op >= 0x74 && op <= 0x76) ||
    (op >= 0xd1 && op <= 0xd5) ||
    (op >= 0xd8 && op <= 0xe5) ||
    (op >= 0xe8 && op <= 0xef) ||
    (op >= 0xf1 && op <= 0xf6) ||
    (op >= 0xf8 && op <= 0xfe)
  );
}

/** Interleaves the `e`-byte elements of A's and B's low (high = false) or high halves into A. */
function unpack(n: number, e: number, high: boolean): void {
  const from = high ? n >> 1 : 0;
  const t = T.u8;
  const a = A.u8;
  const b = B.u8;
  for (let k = 0; k < n >> 1; k += e) {
    for (let i = 0; i < e; i++) {
      t[2 * k + i] = a[from + k + i]!;
      t[2 * k + e + i] = b[from + k + i]!;
    }
  }
  copyFromT(n);
}

/** A's first `n` bytes = T's. */
function copyFromT(n: number): void {
  for (let i = 0; i < n; i++) A.u8[i] = T.u8[i]!;
}

/** The logical shift count of a shift by B: B's low 64 bits, capped at 255. */
function shiftCount(): number {
  return B.u32[1] !== 0 || B.u32[0]! > 255 ? 255 : B.u32[0]!;
}

/** PSRLW/PSRLD/PSRLQ, PSLLW/PSLLD/PSLLQ (`left`) and PSRAW/PSRAD (`arith`) by `count` on A. */
export function shiftLanes(n: number, bits: number, count: number, left: boolean, arith: boolean): void {
  if (bits === 16) {
    const w = arith ? A.i16 : A.u16;
    const s = count > 15 ? (arith ? 15 : 16) : count;
    for (let i = 0; i < n >> 1; i++) w[i] = s === 16 ? 0 : left ? w[i]! << s : w[i]! >> s;
  } else if (bits === 32) {
    const s = count > 31 ? (arith ? 31 : 32) : count;
    for (let i = 0; i < n >> 2; i++) {
      const v = A.i32[i]!;
      A.i32[i] = s === 32 ? 0 : left ? v << s : arith ? v >> s : v >>> s;
    }
  } else {
    for (let q = 0; q < n >> 3; q++) {
      const lo = A.u32[2 * q]!;
      const hi = A.u32[2 * q + 1]!;
      let nlo = 0;
      let nhi = 0;
      if (count === 0) {
        nlo = lo;
        nhi = hi;
      } else if (count < 32) {
        if (left) {
          nlo = lo << count;
          nhi = (hi << count) | (lo >>> (32 - count));
        } else {
          nlo = (lo >>> count) | (hi << (32 - count));
          nhi = hi >>> count;
        }
      } else if (count < 64) {
        if (left) nhi = lo << (count - 32);
        else nlo = hi >>> (count - 32);
      }
      A.u32[2 * q] = nlo;
      A.u32[2 * q + 1] = nhi;
    }
  }
}

/** PSLLDQ (`left`) / PSRLDQ: A shifted by `count` bytes (all zero past 15). */
export function shiftBytes(count: number, left: boolean): void {
  const s = count > 16 ? 16 : count;
  const a = A.u8;
  T.u8.fill(0);
  for (let i = 0; i < 16; i++) {
    const j = left ? i - s : i + s;
    if (j >= 0 && j < 16) T.u8[i] = a[j]!;
  }
  copyFromT(16);
}

/** The low 32 bits and the high 32 bits of the unsigned 64-bit product of two uint32s. */
const product = new Uint32Array(2);
function mulU32(a: number, b: number): void {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const mid = ah * bl + al * bh;
  const low = al * bl + (mid % 0x10000) * 0x10000;
  product[0] = low % 0x100000000;
  product[1] = ah * bh + Math.floor(mid / 0x10000) + Math.floor(low / 0x100000000);
}

/** 64-bit lane add (sub = false) or subtract of B from A. */
function addQ(n: number, sub: boolean): void {
  for (let q = 0; q < n >> 3; q++) {
    const alo = A.u32[2 * q]!;
    const blo = B.u32[2 * q]!;
    const lo = sub ? alo - blo : alo + blo;
    const carry = sub ? (lo < 0 ? -1 : 0) : lo > 0xffffffff ? 1 : 0;
    A.u32[2 * q] = lo >>> 0;
    A.u32[2 * q + 1] =
      (sub ? A.u32[2 * q + 1]! - B.u32[2 * q + 1]! : A.u32[2 * q + 1]! + B.u32[2 * q + 1]!) + carry;
  }
}

/** A = A op B for packed-integer opcode `op` (isPackedInt) on `n`-byte vectors. */
export function packedInt(op: number, n: number): void {
  const a8 = A.u8;
  const b8 = B.u8;
  const as8 = A.i8;
  const bs8 = B.i8;
  const a16 = A.u16;
  const b16 = B.u16;
  const as16 = A.i16;
  const bs16 = B.i16;
  const a32 = A.i32;
  const b32 = B.i32;
  const nb = n;
  const nw = n >> 1;
  const nd = n >> 2;
  switch (op) {
    case 0x60:
      unpack(n, 1, false);
      return;
    case 0x61:
      unpack(n, 2, false);
      return;
    case 0x62:
      unpack(n, 4, false);
      return;
    case 0x63:
      for (let i = 0; i < nw; i++) {
        T.i8[i] = sat8s(as16[i]!);
        T.i8[nw + i] = sat8s(bs16[i]!);
      }
      copyFromT(n);
      return;
    case 0x64:
      for (let i = 0; i < nb; i++) a8[i] = as8[i]! > bs8[i]! ? 0xff : 0;
      return;
    case 0x65:
      for (let i = 0; i < nw; i++) a16[i] = as16[i]! > bs16[i]! ? 0xffff : 0;
      return;
    case 0x66:
      for (let i = 0; i < nd; i++) a32[i] = a32[i]! > b32[i]! ? -1 : 0;
      return;
    case 0x67:
      for (let i = 0; i < nw; i++) {
        T.u8[i] = sat8u(as16[i]!);
        T.u8[nw + i] = sat8u(bs16[i]!);
      }
      copyFromT(n);
      return;
    case 0x68:
      unpack(n, 1, true);
      return;
    case 0x69:
      unpack(n, 2, true);
      return;
    case 0x6a:
      unpack(n, 4, true);
      return;
    case 0x6b:
      for (let i = 0; i < nd; i++) {
        T.i16[i] = sat16s(a32[i]!);
        T.i16[nd + i] = sat16s(b32[i]!);
      }
      copyFromT(n);
      return;
    case 0x6c:
      unpack(n, 8, false);
      return;
    case 0x6d:
      unpack(n, 8, true);
      return;
    case 0x74:
      for (let i = 0; i < nb; i++) a8[i] = a8[i] === b8[i] ? 0xff : 0;
      return;
    case 0x75:
      for (let i = 0; i < nw; i++) a16[i] = a16[i] === b16[i] ? 0xffff : 0;
      return;
    case 0x76:
      for (let i = 0; i < nd; i++) a32[i] = a32[i] === b32[i] ? -1 : 0;
      return;
    case 0xd1:
      shiftLanes(n, 16, shiftCount(), false, false);
      return;
    case 0xd2:
      shiftLanes(n, 32, shiftCount(), false, false);
      return;
    case 0xd3:
      shiftLanes(n, 64, shiftCount(), false, false);
      return;
    case 0xd4:
      addQ(n, false);
      return;
    case 0xd5:
      for (let i = 0; i < nw; i++) a16[i] = Math.imul(a16[i]!, b16[i]!);
      return;
    case 0xd8:
      for (let i = 0; i < nb; i++) a8[i] = sat8u(a8[i]! - b8[i]!);
      return;
    case 0xd9:
      for (let i = 0; i < nw; i++) a16[i] = sat16u(a16[i]! - b16[i]!);
      return;
    case 0xda:
      for (let i = 0; i < nb; i++) if (b8[i]! < a8[i]!) a8[i] = b8[i]!;
      return;
    case 0xdb:
      for (let i = 0; i < nd; i++) a32[i] = a32[i]! & b32[i]!;
      return;
    case 0xdc:
      for (let i = 0; i < nb; i++) a8[i] = sat8u(a8[i]! + b8[i]!);
      return;
    case 0xdd:
      for (let i = 0; i < nw; i++) a16[i] = sat16u(a16[i]! + b16[i]!);
      return;
    case 0xde:
      for (let i = 0; i < nb; i++) if (b8[i]! > a8[i]!) a8[i] = b8[i]!;
      return;
    case 0xdf:
      for (let i = 0; i < nd; i++) a32[i] = ~a32[i]! & b32[i]!;
      return;
    case 0xe0:
      for (let i = 0; i < nb; i++) a8[i] = (a8[i]! + b8[i]! + 1) >> 1;
      return;
    case 0xe1:
      shiftLanes(n, 16, shiftCount(), false, true);
      return;
    case 0xe2:
      shiftLanes(n, 32, shiftCount(), false, true);
      return;
    case 0xe3:
      for (let i = 0; i < nw; i++) a16[i] = (a16[i]! + b16[i]! + 1) >> 1;
      return;
    case 0xe4:
      for (let i = 0; i < nw; i++) a16[i] = (a16[i]! * b16[i]!) >>> 16;
      return;
    case 0xe5:
      for (let i = 0; i < nw; i++) a16[i] = (as16[i]! * bs16[i]!) >> 16;
      return;
    case 0xe8:
      for (let i = 0; i < nb; i++) as8[i] = sat8s(as8[i]! - bs8[i]!);
      return;
    case 0xe9:
      for (let i = 0; i < nw; i++) as16[i] = sat16s(as16[i]! - bs16[i]!);
      return;
    case 0xea:
      for (let i = 0; i < nw; i++) if (bs16[i]! < as16[i]!) as16[i] = bs16[i]!;
      return;
    case 0xeb:
      for (let i = 0; i < nd; i++) a32[i] = a32[i]! | b32[i]!;
      return;
    case 0xec:
      for (let i = 0; i < nb; i++) as8[i] = sat8s(as8[i]! + bs8[i]!);
      return;
    case 0xed:
      for (let i = 0; i < nw; i++) as16[i] = sat16s(as16[i]! + bs16[i]!);
      return;
    case 0xee:
      for (let i = 0; i < nw; i++) if (bs16[i]! > as16[i]!) as16[i] = bs16[i]!;
      return;
    case 0xef:
      for (let i = 0; i < nd; i++) a32[i] = a32[i]! ^ b32[i]!;
      return;
    case 0xf1:
      shiftLanes(n, 16, shiftCount(), true, false);
      return;
    case 0xf2:
      shiftLanes(n, 32, shiftCount(), true, false);
      return;
    case 0xf3:
      shiftLanes(n, 64, shiftCount(), true, false);
      return;
    case 0xf4:
      // PMULUDQ: the even dwords, multiplied to 64 bits.
      for (let q = 0; q < n >> 3; q++) {
        mulU32(A.u32[2 * q]!, B.u32[2 * q]!);
        A.u32[2 * q] = product[0]!;
        A.u32[2 * q + 1] = product[1]!;
      }
      return;
    case 0xf5:
      // PMADDWD: adjacent signed word products summed into dwords.
      for (let i = 0; i < nd; i++) {
        a32[i] = Math.imul(as16[2 * i]!, bs16[2 * i]!) + Math.imul(as16[2 * i + 1]!, bs16[2 * i + 1]!);
      }
      return;
    case 0xf6:
      // PSADBW: per 64-bit lane, the sum of absolute byte differences in the low word.
      for (let q = 0; q < n >> 3; q++) {
        let sum = 0;
        for (let i = 0; i < 8; i++) sum += Math.abs(a8[8 * q + i]! - b8[8 * q + i]!);
        A.u32[2 * q] = sum;
        A.u32[2 * q + 1] = 0;
      }
      return;
    case 0xf8:
      for (let i = 0; i < nb; i++) a8[i] = a8[i]! - b8[i]!;
      return;
    case 0xf9:
      for (let i = 0; i < nw; i++) a16[i] = a16[i]! - b16[i]!;
      return;
    case 0xfa:
      for (let i = 0; i < nd; i++) a32[i] = a32[i]! - b32[i]!;
      return;
    case 0xfb:
      addQ(n, true);
      return;
    case 0xfc:
      for (let i = 0; i < nb; i++) a8[i] = a8[i]! + b8[i]!;
      return;
    case 0xfd:
      for (let i = 0; i < nw; i++) a16[i] = a16[i]! + b16[i]!;
      return;
    case 0xfe:
      for (let i = 0; i < nd; i++) a32[i] = a32[i]! + b32[i]!;
      return;
    default:
      throw new Error(`packedInt: 0f ${op.toString(16)} is not a packed-integer opcode`);
  }
}
