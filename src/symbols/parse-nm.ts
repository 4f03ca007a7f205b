// Parsing `nm` listings in its three output forms, chosen per file by trying each on a sample:
//   BSD   (default, -B):  `ADDR [SIZE] T name` and `         U name`  (also a Linux System.map)
//   POSIX (-P):           `name T ADDR [SIZE]` and `name U`
//   SysV  (-f sysv):      `name|ADDR|T|FUNC|SIZE|line|section`
// Archive and multi-file listings interleave headers (`file.o:`, `lib.a[file.o]:`, `Symbols from
// ...:`) and blank lines; symbols remember the last header as their member. A line that fits none of
// this becomes a SymbolError naming file and line, and parsing goes on.
import { FLAG_ABSOLUTE, FLAG_GLOBAL, FLAG_SIZED, FLAG_TEXT, type SymbolColumns } from "./columns.ts";

// Module-local copies: under tsx's CommonJS output every read of an imported binding is a getter
// call, which the per-line loop cannot afford.
const F_ABSOLUTE = FLAG_ABSOLUTE;
const F_GLOBAL = FLAG_GLOBAL;
const F_SIZED = FLAG_SIZED;
const F_TEXT = FLAG_TEXT;
const TWO_32 = 0x1_0000_0000;

export type NmFormat = "bsd" | "posix" | "sysv";

/** A line that could not be read, with where it is. */
export interface SymbolError {
  readonly file: string;
  /** 1-based line number in the (decompressed) listing. */
  readonly line: number;
  readonly message: string;
}

/** What one listing contributed. */
export interface ParseResult {
  readonly file: string;
  readonly format: NmFormat;
  /** Defined symbols stored. */
  readonly symbols: number;
  /** `U`/`w`/`v` lines without an address (counted, not stored). */
  readonly undefinedSymbols: number;
  /** Debugging entries (`N`, stabs `-`) that have no place in an address map. */
  readonly skipped: number;
  readonly errors: SymbolError[];
}

/** Where and how to store the parsed symbols. */
export interface ParseTarget {
  readonly columns: SymbolColumns;
  /** What columns.addFile(name, text) returned for this same text (names are offsets into it). */
  readonly fileIndex: number;
  /** Load bias added to every non-absolute address (modulo 2^64), as halves. */
  readonly biasHi: number;
  readonly biasLo: number;
}

// Outcome of parsing one line.
const LINE_SYMBOL = 0;
const LINE_UNDEFINED = 1;
const LINE_DEBUG = 2;
const LINE_ERROR = 3;

/** Fields of the line last parsed successfully (scratch: the per-line loop allocates nothing). */
const cur = { hi: 0, lo: 0, sizeHi: 0, sizeLo: 0, sized: false, type: 0, func: -1, nameStart: 0, nameEnd: 0 };
/** The value of the last successful hexField call, as unsigned 32-bit halves. */
let hexHi = 0;
let hexLo = 0;
/** Why the last line failed. */
let failure = "";

const TYPE_LETTERS = "AaBbCcDdGgiINnpRrSsTtUuVvWw-?";
const IS_TYPE = new Uint8Array(128);
for (const c of TYPE_LETTERS) IS_TYPE[c.charCodeAt(0)] = 1;
const IS_TEXT = new Uint8Array(128);
for (const c of "TtWwi") IS_TEXT[c.charCodeAt(0)] = 1;
const IS_UNDEFINED = new Uint8Array(128);
for (const c of "Uwv") IS_UNDEFINED[c.charCodeAt(0)] = 1;
const CH_N = 0x4e;
const CH_DASH = 0x2d;
const CH_A_UPPER = 0x41;
const CH_A_LOWER = 0x61;
const CH_COLON = 0x3a;
const SAMPLE_LINES = 64;

/**
 * Parses s[start, end) as unsigned hex (no prefix; leading zeros allowed) into hexHi:hexLo in one
 * pass, shifting nibbles through the two 32-bit halves without allocating. False for an empty
 * field, a non-hex character or a value wider than 64 bits.
 */
