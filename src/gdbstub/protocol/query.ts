// General queries: qSupported feature lists and qXfer reads (`qXfer:OBJECT:read:ANNEX:OFF,LEN`,
// answered `m` + data when more follows or `l` + data for the last piece).
import { escapeBinary } from "../conn/framing.ts";
import { ProtocolError } from "./errors.ts";
import { parseHex } from "./hex.ts";

/** Parses `qSupported:a+;b-;c=v` into a map (value "+" / "-" / the text after `=`). */
export function parseFeatures(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of text.split(";")) {
    if (item === "") continue;
    const eq = item.indexOf("=");
    if (eq >= 0) out.set(item.slice(0, eq), item.slice(eq + 1));
    else if (item.endsWith("+") || item.endsWith("-")) out.set(item.slice(0, -1), item.slice(-1));
    else out.set(item, "+");
  }
  return out;
}

/** A parsed qXfer read request. */
export interface XferRead {
  object: string;
  annex: string;
  offset: number;
  length: number;
}

/** Parses the part after `qXfer:`; only `read` is supported. */
export function parseXferRead(text: string): XferRead {
  const parts = text.split(":");
  if (parts.length !== 4 || parts[1] !== "read")
    throw new ProtocolError(`unsupported qXfer '${text.slice(0, 40)}'`);
  const range = parts[3]!.split(",");
  if (range.length !== 2) throw new ProtocolError("qXfer without OFFSET,LENGTH");
  return {
    object: parts[0]!,
    annex: parts[2]!,
    offset: parseHex(range[0]!, "offset"),
    length: parseHex(range[1]!, "length"),
  };
}

/** The reply carrying `document` bytes [offset, offset+length): at most `length` data bytes. */
export function xferReply(document: Buffer, offset: number, length: number): Buffer {
  const piece = document.subarray(
    Math.min(offset, document.length),
    Math.min(offset + length, document.length),
  );
  const more = offset + piece.length < document.length;
  return Buffer.concat([Buffer.from(more ? "m" : "l"), escapeBinary(piece)]);
}
