// Memory packets: `m ADDR,LEN`, `M ADDR,LEN:HEX`, `X ADDR,LEN:BINARY` (escaped).
import { unescapeBinary } from "../conn/framing.ts";
import { ProtocolError } from "./errors.ts";
import { hexToBytes, parseHex } from "./hex.ts";

/** A memory range from a packet. */
export interface MemRange {
  addr: number;
  length: number;
}

/**
 * Parses `ADDR,LEN` (the part after the letter). Needs ADDR <= `maxAddress` (linear addresses are 32
 * bits and wrap like the CPU's; physical ones reach the 40-bit limit) and the range to end there.
 */
export function parseRange(text: string, maxLength: number, maxAddress = 0xffffffff): MemRange {
  const comma = text.indexOf(",");
  if (comma < 0) throw new ProtocolError(`expected ADDR,LEN in '${text.slice(0, 30)}'`);
  const addr = parseHex(text.slice(0, comma), "address");
  const length = parseHex(text.slice(comma + 1), "length");
  if (addr > maxAddress)
    throw new ProtocolError(`address 0x${addr.toString(16)} beyond 0x${maxAddress.toString(16)}`);
  if (length > maxLength) throw new ProtocolError(`length ${length} over the ${maxLength}-byte limit`);
  if (maxAddress > 0xffffffff && length > 0 && addr + length - 1 > maxAddress)
    throw new ProtocolError(`range 0x${addr.toString(16)}+${length} runs past 0x${maxAddress.toString(16)}`);
  return { addr, length };
}

/** Parses `M ADDR,LEN:HEX` (payload without the M); the data length must equal LEN. */
export function parseMemWrite(
  text: string,
  maxLength: number,
  maxAddress = 0xffffffff,
): MemRange & { data: Uint8Array } {
  const colon = text.indexOf(":");
  if (colon < 0) throw new ProtocolError("M packet without ':'");
  const range = parseRange(text.slice(0, colon), maxLength, maxAddress);
  const data = hexToBytes(text.slice(colon + 1));
  if (data.length !== range.length)
    throw new ProtocolError(`M packet has ${data.length} bytes, header says ${range.length}`);
  return { ...range, data };
}

/** Parses `X ADDR,LEN:BINARY` from the raw payload (after the X); the data length must equal LEN. */
export function parseBinaryWrite(
  payload: Buffer,
  maxLength: number,
  maxAddress = 0xffffffff,
): MemRange & { data: Uint8Array } {
  const colon = payload.indexOf(0x3a);
  if (colon < 0) throw new ProtocolError("X packet without ':'");
  const range = parseRange(payload.subarray(0, colon).toString("latin1"), maxLength, maxAddress);
  const data = unescapeBinary(payload.subarray(colon + 1));
  if (data === null) throw new ProtocolError("X packet data ends inside an escape");
  if (data.length !== range.length)
    throw new ProtocolError(`X packet has ${data.length} bytes, header says ${range.length}`);
  return { ...range, data };
}
