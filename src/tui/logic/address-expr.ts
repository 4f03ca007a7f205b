// Address expressions as the UI accepts them in `g`, `break`, `x/...` and `watch`:
//   0xfe05b  *0xfe05b  65536  f000:e05b (real-mode SEG:OFF)  handle_post  handle_post+0x10
//   $pc (linear)  $eip  $sp (linear)  $esp+8  [$esp] is not supported (no memory dereference).
import type { RegisterSet } from "../session/debug-session.ts";
import type { CpuContext } from "./cpu-mode.ts";
import { parseSegOff } from "./cpu-mode.ts";
import type { SymbolResolver } from "./symbol-resolver.ts";

/** What an expression may refer to. */
export interface AddressEnv {
  readonly symbols: SymbolResolver;
  readonly regs: RegisterSet | null;
  readonly ctx: CpuContext | null;
}

export type AddressResult = { ok: true; addr: bigint } | { ok: false; error: string };

/** Parses a plain number: 0x hex, or decimal. Null otherwise. */
export function parseNumber(text: string): bigint | null {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t);
  if (/^[0-9]+$/.test(t)) return BigInt(t);
  return null;
}

/** Resolves one term (no `+`/`-`). */
function term(text: string, env: AddressEnv): AddressResult {
  const t = text.trim();
  if (t === "") return { ok: false, error: "empty address" };
  const n = parseNumber(t);
  if (n !== null) return { ok: true, addr: n };
  if (/^[0-9a-f]+$/i.test(t) && /[a-f]/i.test(t) && env.symbols.lookupName(t) === null)
    return { ok: true, addr: BigInt(`0x${t}`) };
  const segOff = parseSegOff(t);
  if (segOff !== null) return { ok: true, addr: segOff };
  if (t.startsWith("$")) {
    const name = t.slice(1).toLowerCase();
    if (name === "pc") {
      if (env.ctx === null) return { ok: false, error: "no registers yet" };
      return { ok: true, addr: env.ctx.pc };
    }
    if (name === "sp") {
      if (env.ctx === null) return { ok: false, error: "no registers yet" };
      return { ok: true, addr: env.ctx.sp };
    }
    const value = env.regs?.values.get(name);
    if (value === undefined) return { ok: false, error: `no register ${t}` };
    return { ok: true, addr: value };
  }
  const addr = env.symbols.lookupName(t);
  if (addr === null) return { ok: false, error: `no symbol '${t}'` };
  return { ok: true, addr };
}

/**
 * Evaluates `term [(+|-) term]...` to a linear address. A leading `*` (gdb's "this address") is
 * ignored. Guarantees: never throws; errors name the offending term.
 */
export function evalAddress(text: string, env: AddressEnv): AddressResult {
  let t = text.trim();
  if (t.startsWith("*")) t = t.slice(1).trim();
  if (t === "") return { ok: false, error: "missing address" };
  const parts = t.split(/([+-])/);
  let acc = 0n;
  let sign = 1n;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) {
      sign = part === "-" ? -1n : 1n;
      continue;
    }
    const r = term(part, env);
    if (!r.ok) return r;
    acc += sign * r.addr;
  }
  if (acc < 0n) return { ok: false, error: `negative address in '${text.trim()}'` };
  return { ok: true, addr: acc };
}
