// Reading a listing from disk: plain text or gzip (detected by its magic bytes, not its name),
// decoded as UTF-8. The only I/O in src/symbols. A listing is measured before it is read and bounded
// after gunzip too: at most LISTING_MAX bytes of text (V8's longest string is just under 512 Mi).
import { gunzipSync } from "node:zlib";
import { formatBytes, HostFileError, readHostFile } from "../shared/host-file.ts";

/** Largest listing read, compressed or not, and largest text a gzip'd listing may expand to. */
export const LISTING_MAX = 500 * 1024 * 1024;

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

/**
 * The text of a listing's bytes, gunzipped first when compressed. Throws SymbolFileError on bad gzip
 * or when the text would be more than `limit` bytes.
 */
export function decodeListing(bytes: Uint8Array, name: string, limit = LISTING_MAX): string {
  let data = bytes;
  if (isGzip(bytes)) {
    try {
      data = gunzipSync(bytes, { maxOutputLength: limit });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE")
        throw new SymbolFileError(`${name}: decompresses to more than the ${formatBytes(limit)} limit`);
      throw new SymbolFileError(`${name}: corrupt gzip data (${(err as Error).message})`);
    }
  }
  return new TextDecoder("utf-8").decode(data);
}

/** Reads and decodes a listing file. Throws SymbolFileError naming the file when it cannot. */
export function readListing(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readHostFile(path, LISTING_MAX);
  } catch (err) {
    if (err instanceof HostFileError) throw new SymbolFileError(err.message);
    throw err;
  }
  return decodeListing(bytes, path);
}
