// The monitor's symbols: the nm listings given with --symbols (src/symbols) answer `info symbol ADDR`
// (name+offset) and `sym NAME` (address), and make NAME or NAME+OFF an address wherever a monitor
// command takes one (x, xp).
import type { SymbolTable } from "../../symbols/index.ts";

/** The highest linear address the monitor's memory commands take (the guest is 32-bit)... */
const MAX_ADDRESS = 0xffffffff;
/** ...and the highest physical one (xp): 40 bits, what PAE and PSE-36 pages reach. */
export const MAX_PHYS_ADDRESS = 2 ** 40 - 1;
/** At most this many prefix matches are listed by `sym`. */
const MAX_MATCHES = 10;

/** `0x000fe06b`. */
function hex32(addr: number | bigint): string {
  return `0x${addr.toString(16).padStart(8, "0")}`;
}

/**
 * A monitor address up to `max` (a linear address by default): a hex number (0x optional, as
 * QEMU's HMP reads numbers in x/xp), or SYMBOL or SYMBOL+OFF (OFF hex with 0x, or decimal) from
 * `symbols`. Returns the address or a one-line error.
 */
export function monitorAddress(
  text: string,
  symbols: SymbolTable | null,
  max = MAX_ADDRESS,
): number | string {
  const body = text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
  if (/^[0-9a-fA-F]{1,16}$/.test(body)) {
    const addr = Number.parseInt(body, 16);
    if (addr > max) return `${text} is beyond ${Math.log2(max + 1)} bits`;
    return addr;
  }
  const m = /^([A-Za-z_.$][\w.$@]*)(?:\+(0x[0-9a-fA-F]+|\d+))?$/.exec(text);
  if (m === null) return `bad address '${text}' (a hex number, SYMBOL or SYMBOL+OFF)`;
  if (symbols === null) return `no symbol '${m[1]}': no --symbols listing was given`;
  const exact = symbols.lookupName(m[1]!, 1).filter((s) => s.name === m[1]);
  if (exact.length === 0) return `no symbol '${m[1]}' (try 'monitor sym ${m[1]}')`;
  const addr = exact[0]!.address + (m[2] === undefined ? 0n : BigInt(m[2]));
  if (addr > BigInt(max)) return `${text} is ${hex32(addr)}, beyond ${Math.log2(max + 1)} bits`;
  return Number(addr);
}

/** `info symbol ADDR`: the symbol covering ADDR as name+offset, with its listing. */
export function infoSymbol(symbols: SymbolTable | null, args: readonly string[]): string {
  if (args.length !== 1) return "usage: info symbol ADDR  (a hex number, SYMBOL or SYMBOL+OFF)";
  const addr = monitorAddress(args[0]!, symbols);
  if (typeof addr === "string") return `info symbol: ${addr}`;
  if (symbols === null) return "info symbol: no --symbols listing was given";
  const hit = symbols.resolve(BigInt(addr));
  if (hit === null) return `no symbol covers ${hex32(addr)}`;
  return `${hex32(addr)} is ${hit.label} (${hit.symbol.type} in ${hit.symbol.file})`;
}

/** `sym NAME`: the address of every symbol called NAME, or of up to MAX_MATCHES starting with it. */
export function symCommand(symbols: SymbolTable | null, args: readonly string[]): string {
  if (args.length !== 1) return "usage: sym NAME";
  if (symbols === null) return "sym: no --symbols listing was given";
  const name = args[0]!;
  const hits = symbols.lookupName(name, MAX_MATCHES + 1);
  if (hits.length === 0) return `no symbol '${name}'`;
  const exact = hits.some((s) => s.name === name);
  const lines = hits
    .slice(0, MAX_MATCHES)
    .map(
      (s) =>
        `${hex32(s.address)} ${s.type} ${s.name}${s.size === null ? "" : ` (size 0x${s.size.toString(16)})`}`,
    );
  if (!exact) lines.unshift(`no symbol '${name}'; symbols starting with it:`);
  if (hits.length > MAX_MATCHES) lines.push("...");
  return lines.join("\n");
}
