// Binary floating-point values as gdb 13 prints them: x87 80-bit extended reals classified and shown
// as `info float` does (i387-tdep.c's print_i387_ext: "+Inf", "QNaN", "Real Indefinite (QNaN)",
// "Denormal", "Pseudo-denormal", "Unsupported" for unnormals and pseudo-NaNs, the value through the
// host's `%-+27.19Lg`), and IEEE single/double lanes as `p $xmm0.v4_float` shows them (`%.9g`,
// `%.17g`, `nan(0x...)`). Decimal conversion is exact (BigInt), rounding half to even as glibc does.

/** The x87 format: explicit integer bit 63, 15-bit exponent biased by 16383. */
const X87_EXP_MAX = 0x7fff;
const X87_BIAS = 16383;
const X87_INTEGER_BIT = 1n << 63n;
/** Fraction bit 62: set in a quiet NaN. */
const X87_QUIET_BIT = 1n << 62n;
const MASK64 = (1n << 64n) - 1n;
/** Significant digits gdb asks the host printf for (`%.19Lg`). */
const X87_DIGITS = 19;
const LOG10_2 = Math.log10(2);

/** An IEEE binary interchange format: field widths and the digits gdb prints it with. */
interface IeeeFormat {
  readonly expBits: number;
  readonly fracBits: number;
  /** gdb's floatformat_printf_format precision: 1 + fracBits+1 bits in decimal digits, rounded up. */
  readonly digits: number;
}
const F32: IeeeFormat = { expBits: 8, fracBits: 23, digits: 9 };
const F64: IeeeFormat = { expBits: 11, fracBits: 52, digits: 17 };

/**
 * Formats mant * 2^exp2 (mant >= 0) as C's `%.{precision}g` does, exactly (the decimal digits of the
 * exact binary value, rounded half to even), with a sign when `plus` or when negative.
 */
