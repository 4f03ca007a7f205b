// SymbolTable: several nm listings loaded together, each with an optional load bias (like gdb's
// add-symbol-file), answering address -> `name+0xoff`, name -> address and fuzzy searches.
import { AddressIndex } from "./address-index.ts";
import { FLAG_GLOBAL, FLAG_SIZED, FLAG_TEXT, SymbolColumns } from "./columns.ts";
import { joinBig, splitBig } from "./hex.ts";
import { decodeListing, readListing, SymbolFileError } from "./load.ts";
import { NameIndex } from "./name-index.ts";
import { type NmFormat, type ParseResult, parseNm, type SymbolError } from "./parse-nm.ts";

const MAX_FILES = 0xffff;
const DEFAULT_LIMIT = 50;

/** How to load one listing. */
export interface LoadOptions {
  /** Added to every address (modulo 2^64) except absolute (`A`) symbols. Default 0. */
  readonly bias?: bigint;
  /** Skip auto-detection. */
  readonly format?: NmFormat;
}

/** One symbol, as the public API hands it out. */
export interface SymbolInfo {
  /** Stable index within this table (load order). */
  readonly index: number;
  readonly name: string;
  /** Address with the listing's bias applied. */
  readonly address: bigint;
  /** Size from the listing, or null when it gave none (or zero). */
  readonly size: bigint | null;
  /** nm type letter. */
  readonly type: string;
  /** Code (T t W w i, or SysV FUNC). */
  readonly text: boolean;
  readonly global: boolean;
  /** The listing it came from. */
  readonly file: string;
  /** Archive member / object header it sat under, or null. */
  readonly member: string | null;
}

/** An address resolved to a symbol. */
export interface Resolution {
  readonly symbol: SymbolInfo;
  /** address - symbol.address. */
  readonly offset: bigint;
  /** `name+0xoff`, or `name` at offset zero. */
  readonly label: string;
}

/** Symbols from any number of nm listings. Lookups rebuild their index lazily after a load. */
export class SymbolTable {
  private readonly columns = new SymbolColumns();
  private readonly results: ParseResult[] = [];
  private addresses: AddressIndex | null = null;
  private names: NameIndex | null = null;

  /** Number of symbols stored. */
  get count(): number {
    return this.columns.count;
  }

  /** What each loaded listing contributed, in load order. */
  get loads(): readonly ParseResult[] {
    return this.results;
  }

  /** Every malformed line of every listing loaded so far. */
  get errors(): SymbolError[] {
    return this.results.flatMap((r) => r.errors);
  }

  /** Parses listing text; malformed lines are collected in the result, never thrown. */
  addText(text: string, fileName: string, options: LoadOptions = {}): ParseResult {
    if (this.columns.files.length >= MAX_FILES)
      throw new SymbolFileError(`${fileName}: too many symbol files`);
    const fileIndex = this.columns.addFile(fileName, text);
    const [biasHi, biasLo] = splitBig(options.bias ?? 0n);
    const result = parseNm(
      text,
      fileName,
      { columns: this.columns, fileIndex, biasHi, biasLo },
      options.format,
    );
    this.results.push(result);
    this.addresses = null;
    this.names = null;
    return result;
  }

  /** Like addText for raw file bytes (gzip detected by magic). Throws SymbolFileError on corrupt gzip. */
  addBytes(bytes: Uint8Array, fileName: string, options: LoadOptions = {}): ParseResult {
    return this.addText(decodeListing(bytes, fileName), fileName, options);
  }

  /** Reads and loads a listing file. Throws SymbolFileError when the file cannot be read. */
  addFile(path: string, options: LoadOptions = {}): ParseResult {
    return this.addText(readListing(path), path, options);
  }

  /** Builds (if needed) and returns the address index. */
  private addressIndex(): AddressIndex {
    if (this.addresses === null) this.addresses = new AddressIndex(this.columns);
    return this.addresses;
  }

  /** Builds (if needed) and returns the name index. */
  private nameIndex(): NameIndex {
    if (this.names === null) this.names = new NameIndex(this.columns);
    return this.names;
  }

  /** Forces the address index to be built now (so the first lookup is as fast as the rest). */
  prepare(): void {
    this.addressIndex();
  }

  /**
   * The hot path: index of the symbol covering the address hi:lo (unsigned 32-bit halves), or -1.
   * Allocation-free once the index is built.
   */
  findIndex(hi: number, lo: number): number {
    const index = this.addresses ?? this.addressIndex();
    const k = index.find(hi, lo);
    return k < 0 ? -1 : index.symbol[k]!;
  }

  /** The symbol covering `address`, with the offset into it, or null. */
  resolve(address: bigint): Resolution | null {
    const [hi, lo] = splitBig(address);
    const i = this.findIndex(hi, lo);
    if (i < 0) return null;
    const symbol = this.symbol(i);
    const offset = BigInt.asUintN(64, address - symbol.address);
    const label = offset === 0n ? symbol.name : `${symbol.name}+0x${offset.toString(16)}`;
    return { symbol, offset, label };
  }

  /** The symbol with this index (0 <= index < count). */
  symbol(index: number): SymbolInfo {
    const c = this.columns;
    const flags = c.flags[index]!;
    const member = c.member[index]!;
    return {
      index,
      name: c.name(index),
      address: joinBig(c.addrHi[index]!, c.addrLo[index]!),
      size: flags & FLAG_SIZED ? joinBig(c.sizeHi[index]!, c.sizeLo[index]!) : null,
      type: String.fromCharCode(c.type[index]!),
      text: (flags & FLAG_TEXT) !== 0,
      global: (flags & FLAG_GLOBAL) !== 0,
      file: c.files[c.file[index]!]!,
      member: member >= 0 ? c.members[member]! : null,
    };
  }

  /** Symbols named exactly `name` (every one, load order); when there are none, up to `limit` prefix matches. */
  lookupName(name: string, limit = DEFAULT_LIMIT): SymbolInfo[] {
    const names = this.nameIndex();
    const exact = names.exact(name);
    const hits = exact.length > 0 ? exact : name.length > 0 ? names.prefix(name, limit) : [];
    return hits.map((i) => this.symbol(i));
  }

  /** Up to `limit` fuzzy matches for `query`, best first (for the UI's symbol picker). */
  search(query: string, limit = DEFAULT_LIMIT): SymbolInfo[] {
    return this.nameIndex()
      .search(query, limit)
      .map((hit) => this.symbol(hit.index));
  }
}
