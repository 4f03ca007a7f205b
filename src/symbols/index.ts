// Public API of src/symbols: nm listings (BSD, POSIX, SysV; plain or gzip) loaded into a
// SymbolTable that resolves addresses to `name+0xoff` and names to addresses.
export { formatHex, parseAddress } from "./hex.ts";
export { isGzip, SymbolFileError } from "./load.ts";
export { detectFormat, type NmFormat, type ParseResult, type SymbolError } from "./parse-nm.ts";
export { type LoadOptions, type Resolution, type SymbolInfo, SymbolTable } from "./table.ts";

import type { SymbolError } from "./parse-nm.ts";

/** `file:line: message`, the one-line form of a malformed-line error. */
export function formatSymbolError(error: SymbolError): string {
  return `${error.file}:${error.line}: ${error.message}`;
}
