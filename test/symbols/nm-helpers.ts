// Real nm listings for the symbol tests: made here with binutils' nm from a static library (libc.a
// or another large .a) and a linked binary with a symbol table (node itself, else libc.so.6's
// dynamic symbols), plus an independent, deliberately naive reading of nm -P output as the oracle.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { needPeers } from "../helpers/peers.ts";

const MAX_BUFFER = 512 * 1024 * 1024;

/** True when binutils' nm is installed; otherwise skips (or fails under PCSCOPE_REQUIRE_PEERS=1). */
export function needNm(): boolean {
  return needPeers("nm");
}

/** nm's stdout for these arguments (its stderr notes such as "no symbols" are dropped). */
export function runNm(args: string[]): string {
  return execFileSync("nm", args, {
    maxBuffer: MAX_BUFFER,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
}

/** The largest present static library among well-known ones (libc.a first), or null. */
export function staticLibrary(): string | null {
  const candidates = [
    "/usr/lib/x86_64-linux-gnu/libc.a",
    "/usr/lib/i386-linux-gnu/libc.a",
    "/usr/lib/libc.a",
    "/usr/lib/x86_64-linux-gnu/libstdc++.a",
    "/usr/lib/x86_64-linux-gnu/libX11.a",
  ];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** A linked binary and the nm flags that list its symbols (node's own symtab, else libc's dynsym). */
export function linkedBinary(): { path: string; flags: string[] } | null {
  const node = process.execPath;
  try {
    if (runNm(["--defined-only", node]).split("\n").length > 10_000) return { path: node, flags: [] };
  } catch {
    // stripped or unreadable: fall through
  }
  for (const lib of ["/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"]) {
    if (existsSync(lib)) return { path: lib, flags: ["-D"] };
  }
  return null;
}

/** A symbol as the oracle reads it from nm -P -S output. */
export interface OracleSymbol {
  name: string;
  type: string;
  address: bigint;
  /** null when nm printed no size or a zero size. */
  size: bigint | null;
  member: string | null;
}

/**
 * Reads `nm -P -S` output the simple way (split on spaces) into defined symbols, with the archive
 * member from `lib.a[member.o]:` headers. Independent of src/symbols on purpose.
 */
export function oracleFromPosix(text: string): OracleSymbol[] {
  const out: OracleSymbol[] = [];
  let member: string | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (line === "") continue;
    const header = /\[(.*)\]:$/.exec(line);
    if (header) {
      member = header[1]!;
      continue;
    }
    const f = line.split(/ +/);
    if (f.length < 3 || "Uwv".includes(f[1]!) || f[1] === "N") continue;
    const size = f.length >= 4 ? BigInt(`0x${f[3]}`) : 0n;
    out.push({
      name: f[0]!,
      type: f[1]!,
      address: BigInt(`0x${f[2]}`),
      size: size === 0n ? null : size,
      member,
    });
  }
  return out;
}

/** True for nm's code type letters. */
export function isTextType(type: string): boolean {
  return "TtWwi".includes(type);
}

/** A fresh temporary directory for generated listings. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "pcscope-syms-"));
}

/** Writes `text` to dir/name (and, when `gzip`, dir/name.gz too); returns the path(s). */
export function writeListing(dir: string, name: string, text: string): { plain: string; gz: string } {
  const plain = join(dir, name);
  const gz = `${plain}.gz`;
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(Buffer.from(text), { level: 1 }));
  return { plain, gz };
}
