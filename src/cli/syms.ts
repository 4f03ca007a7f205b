// `pcscope syms FILE... --addr 0xADDR | --name NAME | --search TEXT`: symbol lookups for scripts.
// Results go to stdout one per line; malformed listing lines are warnings on stderr; bad input is a
// UserError (one line, exit 2); exit 1 when a query found nothing.

import { MAX_PATTERN_LENGTH } from "../shared/glob.ts";
import { HostFileError, readStreamBounded } from "../shared/host-file.ts";
import {
  formatHex,
  formatSymbolError,
  parseAddress,
  SymbolFileError,
  type SymbolInfo,
  SymbolTable,
} from "../symbols/index.ts";
import type { CliCommand } from "./command.ts";
import { UserError } from "./errors.ts";

const USAGE = `usage: pcscope syms FILE... [--bias FILE=0xADDR]... QUERY
  FILE               an nm listing: BSD (nm, nm -S, nm -n, System.map), POSIX (nm -P) or
                     SysV (nm -f sysv); gzip-compressed files are read as well
  --bias FILE=ADDR   add ADDR to every address of FILE (where it was loaded)
  --limit N          at most N results for --search and prefix matches (default 20)
  -h, --help         this text
QUERY (one kind):
  --addr ADDR        print 'ADDR name+0xoff' for the symbol covering ADDR (hex, 0x optional;
                     repeatable; '-' reads addresses from stdin, one a line)
  --name NAME        print 'ADDR TYPE name' for every symbol named NAME, else for NAME* prefixes
  --search TEXT      print the best fuzzy matches, best first
Exit status: 0 found, 1 something not found, 2 bad input, 6 stdout could not be written.`;

const DEFAULT_LIMIT = 20;
/** Most bytes of addresses read from stdin (`--addr -`): a million 64-bit addresses and then some. */
const STDIN_MAX = 64 * 1024 * 1024;
const MAX_WARNINGS = 20;
const WIDTH_32 = 8;
const WIDTH_64 = 16;

/** Parsed command line. */
interface SymsOptions {
  files: string[];
  biases: Map<string, bigint>;
  addrs: string[];
  name: string | null;
  search: string | null;
  limit: number;
}

/** Returns the value after option `arg` at args[i], or throws a UserError naming the option. */
function optionValue(args: string[], i: number, arg: string): string {
  const value = args[i + 1];
  if (value === undefined) throw new UserError(`syms: ${arg} needs a value`);
  return value;
}

/** Parses argv (after `syms`); throws UserError on anything malformed. */
function parseArgs(args: string[]): SymsOptions {
  const opts: SymsOptions = {
    files: [],
    biases: new Map(),
    addrs: [],
    name: null,
    search: null,
    limit: DEFAULT_LIMIT,
  };
  const biasArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--addr") opts.addrs.push(optionValue(args, i++, arg));
    else if (arg === "--name") opts.name = optionValue(args, i++, arg);
    else if (arg === "--search") opts.search = optionValue(args, i++, arg);
    else if (arg === "--bias") biasArgs.push(optionValue(args, i++, arg));
    else if (arg === "--limit") {
      const value = optionValue(args, i++, arg);
      if (!/^[1-9][0-9]{0,6}$/.test(value)) throw new UserError(`syms: bad --limit '${value}'`);
      opts.limit = Number(value);
    } else if (arg.startsWith("-") && arg !== "-") throw new UserError(`syms: unknown option '${arg}'`);
    else opts.files.push(arg);
  }
  if (opts.files.length === 0) throw new UserError("syms: no symbol file given (see 'pcscope help syms')");
  const kinds =
    (opts.addrs.length > 0 ? 1 : 0) + (opts.name !== null ? 1 : 0) + (opts.search !== null ? 1 : 0);
  if (kinds === 0) throw new UserError("syms: no query: give --addr ADDR, --name NAME or --search TEXT");
  if (kinds > 1) throw new UserError("syms: give only one kind of query (--addr, --name or --search)");
  if (opts.name === "" || opts.search === "") throw new UserError("syms: empty name or search text");
  if (opts.search !== null && opts.search.length > MAX_PATTERN_LENGTH)
    throw new UserError(
      `syms: search text is ${opts.search.length} characters, longer than the ${MAX_PATTERN_LENGTH}-character limit`,
    );
  for (const spec of biasArgs) {
    const eq = spec.lastIndexOf("=");
    const file = spec.slice(0, Math.max(eq, 0));
    const bias = eq > 0 ? parseAddress(spec.slice(eq + 1)) : null;
    if (eq <= 0 || bias === null) throw new UserError(`syms: bad --bias '${spec}' (want FILE=0xADDR)`);
    if (!opts.files.includes(file))
      throw new UserError(`syms: --bias names '${file}', which is not a FILE argument`);
    opts.biases.set(file, bias);
  }
  return opts;
}

