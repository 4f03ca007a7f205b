// Turns a DebugTarget StopEvent into the RSP stop reply (a T packet with the thread, the stop
// reason gdb 13 understands, and expedited eip/esp/ebp/eflags so `stepi` needs no `g`) and, where a
// human should know more, a console line sent as an O packet first.
import type { StopEvent } from "../../emu/debug-target.ts";
import { le32Hex } from "../protocol/hex.ts";
import { formatT, hex2, SIGNAL } from "../protocol/stop-reply.ts";
import { formatThreadId, PCSCOPE_PID } from "../protocol/thread-id.ts";
import { REGNUM } from "../target-xml/i386.ts";
import type { RegisterAccess } from "./registers.ts";

/** What the formatter needs from the session. */
export interface StopContext {
  regs: RegisterAccess;
  multiprocess: boolean;
  /** Z1 (hardware) breakpoints by address; anything else that stops on an address is a Z0. */
  isHardwareBreakpoint(addr: number): boolean;
}

/** A formatted stop: the reply packet and an optional console line. */
export interface FormattedStop {
  reply: string;
  console: string | null;
  /** True when the guest is gone (W reply): the server ends. */
  exited: boolean;
}

const WATCH_KEY = { write: "watch", read: "rwatch", access: "awatch" } as const;

/** Formats `event` for the vCPU `cpu` (0-based). */
export function formatStop(event: StopEvent, cpu: number, ctx: StopContext): FormattedStop {
  const fields: [string, string][] = [["thread", formatThreadId(cpu + 1, ctx.multiprocess)]];
  let signal: number = SIGNAL.TRAP;
  let console: string | null = null;
  switch (event.kind) {
    case "step":
    case "budget":
      break;
    case "breakpoint":
      fields.push([ctx.isHardwareBreakpoint(event.addr) ? "hwbreak" : "swbreak", ""]);
      break;
    case "watch":
      fields.push([WATCH_KEY[event.type], (event.addr >>> 0).toString(16)]);
      break;
    case "ioWatch": {
      const dir = event.dir === "in" ? "r" : "w";
      fields.push([
        "ioport",
        `${event.port.toString(16)},${dir},${event.size},${(event.value >>> 0).toString(16)}`,
      ]);
      const width = event.size * 2;
      console =
        `iowatch: ${event.dir} port 0x${event.port.toString(16).padStart(4, "0")} ` +
        `size ${event.size} value 0x${(event.value >>> 0).toString(16).padStart(width, "0")}${valueChar(event)}\n`;
      break;
    }
    case "halted":
      console = "pcscope: the CPU halted with interrupts disabled (nothing can wake it)\n";
      break;
    case "reset":
      console = `pcscope: machine reset (${event.why})\n`;
      break;
    case "tripleFault":
      signal = SIGNAL.SEGV;
      console = "pcscope: triple fault (shutdown)\n";
      break;
    case "interrupted":
      signal = SIGNAL.INT;
      break;
    case "exit":
      return {
        reply: `W${hex2(event.status)};process:${PCSCOPE_PID.toString(16)}`,
        console: `pcscope: the guest exited with status ${event.status}\n`,
        exited: true,
      };
    case "unimplemented":
      signal = SIGNAL.ILL;
      console =
        `pcscope: not implemented: ${event.what} at ${hex4(event.cs)}:${event.eip.toString(16)} ` +
        `(linear 0x${(event.linear >>> 0).toString(16)}) bytes ${event.bytes.map((b) => hex2(b)).join(" ")}\n`;
      break;
  }
  // One register read and one CPU view per stop: this runs once per `stepi`.
  const values = ctx.regs.target.readRegisters(cpu);
  const ip = values[REGNUM.eip]!;
  const csBase = ctx.regs.linearPc ? ctx.regs.csBase(cpu) : 0;
  fields.push(
    [hex2(REGNUM.eip), le32Hex((ip + csBase) >>> 0)],
    [hex2(REGNUM.esp), le32Hex(values[REGNUM.esp]!)],
    [hex2(REGNUM.ebp), le32Hex(values[REGNUM.ebp]!)],
    [hex2(REGNUM.eflags), le32Hex(values[REGNUM.eflags]!)],
  );
  if (ctx.regs.linearPc) fields.push([hex2(REGNUM.ip), le32Hex(ip)], [hex2(REGNUM.csBase), le32Hex(csBase)]);
  return { reply: formatT(signal, fields), console, exited: false };
}

function hex4(n: number): string {
  return (n & 0xffff).toString(16).padStart(4, "0");
}

/** ` ('A')` for a printable byte written to a port, else "". */
function valueChar(event: { size: number; value: number }): string {
  return event.size === 1 && event.value >= 0x20 && event.value < 0x7f
    ? ` ('${String.fromCharCode(event.value)}')`
    : "";
}
