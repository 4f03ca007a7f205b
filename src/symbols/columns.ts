// The symbols of every loaded file, stored column by column in growable typed arrays so that a
// 200,000-symbol listing costs a handful of allocations, not 200,000 objects. Names stay inside
// the listing text (start/end offsets) until something asks for them.

/** Symbol flag: code (nm types T t W w i, or a SysV FUNC/IFUNC). */
export const FLAG_TEXT = 1;
/** Symbol flag: global (upper-case nm type letter). */
export const FLAG_GLOBAL = 2;
/** Symbol flag: the listing gave a size (nm -S, POSIX or SysV size column). */
export const FLAG_SIZED = 4;
/** Symbol flag: absolute value (nm types A a), not an address in the image. */
export const FLAG_ABSOLUTE = 8;

const INITIAL_CAPACITY = 1024;

/** Reallocates a typed array column to `cap` entries, keeping its contents. */
function widen<T extends Uint32Array | Int32Array | Uint16Array | Uint8Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

/** Growable columns: symbol i is (name(i), addrHi[i]:addrLo[i], sizeHi[i]:sizeLo[i], ...). */
export class SymbolColumns {
  /** Number of symbols stored. */
  count = 0;
  /** High and low 32 bits of each address, load bias already applied. */
  addrHi = new Uint32Array(INITIAL_CAPACITY);
  addrLo = new Uint32Array(INITIAL_CAPACITY);
  /** High and low 32 bits of each size (zero when FLAG_SIZED is clear). */
  sizeHi = new Uint32Array(INITIAL_CAPACITY);
  sizeLo = new Uint32Array(INITIAL_CAPACITY);
  /** Where the name sits in its listing's text: texts[file[i]].slice(nameStart[i], nameEnd[i]). */
  nameStart = new Uint32Array(INITIAL_CAPACITY);
  nameEnd = new Uint32Array(INITIAL_CAPACITY);
  /** The nm type letter as a character code. */
  type = new Uint8Array(INITIAL_CAPACITY);
  /** FLAG_* bits. */
  flags = new Uint8Array(INITIAL_CAPACITY);
  /** Index into `files` of the listing the symbol came from. */
  file = new Uint16Array(INITIAL_CAPACITY);
  /** Index into `members` of the archive member / object header it sat under, or -1. */
  member = new Int32Array(INITIAL_CAPACITY);
  /** Listing names (as given to the loader), by file index. */
  readonly files: string[] = [];
  /** Listing texts, by file index (names are slices of these). */
  readonly texts: string[] = [];
  /** Archive member or object names seen in headers (`file.o:`, `lib.a[file.o]:`). */
  readonly members: string[] = [];
  private nameCache: string[] = [];

  /** The name of symbol i (0 <= i < count), exactly as the listing spells it. */
  name(i: number): string {
    return this.nameCache[i] ?? this.texts[this.file[i]!]!.slice(this.nameStart[i]!, this.nameEnd[i]!);
  }

  /** Every name, materialised once (for the name index and searches). */
  names(): string[] {
    const cache = this.nameCache;
    for (let i = cache.length; i < this.count; i++) cache.push(this.name(i));
    return cache;
  }

  /** Registers a listing; returns its file index. */
  addFile(name: string, text: string): number {
    this.files.push(name);
    this.texts.push(text);
    return this.files.length - 1;
  }

  /** Makes room for at least `extra` more symbols with one reallocation. */
  reserve(extra: number): void {
    let cap = this.addrHi.length;
    while (cap < this.count + extra) cap *= 2;
    if (cap !== this.addrHi.length) this.resize(cap);
  }

  /** Reallocates every column to `cap` entries, keeping the first `count`. */
  private resize(cap: number): void {
    this.addrHi = widen(this.addrHi, cap);
    this.addrLo = widen(this.addrLo, cap);
    this.sizeHi = widen(this.sizeHi, cap);
    this.sizeLo = widen(this.sizeLo, cap);
    this.nameStart = widen(this.nameStart, cap);
    this.nameEnd = widen(this.nameEnd, cap);
    this.type = widen(this.type, cap);
    this.flags = widen(this.flags, cap);
    this.file = widen(this.file, cap);
    this.member = widen(this.member, cap);
  }

  /** Appends one symbol; returns its index. Needs halves already reduced to unsigned 32 bits. */
  push(
    nameStart: number,
    nameEnd: number,
    addrHi: number,
    addrLo: number,
    sizeHi: number,
    sizeLo: number,
    type: number,
    flags: number,
    file: number,
    member: number,
  ): number {
    const i = this.count;
    if (i === this.addrHi.length) this.resize(i * 2);
    this.nameStart[i] = nameStart;
    this.nameEnd[i] = nameEnd;
    this.addrHi[i] = addrHi;
    this.addrLo[i] = addrLo;
    this.sizeHi[i] = sizeHi;
    this.sizeLo[i] = sizeLo;
    this.type[i] = type;
    this.flags[i] = flags;
    this.file[i] = file;
    this.member[i] = member;
    this.count = i + 1;
    return i;
  }
}