function hexField(s: string, start: number, end: number): boolean {
  if (start >= end) return false;
  let hi = 0;
  let lo = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c <= 0x39) {
      d = c - 0x30;
      if (d < 0) return false;
    } else {
      d = (c | 0x20) - 0x57;
      if (d < 10 || d > 15) return false;
    }
    if (hi >>> 28 !== 0) return false;
    hi = (hi << 4) | (lo >>> 28);
    lo = (lo << 4) | d;
  }
  hexHi = hi >>> 0;
  hexLo = lo >>> 0;
  return true;
}

/** True for a space or tab. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** First index >= i in [i, end) that is not blank (end if none). */
function skipBlank(s: string, i: number, end: number): number {
  while (i < end && isBlank(s.charCodeAt(i))) i++;
  return i;
}

/** First index >= i in [i, end) that is blank (end if none). */
function skipField(s: string, i: number, end: number): number {
  while (i < end && !isBlank(s.charCodeAt(i))) i++;
  return i;
}

/** Start of the last field ending at `end` (needs s[end-1] non-blank). */
function fieldStartBack(s: string, end: number, min: number): number {
  while (end > min && !isBlank(s.charCodeAt(end - 1))) end--;
  return end;
}

/** End of the blank run that ends just before `i`, scanning back (i.e. previous field's end). */
function skipBlankBack(s: string, i: number, min: number): number {
  while (i > min && isBlank(s.charCodeAt(i - 1))) i--;
  return i;
}

/** True when s[a, b) is a single nm type letter. */
function isTypeField(s: string, a: number, b: number): boolean {
  if (b - a !== 1) return false;
  const c = s.charCodeAt(a);
  return c < 128 && IS_TYPE[c] === 1;
}

/** Records a failure reason for the current line and returns LINE_ERROR. */
function fail(message: string): number {
  failure = message;
  return LINE_ERROR;
}

/** Quotes a field of the line for an error message (bounded, control characters escaped). */
function quote(s: string, a: number, b: number): string {
  const text = s.slice(a, Math.min(b, a + 40));
  return JSON.stringify(b - a > 40 ? `${text}...` : text);
}

/** Classifies a parsed type letter: undefined and debugging entries are not stored. */
function classify(type: number): number {
  if (IS_UNDEFINED[type] === 1) return LINE_UNDEFINED;
  if (type === CH_N || type === CH_DASH) return LINE_DEBUG;
  return LINE_SYMBOL;
}

/** Parses `ADDR [SIZE] T name` or `U name` in s[a, e) (trimmed, non-empty). */
function parseBsd(s: string, a: number, e: number): number {
  const f0 = skipField(s, a, e);
  if (isTypeField(s, a, f0)) {
    const type = s.charCodeAt(a);
    if (IS_UNDEFINED[type] !== 1) return fail(`type '${s[a]}' without an address`);
    if (skipBlank(s, f0, e) >= e) return fail("missing symbol name");
    return LINE_UNDEFINED;
  }
  if (!hexField(s, a, f0)) return fail(`bad hex address ${quote(s, a, f0)}`);
  cur.hi = hexHi;
  cur.lo = hexLo;
  const f1s = skipBlank(s, f0, e);
  if (f1s >= e) return fail("missing type and name");
  const f1e = skipField(s, f1s, e);
  let nameStart: number;
  if (f1e - f1s === 1) {
    cur.sized = false;
    cur.type = s.charCodeAt(f1s);
    nameStart = skipBlank(s, f1e, e);
  } else {
    if (!hexField(s, f1s, f1e)) return fail(`bad hex size or type ${quote(s, f1s, f1e)}`);
    cur.sized = true;
    cur.sizeHi = hexHi;
    cur.sizeLo = hexLo;
    const f2s = skipBlank(s, f1e, e);
    const f2e = skipField(s, f2s, e);
    if (f2e - f2s !== 1) return fail(f2s >= e ? "missing type and name" : `bad type ${quote(s, f2s, f2e)}`);
    cur.type = s.charCodeAt(f2s);
    nameStart = skipBlank(s, f2e, e);
  }
  if (cur.type >= 128 || IS_TYPE[cur.type] !== 1)
    return fail(`unknown type letter ${JSON.stringify(String.fromCharCode(cur.type))}`);
  if (nameStart >= e) return fail("missing symbol name");
  cur.func = -1;
  cur.nameStart = nameStart;
  cur.nameEnd = e;
  return classify(cur.type);
}

