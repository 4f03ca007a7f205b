// Breakpoint packets: `Z TYPE,ADDR,KIND` / `z TYPE,ADDR,KIND` (0 software, 1 hardware, 2 write,
// 3 read, 4 access watchpoint). KIND is the breakpoint length in bytes (watch length for 2-4).
import { ProtocolError } from "./errors.ts";
import { parseHex } from "./hex.ts";

/** A parsed Z/z packet. */
export interface BreakpointRequest {
  insert: boolean;
  type: 0 | 1 | 2 | 3 | 4;
  addr: number;
  kind: number;
}

/** Parses a whole Z or z payload; conditions/commands after `;` are ignored. */
export function parseBreakpoint(text: string): BreakpointRequest {
  const insert = text[0] === "Z";
  const fields = text.slice(1).split(";")[0]!.split(",");
  if (fields.length !== 3) throw new ProtocolError(`expected TYPE,ADDR,KIND in '${text.slice(0, 30)}'`);
  const type = parseHex(fields[0]!, "breakpoint type");
  if (type > 4) throw new ProtocolError(`breakpoint type ${type}`);
  const addr = parseHex(fields[1]!, "address");
  if (addr > 0xffffffff) throw new ProtocolError("breakpoint address beyond 32 bits");
  const kind = parseHex(fields[2]!, "kind");
  if (kind === 0 || kind > 0x10000) throw new ProtocolError(`breakpoint length ${kind}`);
  return { insert, type: type as BreakpointRequest["type"], addr, kind };
}
