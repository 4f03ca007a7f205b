// Where the CPU is: its mode, code bitness and the linear address of the next instruction, computed
// from the `g` registers plus whatever hidden segment state the stub could tell.
import type { CpuExtras, RegisterSet } from "../session/debug-session.ts";

// CR0 and EFLAGS bits the mode depends on.
export const CR0_PE = 1n << 0n;
export const CR0_PG = 1n << 31n;
export const EFLAGS_VM = 1n << 17n;
export const EFER_LMA = 1n << 10n;
// QEMU's segment flag word: the D/B bit and the L bit (bits 22 and 21).
export const SEG_FLAG_DB = 1 << 22;
export const SEG_FLAG_L = 1 << 21;

export type CpuMode = "real" | "v86" | "protected16" | "protected32" | "long64";

/** The execution context of the current instruction. */
export interface CpuContext {
  readonly mode: CpuMode;
  readonly bitness: 16 | 32 | 64;
  /** CS base (linear). */
  readonly csBase: bigint;
  /** CS selector. */
  readonly cs: number;
  /** IP/EIP/RIP as the register holds it. */
  readonly ip: bigint;
  /** Linear address of the next instruction (CS base + IP). */
  readonly pc: bigint;
  /** True when CS base came from the stub rather than being guessed from the selector. */
  readonly baseKnown: boolean;
  /** Stack pointer (linear: SS base + SP in 16-bit modes). */
  readonly sp: bigint;
}

/** A register's value, 0 when the stub did not report it. */
export function reg(regs: RegisterSet, name: string): bigint {
  return regs.values.get(name) ?? 0n;
}

/**
 * The instruction pointer register of a layout: rip on x86-64; `ip` where the stub has one (pcscope's
 * i8086 description, whose eip is the linear PC CS.base+IP); eip otherwise.
 */
export function pcRegName(regs: RegisterSet): string {
  return regs.values.has("rip") ? "rip" : regs.values.has("ip") ? "ip" : "eip";
}

/** Derives mode, bitness and linear PC. Needs: registers named as the stub named them. */
export function cpuContext(regs: RegisterSet, extras: CpuExtras | null): CpuContext {
  const cr0 = reg(regs, "cr0");
  const eflags = reg(regs, "eflags");
  const efer = regs.values.has("efer") ? reg(regs, "efer") : (extras?.efer ?? 0n);
  const cs = Number(reg(regs, "cs") & 0xffffn);
  const csInfo = extras?.segments.get("cs");
  const ip = reg(regs, pcRegName(regs));
  const protectedMode = (cr0 & CR0_PE) !== 0n;
  let mode: CpuMode;
  if (!protectedMode) mode = "real";
  else if ((eflags & EFLAGS_VM) !== 0n) mode = "v86";
  else if ((efer & EFER_LMA) !== 0n && csInfo !== undefined && (csInfo.flags & SEG_FLAG_L) !== 0)
    mode = "long64";
  else if (csInfo !== undefined && csInfo.flags >= 0 && (csInfo.flags & SEG_FLAG_DB) === 0)
    mode = "protected16";
  else mode = "protected32";
  const sixteen = mode === "real" || mode === "v86" || mode === "protected16";
  const bitness = mode === "long64" ? 64 : sixteen ? 16 : 32;
  const guessBase = mode === "real" || mode === "v86" ? BigInt(cs) << 4n : 0n;
  const csBase = csInfo?.base ?? regs.values.get("cs_base") ?? guessBase;
  const ipMasked = bitness === 16 ? ip & 0xffffn : ip;
  const ss = Number(reg(regs, "ss") & 0xffffn);
  const ssBase = extras?.segments.get("ss")?.base ?? (sixteen ? BigInt(ss) << 4n : 0n);
  const spReg = reg(regs, regs.values.has("rsp") ? "rsp" : "esp");
  const sp = bitness === 16 ? ssBase + (spReg & 0xffffn) : ssBase + spReg;
  const mask = bitness === 64 ? (1n << 64n) - 1n : 0xffffffffn;
  return {
    mode,
    bitness,
    csBase,
    cs,
    ip: ipMasked,
    pc: (csBase + ipMasked) & mask,
    baseKnown: csInfo !== undefined,
    sp: sp & mask,
  };
}

/** Parses `f000:e05b` into a linear address with real-mode arithmetic; null when not SEG:OFF. */
export function parseSegOff(text: string): bigint | null {
  const m = /^(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,8})$/i.exec(text.trim());
  if (!m) return null;
  return (BigInt(`0x${m[1]}`) << 4n) + BigInt(`0x${m[2]}`);
}