/**
 * Parses `name T ADDR [SIZE]` or `name U` in s[a, e) (trimmed, non-empty). nm -P prints values
 * unpadded, so a size like `b` looks like a type letter: the sized reading is tried first.
 */
function parsePosix(s: string, a: number, e: number): number {
  const lastS = fieldStartBack(s, e, a);
  const p1e = skipBlankBack(s, lastS, a);
  const p1s = fieldStartBack(s, p1e, a);
  const p2e = skipBlankBack(s, p1s, a);
  const p2s = fieldStartBack(s, p2e, a);
  let typeS: number;
  const named = p2s > a && skipBlankBack(s, p2s, a) > a;
  if (named && isTypeField(s, p2s, p2e) && hexField(s, p1s, p1e) && hexField(s, lastS, e)) {
    typeS = p2s;
    cur.sized = true;
    cur.sizeHi = hexHi;
    cur.sizeLo = hexLo;
    hexField(s, p1s, p1e);
  } else if (p1e > a && isTypeField(s, p1s, p1e)) {
    typeS = p1s;
    cur.sized = false;
    if (!hexField(s, lastS, e)) {
      if (isTypeField(s, lastS, e) && IS_UNDEFINED[s.charCodeAt(lastS)] === 1) return LINE_UNDEFINED;
      if (isTypeField(s, lastS, e)) return fail(`missing value after type '${s[p1s]}'`);
      return fail(`bad hex value ${quote(s, lastS, e)}`);
    }
  } else if (isTypeField(s, lastS, e)) {
    if (IS_UNDEFINED[s.charCodeAt(lastS)] !== 1) return fail(`missing value after type '${s[lastS]}'`);
    if (p1e <= a) return fail("missing symbol name");
    return LINE_UNDEFINED;
  } else {
    return fail(p1e <= a ? "missing type and value fields" : "no type letter field before the value");
  }
  cur.hi = hexHi;
  cur.lo = hexLo;
  cur.type = s.charCodeAt(typeS);
  const nameEnd = skipBlankBack(s, typeS, a);
  if (nameEnd <= a) return fail("missing symbol name");
  cur.func = -1;
  cur.nameStart = a;
  cur.nameEnd = nameEnd;
  return classify(cur.type);
}

/** Trimmed bounds of s[a, b) written to `span`. */
const span = { a: 0, b: 0 };
function trimSpan(s: string, a: number, b: number): void {
  a = skipBlank(s, a, b);
  b = skipBlankBack(s, b, a);
  span.a = a;
  span.b = b;
}

/** Parses `name|value|class|type|size|line|section` in s[a, e). */
function parseSysv(s: string, a: number, e: number): number {
  const p0 = s.indexOf("|", a);
  const p1 = p0 < 0 || p0 >= e ? -1 : s.indexOf("|", p0 + 1);
  const p2 = p1 < 0 || p1 >= e ? -1 : s.indexOf("|", p1 + 1);
  const p3 = p2 < 0 || p2 >= e ? -1 : s.indexOf("|", p2 + 1);
  if (p3 < 0 || p3 >= e) return fail("expected |-separated name|value|class|type|size fields");
  let p4 = s.indexOf("|", p3 + 1);
  if (p4 < 0 || p4 > e) p4 = e;
  trimSpan(s, a, p0);
  if (span.a >= span.b) return fail("missing symbol name");
  cur.nameStart = span.a;
  cur.nameEnd = span.b;
  trimSpan(s, p1 + 1, p2);
  if (!isTypeField(s, span.a, span.b)) return fail(`bad class ${quote(s, span.a, span.b)}`);
  cur.type = s.charCodeAt(span.a);
  trimSpan(s, p2 + 1, p3);
  cur.func = sysvKind(s.slice(span.a, span.b));
  trimSpan(s, p0 + 1, p1);
  if (span.a >= span.b) {
    if (IS_UNDEFINED[cur.type] === 1) return LINE_UNDEFINED;
    return fail(`missing value for class '${String.fromCharCode(cur.type)}'`);
  }
  if (!hexField(s, span.a, span.b)) return fail(`bad hex value ${quote(s, span.a, span.b)}`);
  cur.hi = hexHi;
  cur.lo = hexLo;
  trimSpan(s, p3 + 1, p4);
  cur.sized = span.a < span.b;
  if (cur.sized) {
    if (!hexField(s, span.a, span.b)) return fail(`bad hex size ${quote(s, span.a, span.b)}`);
    cur.sizeHi = hexHi;
    cur.sizeLo = hexLo;
  }
  return classify(cur.type);
}

