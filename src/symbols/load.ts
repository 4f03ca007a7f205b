// Reading a listing from disk: plain text or gzip (detected by its magic bytes, not its name),
// decoded as UTF-8. The only I/O in src/symbols.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** A listing that could not be read at all (missing file, unreadable, corrupt gzip). */
export class SymbolFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SymbolFileError";
  }
}

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/** The text of a listing's bytes, gunzipped first when compressed. Throws SymbolFileError on bad gzip. */
export function decodeListing(bytes: Uint8Array, name: string): string {
  let data = bytes;
  if (isGzip(bytes)) {
    try {
      data = gunzipSync(bytes);
    } catch (err) {
      throw new SymbolFileError(`${name}: corrupt gzip data (${(err as Error).message})`);
    }
  }
  return new TextDecoder("utf-8").decode(data);
}

/** Reads and decodes a listing file. Throws SymbolFileError naming the file when it cannot. */
export function readListing(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (err as Error).message;
    throw new SymbolFileError(`${path}: ${why}`);
  }
  return decodeListing(bytes, path);
}
