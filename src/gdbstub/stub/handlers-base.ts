// Base packets: `?`, registers (g/G/p/P), memory (m/M/X, linear or physical), detach and kill.
import { ERRNO, ProtocolError } from "../protocol/errors.ts";
import { bytesToHex, hexToBytes, parseHex } from "../protocol/hex.ts";
import { parseBinaryWrite, parseMemWrite, parseRange } from "../protocol/memory.ts";
import { MAX_PHYS_ADDRESS } from "./monitor-symbols.ts";
import type { HandlerGroup } from "./packet-table.ts";
import { MAX_MEMORY, type Session } from "./session.ts";

/** `?`: the last stop reply. Unlike QEMU, breakpoints stay inserted. */
function haltReason(s: Session): string {
  return s.lastStop;
}

/** `g`: the `g` registers of the Hg thread (344 bytes for i386). */
function readRegisters(s: Session): string {
  return s.regs.readAll(s.gCpu);
}

/** `G`: writes the registers that changed. */
function writeRegisters(s: Session, _p: Buffer, text: string): string {
  s.regs.writeAll(s.gCpu, text.slice(1));
  return "OK";
}

/** `p N`: one register. */
function readRegister(s: Session, _p: Buffer, text: string): string {
  return s.regs.readOne(s.gCpu, parseHex(text.slice(1), "register number"));
}

/** `P N=VALUE`: one register. */
function writeRegister(s: Session, _p: Buffer, text: string): string {
  const eq = text.indexOf("=");
  if (eq < 0) throw new ProtocolError("P packet without '='");
  s.regs.writeOne(s.gCpu, parseHex(text.slice(1, eq), "register number"), hexToBytes(text.slice(eq + 1)));
  return "OK";
}

/** The highest address m/M/X take: 32-bit linear, or physical up to the 40-bit limit (RAM above 4 GiB). */
function maxAddress(s: Session): number {
  return s.physical ? MAX_PHYS_ADDRESS : 0xffffffff;
}

/**
 * `m ADDR,LEN`: memory as hex, at most MAX_MEMORY bytes (a shorter reply is allowed, and gdb asks
 * for the rest; it sizes requests from PacketSize, a little over MAX_MEMORY); E14 when any byte is
 * unmapped (linear mode).
 */
function readMemory(s: Session, _p: Buffer, text: string): string {
  const range = parseRange(text.slice(1), 0xffffffff, maxAddress(s));
  const addr = range.addr;
  const length = Math.min(range.length, MAX_MEMORY);
  if (s.physical) return bytesToHex(s.target.readPhysical(addr, length));
  const data = s.target.readLinear(s.gCpu, addr, length);
  if (data === null)
    throw new ProtocolError(`linear 0x${addr.toString(16)}+${length} is not mapped`, ERRNO.EFAULT);
  return bytesToHex(data);
}

/** Writes `data` at `addr` in the current memory mode. */
function store(s: Session, addr: number, data: Uint8Array): string {
  if (s.physical) {
    s.target.writePhysical(addr, data);
    return "OK";
  }
  if (!s.target.writeLinear(s.gCpu, addr, data)) {
    throw new ProtocolError(`linear 0x${addr.toString(16)}+${data.length} is not mapped`, ERRNO.EFAULT);
  }
  return "OK";
}

/** `M ADDR,LEN:HEX`. */
function writeMemoryHex(s: Session, _p: Buffer, text: string): string {
  const { addr, data } = parseMemWrite(text.slice(1), MAX_MEMORY, maxAddress(s));
  return store(s, addr, data);
}

/** `X ADDR,LEN:BINARY` (gdb probes support with a zero-length X). */
function writeMemoryBinary(s: Session, payload: Buffer): string {
  const { addr, data } = parseBinaryWrite(payload.subarray(1), MAX_MEMORY, maxAddress(s));
  return data.length === 0 ? "OK" : store(s, addr, data);
}

/** `D` / `D;PID`: removes our breakpoints, resumes the guest, says OK; gdb then closes. */
function detach(s: Session): string {
  s.host.detached(s);
  return "OK";
}

/** `k`: kill without reply. */
function kill(s: Session): null {
  s.host.killed(s);
  return null;
}

/** `vKill;PID`: kill with OK. */
function vKill(s: Session): null {
  s.conn.send("OK");
  s.host.killed(s);
  return null;
}

export const BASE_HANDLERS: HandlerGroup = [
  ["?", "base", haltReason],
  ["g", "registers", readRegisters],
  ["G", "registers", writeRegisters],
  ["p", "registers", readRegister],
  ["P", "registers", writeRegister],
  ["m", "memory", readMemory],
  ["M", "memory", writeMemoryHex],
  ["X", "memory", writeMemoryBinary],
  ["D", "base", detach],
  ["k", "base", kill],
  ["vKill", "base", vKill],
];
