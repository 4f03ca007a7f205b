// Queries and settings: qSupported, QStartNoAckMode, qXfer:features:read, qXfer:threads:read, the physical-memory mode
// (qqemu.PhyMemMode / Qqemu.PhyMemMode:N, as QEMU names it), qSymbol, vMustReplyEmpty and qRcmd.
import { ProtocolError } from "../protocol/errors.ts";
import { hexToText } from "../protocol/hex.ts";
import { parseFeatures, parseXferRead, xferReply } from "../protocol/query.ts";
import { threadsXml } from "./handlers-threads.ts";
import { runMonitorCommand } from "./monitor.ts";
import type { HandlerGroup } from "./packet-table.ts";
import { PACKET_SIZE, type Session } from "./session.ts";

/**
 * `qSupported[:FEATURES]`: what the stub does and, for each target capability, whether the target
 * has it (thread list with vcpus, swbreak/hwbreak stop reasons with those breakpoints); multiprocess
 * only when gdb offers it.
 */
function supported(s: Session, _p: Buffer, text: string): string {
  const colon = text.indexOf(":");
  const theirs = parseFeatures(colon < 0 ? "" : text.slice(colon + 1));
  s.multiprocess = theirs.get("multiprocess") === "+";
  const t = s.target;
  const ours = [
    `PacketSize=${PACKET_SIZE.toString(16)}`,
    "qXfer:features:read+",
    t.vcpus && "qXfer:threads:read+",
    "QStartNoAckMode+",
    t.swBreakpoints && "swbreak+",
    t.hwBreakpoints && "hwbreak+",
    "vContSupported+",
    t.reverse && "ReverseStep+",
    t.reverse && "ReverseContinue+",
    s.multiprocess && "multiprocess+",
  ];
  return ours.filter((f) => typeof f === "string").join(";");
}

/** `QStartNoAckMode`: OK (still acknowledged), then no acks either way. */
function startNoAck(s: Session): null {
  s.conn.send("OK");
  s.conn.startNoAck();
  return null;
}

/**
 * `qXfer:features|threads:read:ANNEX:OFFSET,LENGTH`: the target description or thread list in pieces
 * (the thread list only for a target with vcpus: "" otherwise, as for any unsupported object).
 */
function xfer(s: Session, _p: Buffer, text: string): Buffer | string {
  const req = parseXferRead(text.slice("qXfer:".length));
  const length = Math.min(req.length, PACKET_SIZE - 16);
  if (req.object === "threads") {
    if (!s.target.vcpus) return "";
    if (req.annex !== "") throw new ProtocolError(`no thread list '${req.annex}'`);
    return xferReply(Buffer.from(threadsXml(s)), req.offset, length);
  }
  if (req.object !== "features") throw new ProtocolError(`qXfer object '${req.object}' not supported`);
  const doc = s.describe().get(req.annex);
  if (doc === undefined) throw new ProtocolError(`no description '${req.annex}'`);
  return xferReply(doc, req.offset, length);
}

/** `qqemu.PhyMemMode`: 1 when m/M/X address physical memory. */
function phyMemQuery(s: Session): string {
  return s.physical ? "1" : "0";
}

/** `Qqemu.PhyMemMode:0|1`. */
function phyMemSet(s: Session, _p: Buffer, text: string): string {
  const value = text.slice("Qqemu.PhyMemMode:".length);
  if (value !== "0" && value !== "1") throw new ProtocolError(`PhyMemMode '${value}'`);
  s.physical = value === "1";
  return "OK";
}

/** `qSymbol::`: we need no symbols. */
function symbol(): string {
  return "OK";
}

/** `vMustReplyEmpty`: the empty reply, on purpose (not logged as unknown). */
function mustReplyEmpty(): string {
  return "";
}

/** `qRcmd,HEX`: a monitor command; output in O packets, then OK. */
function monitor(s: Session, _p: Buffer, text: string): string {
  const command = hexToText(text.slice("qRcmd,".length));
  const output = runMonitorCommand(s, command);
  if (output !== "") s.sendConsole(output.endsWith("\n") ? output : `${output}\n`);
  return "OK";
}

export const QUERY_HANDLERS: HandlerGroup = [
  ["qSupported", "query", supported],
  ["QStartNoAckMode", "query", startNoAck],
  ["qXfer", "query", xfer],
  ["qqemu.PhyMemMode", "memory", phyMemQuery],
  ["Qqemu.PhyMemMode", "memory", phyMemSet],
  ["qSymbol", "query", symbol],
  ["vMustReplyEmpty", "query", mustReplyEmpty],
  ["qRcmd", "monitor", monitor],
];