export function formatG(
  negative: boolean,
  mant: bigint,
  exp2: number,
  precision: number,
  plus: boolean,
): string {
  const sign = negative ? "-" : plus ? "+" : "";
  if (mant === 0n) return `${sign}0`;
  const p = Math.max(1, precision);
  // Estimate the decimal exponent from the bit length, then correct it by at most a step each way.
  let x = Math.floor((mant.toString(2).length - 1 + exp2) * LOG10_2);
  let digits = scaledDigits(mant, exp2, x - p + 1);
  const low = 10n ** BigInt(p - 1);
  const high = 10n ** BigInt(p);
  while (digits < low) {
    x--;
    digits = scaledDigits(mant, exp2, x - p + 1);
  }
  while (digits >= high) {
    x++;
    digits = scaledDigits(mant, exp2, x - p + 1);
  }
  const text = digits.toString();
  if (x < -4 || x >= p) {
    const fraction = text.slice(1).replace(/0+$/, "");
    const exp = `${x < 0 ? "-" : "+"}${Math.abs(x).toString().padStart(2, "0")}`;
    return `${sign}${text[0]}${fraction === "" ? "" : `.${fraction}`}e${exp}`;
  }
  const whole = x >= 0 ? text.slice(0, x + 1) : "0";
  const fraction = (x >= 0 ? text.slice(x + 1) : "0".repeat(-x - 1) + text).replace(/0+$/, "");
  return `${sign}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}

/** round(mant * 2^exp2 / 10^scale), ties to even. */
function scaledDigits(mant: bigint, exp2: number, scale: number): bigint {
  let num = mant;
  let den = 1n;
  if (exp2 >= 0) num <<= BigInt(exp2);
  else den <<= BigInt(-exp2);
  if (scale >= 0) den *= 10n ** BigInt(scale);
  else num *= 10n ** BigInt(-scale);
  const q = num / den;
  const twice = 2n * (num - q * den);
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** An 80-bit register split into its fields. */
export interface X87Parts {
  readonly negative: boolean;
  readonly exponent: number;
  /** The 64-bit significand, integer bit included. */
  readonly significand: bigint;
}

/** The fields of an 80-bit extended real held as an unsigned integer (bits 0-79). */
export function x87Parts(raw: bigint): X87Parts {
  const se = Number((raw >> 64n) & 0xffffn);
  return { negative: (se & 0x8000) !== 0, exponent: se & X87_EXP_MAX, significand: raw & MASK64 };
}

/**
 * What `info float` prints after a non-empty register's hex, spaces collapsed: `+1`, `-Inf`,
 * `Real Indefinite (QNaN)`, `QNaN`, `SNaN`, `+3.6e-4951 Denormal`, `+0`, `Unsupported`...
 */
export function describeX87(raw: bigint): string {
  const { negative, exponent, significand } = x87Parts(raw);
  const integer = (significand & X87_INTEGER_BIT) !== 0n;
  const fraction = significand & ~X87_INTEGER_BIT;
  if (exponent === X87_EXP_MAX && integer) {
    if (fraction === 0n) return negative ? "-Inf" : "+Inf";
    if (negative && fraction === X87_QUIET_BIT) return "Real Indefinite (QNaN)";
    return (fraction & X87_QUIET_BIT) !== 0n ? "QNaN" : "SNaN";
  }
  if (exponent !== 0 && exponent !== X87_EXP_MAX && integer) return x87Decimal(raw);
  if (exponent === 0) {
    const value = x87Decimal(raw);
    if (integer) return `${value} Pseudo-denormal`;
    return fraction !== 0n ? `${value} Denormal` : value;
  }
  return "Unsupported";
}

/**
 * The decimal value of a finite 80-bit real as glibc 2.36's `%+.19Lg` prints it (what gdb shows):
 * exponent 0 scales by 2^-16382 as the x87 does, but glibc's decimal conversion drops a
 * pseudo-denormal's integer bit unless the fraction is zero. Needs: a finite encoding.
 */
export function x87Decimal(raw: bigint): string {
  const { negative, exponent, significand } = x87Parts(raw);
  const exp2 = Math.max(exponent, 1) - X87_BIAS - 63;
  const fraction = significand & ~X87_INTEGER_BIT;
  const printed = exponent === 0 && fraction !== 0n ? fraction : significand;
  return formatG(negative, printed, exp2, X87_DIGITS, true);
}

/**
 * The tag the x87 gives a register in use (gdb's i387_tag, how it completes an abridged tag word):
 * 0 valid, 1 zero, 2 special (NaN, infinity, denormal, pseudo-denormal, unnormal).
 */
export function x87Tag(raw: bigint): 0 | 1 | 2 {
  const { exponent, significand } = x87Parts(raw);
  if (exponent === X87_EXP_MAX) return 2;
  if (exponent === 0) return significand === 0n ? 1 : 2;
  return (significand & X87_INTEGER_BIT) !== 0n ? 0 : 2;
}

/** The 80-bit value as gdb's 20 hex digits (sign and exponent first). */
export function x87Hex(raw: bigint): string {
  return raw.toString(16).padStart(20, "0");
}

/** An IEEE value of `format` (its bits as an unsigned integer) as gdb prints a vector lane. */
function formatIeee(bits: bigint, format: IeeeFormat): string {
  const fracMask = (1n << BigInt(format.fracBits)) - 1n;
  const expMax = (1 << format.expBits) - 1;
  const negative = bits >> BigInt(format.expBits + format.fracBits) !== 0n;
  const exponent = Number((bits >> BigInt(format.fracBits)) & BigInt(expMax));
  const fraction = bits & fracMask;
  if (exponent === expMax) {
    if (fraction === 0n) return negative ? "-inf" : "inf";
    return `${negative ? "-" : ""}nan(0x${gdbMantissaHex(fraction, format.fracBits)})`;
  }
  const bias = (1 << (format.expBits - 1)) - 1;
  const significand = exponent === 0 ? fraction : fraction | (1n << BigInt(format.fracBits));
  const exp2 = Math.max(exponent, 1) - bias - format.fracBits;
  return formatG(negative, significand, exp2, format.digits, false);
}

/**
 * gdb's floatformat_mantissa: the fraction's top (fracBits mod 32) bits in plain hex, then each
 * further 32 bits as 8 hex digits.
 */
function gdbMantissaHex(fraction: bigint, fracBits: number): string {
  const firstBits = fracBits % 32 || 32;
  let rest = fracBits - firstBits;
  let out = (fraction >> BigInt(rest)).toString(16);
  while (rest > 0) {
    rest -= 32;
    out += ((fraction >> BigInt(rest)) & 0xffffffffn).toString(16).padStart(8, "0");
  }
  return out;
}

/** A single-precision lane (32 bits) as `p $xmm0.v4_float` prints it. */
export function formatF32(bits: bigint): string {
  return formatIeee(bits & 0xffffffffn, F32);
}

/** A double-precision lane (64 bits) as `p $xmm0.v2_double` prints it. */
export function formatF64(bits: bigint): string {
  return formatIeee(bits & MASK64, F64);
}