/** SysV Type column -> 1 code (FUNC, IFUNC), 0 data (OBJECT, TLS, COMMON), -1 go by the class letter. */
function sysvKind(type: string): number {
  if (type === "FUNC" || type === "IFUNC") return 1;
  if (type === "OBJECT" || type === "TLS" || type === "COMMON") return 0;
  return -1;
}

const PARSERS = { bsd: parseBsd, posix: parsePosix, sysv: parseSysv } as const;

/** Trimmed end of the line s[a, e): drops trailing blanks and a CR. */
function lineEnd(s: string, a: number, e: number): number {
  while (e > a) {
    const c = s.charCodeAt(e - 1);
    if (!isBlank(c) && c !== 0x0d) break;
    e--;
  }
  return e;
}

/** True when the line's first field is 8 or 16 characters long, as nm pads BSD addresses. */
function paddedAddress(s: string, a: number, e: number): boolean {
  const width = skipField(s, a, e) - a;
  return width === 8 || width === 16;
}

/**
 * Picks the format that parses most of the first SAMPLE_LINES symbol-like lines (ties: bsd first).
 * A BSD reading with an unpadded address counts half, so `f T 0 10` is POSIX, not address 0xf.
 */
export function detectFormat(text: string): NmFormat {
  const score = { bsd: 0, posix: 0, sysv: 0 };
  let seen = 0;
  let pos = 0;
  while (pos < text.length && seen < SAMPLE_LINES) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = text.length;
    const a = skipBlank(text, pos, nl);
    const e = lineEnd(text, a, nl);
    pos = nl + 1;
    if (a >= e || text.charCodeAt(e - 1) === CH_COLON) continue;
    seen++;
    if (parseBsd(text, a, e) !== LINE_ERROR) score.bsd += paddedAddress(text, a, e) ? 2 : 1;
    if (parsePosix(text, a, e) !== LINE_ERROR) score.posix += 2;
    if (parseSysv(text, a, e) !== LINE_ERROR) score.sysv += 2;
  }
  if (score.bsd >= score.posix && score.bsd >= score.sysv) return "bsd";
  return score.posix >= score.sysv ? "posix" : "sysv";
}

/**
 * The member a header line names (`file.o:`, `lib.a[file.o]:`, `Symbols from x[y.o]:`); "" for
 * SysV's `Symbols from FILE:` of a plain file (nm's other forms print no header there); null when
 * the line is no header.
 */
function headerMember(s: string, a: number, e: number): string | null {
  if (s.charCodeAt(e - 1) !== CH_COLON) return null;
  let line = s.slice(a, e - 1);
  let sysv = false;
  for (const prefix of ["Symbols from ", "Undefined symbols from "]) {
    if (line.startsWith(prefix)) {
      line = line.slice(prefix.length);
      sysv = true;
    }
  }
  const open = line.lastIndexOf("[");
  if (open >= 0 && line.endsWith("]")) return line.slice(open + 1, -1);
  if (sysv) return "";
  return line.length > 0 ? line : null;
}

/** True for the SysV column header `Name   Value   Class   Type ...`. */
function isSysvColumnHeader(s: string, a: number, e: number): boolean {
  return s.startsWith("Name", a) && s.indexOf("Value", a) > 0 && s.indexOf("Value", a) < e;
}

