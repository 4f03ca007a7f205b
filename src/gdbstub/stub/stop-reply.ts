// Turns a DebugTarget StopEvent into the RSP stop reply (a T packet with the thread, the stop
// reason gdb 13 understands, and the registers the served description expedites, so `stepi` needs
// no `g`) and, where a human should know more, a console line (describeStop's) sent as an O packet.
import { registerBytes } from "../../emu/debug-arch.ts";
import { describeStop, type StopEvent } from "../../emu/debug-target.ts";
import { bytesToHex } from "../protocol/hex.ts";
import { formatT, hex2, SIGNAL } from "../protocol/stop-reply.ts";
import { formatThreadId, PCSCOPE_PID } from "../protocol/thread-id.ts";
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

/** Stops gdb shows no reason for itself: the console says what happened. */
const CONSOLE_KINDS = new Set<StopEvent["kind"]>([
  "ioWatch",
  "halted",
  "reset",
  "tripleFault",
  "unimplemented",
]);

/** Formats `event` for the vCPU `cpu` (0-based). */
export function formatStop(event: StopEvent, cpu: number, ctx: StopContext): FormattedStop {
  if (event.kind === "exit") {
    return {
      reply: `W${hex2(event.status)};process:${PCSCOPE_PID.toString(16)}`,
      console: `pcscope: ${describeStop(event)}\n`,
      exited: true,
    };
  }
  const fields: [string, string][] = [["thread", formatThreadId(cpu + 1, ctx.multiprocess)]];
  let signal: number = SIGNAL.TRAP;
  switch (event.kind) {
    case "breakpoint":
      fields.push([ctx.isHardwareBreakpoint(event.addr) ? "hwbreak" : "swbreak", ""]);
      break;
    case "watch":
      fields.push([WATCH_KEY[event.type], (event.addr >>> 0).toString(16)]);
      break;
    case "ioWatch":
      fields.push([
        "ioport",
        `${event.port.toString(16)},${event.dir === "in" ? "r" : "w"},${event.size},${(event.value >>> 0).toString(16)}`,
      ]);
      break;
    case "historyStart":
      fields.push(["replaylog", "begin"]);
      break;
    case "tripleFault":
      signal = SIGNAL.SEGV;
      break;
    case "interrupted":
      signal = SIGNAL.INT;
      break;
    case "unimplemented":
      signal = SIGNAL.ILL;
      break;
    default:
      break;
  }
  // One register read per stop: this runs once per `stepi`.
  const arch = ctx.regs.arch;
  const values = ctx.regs.read(cpu);
  for (const n of arch.expedite) fields.push([hex2(n), bytesToHex(registerBytes(arch, values, n))]);
  const prefix = event.kind === "ioWatch" ? "" : "pcscope: ";
  const console = CONSOLE_KINDS.has(event.kind) ? `${prefix}${describeStop(event)}\n` : null;
  return { reply: formatT(signal, fields), console, exited: false };
}
