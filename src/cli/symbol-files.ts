// The nm listings given with --symbols (run's gdb stub, attach, tui, diff): one table for the debugger's
// symbol lookups.
// Kept apart from attach.ts so `pcscope tui` loads it without the UI's unbundled modules.
import { SymbolTable } from "../symbols/index.ts";
import { NO_SYMBOLS, type SymbolResolver, tableResolver } from "../tui/logic/symbol-resolver.ts";
import { UserError } from "./errors.ts";
import { parseSymbolArg } from "./run-options.ts";

export { parseSymbolArg };

/** One listing and the bias added to its addresses (`FILE@0xBIAS`). */
export interface SymbolFile {
  path: string;
  bias: bigint;
}

/** Loads the listings; malformed lines are reported on stderr and skipped. Throws UserError for unreadable files. */
export function loadSymbols(files: readonly SymbolFile[], warn: (line: string) => void): SymbolResolver {
  if (files.length === 0) return NO_SYMBOLS;
  return tableResolver(loadSymbolTable(files, warn));
}

/** The listings in one table (loadSymbols' checks and warnings). Throws UserError for unreadable files. */
export function loadSymbolTable(files: readonly SymbolFile[], warn: (line: string) => void): SymbolTable {
  const table = new SymbolTable();
  for (const f of files) {
    try {
      const result = table.addFile(f.path, { bias: f.bias });
      if (result.errors.length > 0) {
        const first = result.errors[0]!;
        warn(
          `pcscope: ${f.path}: ${result.errors.length} malformed line(s) skipped (first: line ${first.line}: ${first.message})`,
        );
      }
    } catch (err) {
      throw new UserError((err as Error).message);
    }
  }
  return table;
}