/**
 * Where the name s[a, b) really ends: at a TAB, after which nm -l puts `file:line` and
 * /proc/kallsyms puts `[module]`; -1 when it holds other control characters or U+FFFD (binary
 * data, not a symbol).
 */
function nameBoundary(s: string, a: number, b: number): number {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0xfffd) {
      if (c !== 0x09) return -1;
      const end = skipBlankBack(s, i, a);
      return end > a ? end : -1;
    }
  }
  return b;
}

/** True when the text s[a, b) holds control characters or U+FFFD (binary data, not a symbol). */
function hasBinary(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0xfffd) return true;
  }
  return false;
}

/** Number of lines in text (an upper bound on its symbols), counted natively. */
function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
  return lines;
}

/**
 * Parses a whole listing into `target.columns`. Never throws on content: every line that fits no
 * form is returned as a SymbolError (file and 1-based line), and all other lines are loaded.
 */
export function parseNm(text: string, file: string, target: ParseTarget, format?: NmFormat): ParseResult {
  const fmt = format ?? detectFormat(text);
  const parse = PARSERS[fmt];
  const { columns, fileIndex, biasHi, biasLo } = target;
  const errors: SymbolError[] = [];
  let member = -1;
  let symbols = 0;
  let undefinedSymbols = 0;
  let skipped = 0;
  let lineNo = 0;
  let pos = 0;
  const length = text.length;
  columns.reserve(countLines(text));
  while (pos < length) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = length;
    lineNo++;
    const a = skipBlank(text, pos, nl);
    const e = lineEnd(text, a, nl);
    pos = nl + 1;
    if (a >= e) continue;
    const kind = parse(text, a, e);
    if (kind === LINE_SYMBOL) {
      const nameEnd = nameBoundary(text, cur.nameStart, cur.nameEnd);
      if (nameEnd < 0) {
        errors.push({ file, line: lineNo, message: "binary data in symbol name" });
        continue;
      }
      const type = cur.type;
      const absolute = type === CH_A_UPPER || type === CH_A_LOWER;
      let flags = absolute ? F_ABSOLUTE : 0;
      if (cur.func === 1 || (cur.func === -1 && IS_TEXT[type] === 1)) flags |= F_TEXT;
      if (type >= 0x41 && type <= 0x5a) flags |= F_GLOBAL;
      const sized = cur.sized && (cur.sizeHi !== 0 || cur.sizeLo !== 0);
      if (sized) flags |= F_SIZED;
      let hi = cur.hi;
      let lo = cur.lo;
      if (!absolute) {
        const sum = lo + biasLo;
        lo = sum >>> 0;
        hi = (hi + biasHi + (sum >= TWO_32 ? 1 : 0)) >>> 0;
      }
      columns.push(
        cur.nameStart,
        nameEnd,
        hi,
        lo,
        sized ? cur.sizeHi : 0,
        sized ? cur.sizeLo : 0,
        type,
        flags,
        fileIndex,
        member,
      );
      symbols++;
    } else if (kind === LINE_UNDEFINED) {
      undefinedSymbols++;
    } else if (kind === LINE_DEBUG) {
      skipped++;
    } else if (fmt === "sysv" && isSysvColumnHeader(text, a, e)) {
      // column titles
    } else {
      const header = text.charCodeAt(e - 1) === CH_COLON ? headerMember(text, a, e) : null;
      if (header === "") {
        member = -1;
      } else if (header !== null) {
        member = columns.members.length;
        columns.members.push(header);
      } else if (hasBinary(text, a, e)) {
        errors.push({ file, line: lineNo, message: "binary data, not an nm line" });
      } else if (fmt === "sysv" && text.indexOf("|", a) < 0) {
        errors.push({ file, line: lineNo, message: `not a SysV nm line: ${quote(text, a, e)}` });
      } else {
        errors.push({ file, line: lineNo, message: `${failure} (${fmt} form): ${quote(text, a, e)}` });
      }
    }
  }
  return { file, format: fmt, symbols, undefinedSymbols, skipped, errors };
}