/** Loads every file into one table; malformed lines become (bounded) warnings on stderr. */
function loadTable(opts: SymsOptions): SymbolTable {
  const table = new SymbolTable();
  for (const file of opts.files) {
    try {
      table.addFile(file, { bias: opts.biases.get(file) ?? 0n });
    } catch (err) {
      if (err instanceof SymbolFileError) throw new UserError(`syms: ${err.message}`);
      throw err;
    }
  }
  const errors = table.errors;
  for (const e of errors.slice(0, MAX_WARNINGS))
    process.stderr.write(`pcscope: warning: ${formatSymbolError(e)}\n`);
  if (errors.length > MAX_WARNINGS) {
    process.stderr.write(`pcscope: warning: ... and ${errors.length - MAX_WARNINGS} more malformed lines\n`);
  }
  return table;
}

/** Standard input as text, at most STDIN_MAX bytes (an endless source is refused, not read forever). */
function readStdin(): string {
  try {
    return readStreamBounded(0, "standard input", STDIN_MAX).toString("utf8");
  } catch (err) {
    if (err instanceof HostFileError) throw new UserError(`syms: --addr -: ${err.message}`);
    throw err;
  }
}

/** The address queries, with `-` expanded to stdin's non-empty lines; bad ones are UserErrors. */
function addressQueries(addrs: string[]): { text: string; value: bigint }[] {
  const out: { text: string; value: bigint }[] = [];
  for (const arg of addrs) {
    const texts =
      arg === "-"
        ? readStdin()
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l.length > 0)
        : [arg];
    for (const text of texts) {
      const value = parseAddress(text);
      if (value === null)
        throw new UserError(`syms: bad address '${text}' (want hex, e.g. 0xffffffff801157a7)`);
      out.push({ text, value });
    }
  }
  return out;
}

/** `0x` + hex, 8 digits wide below 4 GiB and 16 above (as nm prints 32- and 64-bit listings). */
function hexAddress(value: bigint): string {
  return `0x${formatHex(value, value > 0xffff_ffffn ? WIDTH_64 : WIDTH_32)}`;
}

/** One result line for a symbol: `0xADDR T name [member] (file)`. */
function symbolLine(s: SymbolInfo, manyFiles: boolean): string {
  const member = s.member !== null ? ` [${s.member}]` : "";
  const file = manyFiles ? ` (${s.file})` : "";
  return `${hexAddress(s.address)} ${s.type} ${s.name}${member}${file}`;
}

/** Runs the command; see USAGE. */
async function run(args: string[]): Promise<number> {
  const opts = parseArgs(args);
  const queries = addressQueries(opts.addrs);
  const table = loadTable(opts);
  const manyFiles = opts.files.length > 1;
  const lines: string[] = [];
  let missing = false;
  if (queries.length > 0) {
    for (const q of queries) {
      const r = table.resolve(q.value);
      if (r === null) missing = true;
      const file = r !== null && manyFiles ? ` (${r.symbol.file})` : "";
      lines.push(`${hexAddress(q.value)} ${r === null ? "??" : r.label}${file}`);
    }
  } else {
    const hits =
      opts.name !== null ? table.lookupName(opts.name, opts.limit) : table.search(opts.search!, opts.limit);
    if (hits.length === 0) missing = true;
    for (const s of hits) lines.push(symbolLine(s, manyFiles));
  }
  if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
  return missing ? 1 : 0;
}

export const symsCommand: CliCommand = {
  name: "syms",
  usage: USAGE,
  run,
};
