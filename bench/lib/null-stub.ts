// A gdb stub that emulates nothing: it answers gdb 13 with fixed replies (pcscope's real-mode
// target description, one thread, a stop after every step with the PC one byte further, NOPs for
// every memory read). Timing gdb's `stepi` against it measures gdb's own cost per step plus the
// loopback round trips: the ceiling any stub can reach on this host, printed beside pcscope and
// QEMU by the gdbstub benchmark.
import { createServer, type Socket } from "node:net";
import { I386 } from "../../src/emu/debug-arch.ts";
import { frameText } from "../../src/gdbstub/conn/framing.ts";
import { le32Hex } from "../../src/gdbstub/protocol/hex.ts";
import { parseXferRead, xferReply } from "../../src/gdbstub/protocol/query.ts";
import { realModeView } from "../../src/gdbstub/stub/real-mode.ts";
import { targetDocuments } from "../../src/gdbstub/target-xml/describe.ts";

/** The reply gdb expects for one request (no-ack mode: gdb sends no acks after QStartNoAckMode). */
type Answer = (packet: string) => string;

/** Answers for one connection: the PC advances one byte per step from the reset vector. */
function answers(): Answer {
  const docs = targetDocuments(realModeView(I386)!.arch);
  const threads =
    '<?xml version="1.0"?>\n<threads>\n  <thread id="p1.1" core="0" name="CPU#0"/>\n</threads>\n';
  // The registers pcscope's stop reply expedites in real mode: the linear PC, ESP, EBP, EFLAGS,
  // then IP and the CS base.
  let pc = 0xffff0;
  const stop = () =>
    `T05thread:p1.1;08:${le32Hex(pc)};04:${le32Hex(0)};05:${le32Hex(0)};09:${le32Hex(2)};` +
    `32:${le32Hex(pc - 0xf0000)};33:${le32Hex(0xf0000)};`;
  const piece = (doc: string, request: string) => {
    const { offset, length } = parseXferRead(request);
    return xferReply(Buffer.from(doc, "latin1"), offset, length).toString("latin1");
  };
  return (p) => {
    if (p.startsWith("qSupported"))
      return "PacketSize=20000;qXfer:features:read+;qXfer:threads:read+;QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+;multiprocess+";
    if (p === "QStartNoAckMode" || p.startsWith("H")) return "OK";
    if (p.startsWith("qXfer:features:read:")) {
      const doc = docs.get(parseXferRead(p.slice("qXfer:".length)).annex);
      return doc === undefined ? "E00" : piece(doc, p.slice("qXfer:".length));
    }
    if (p.startsWith("qXfer:threads:read:")) return piece(threads, p.slice("qXfer:".length));
    if (p === "vCont?") return "vCont;c;C;s;S;t";
    if (p.startsWith("vCont;s") || p === "s") {
      pc++;
      return stop();
    }
    if (p === "?") return stop();
    if (p === "qAttached") return "1";
    if (p === "qC") return "QCp1.1";
    if (p === "qfThreadInfo") return "mp1.1";
    if (p === "qsThreadInfo") return "l";
    if (p === "g") return "00".repeat(344);
    if (p.startsWith("m")) return "90".repeat(Number.parseInt(p.split(",")[1] ?? "0", 16));
    if (p === "k" || p.startsWith("vKill") || p === "D" || p.startsWith("D;")) return "OK";
    return "";
  };
}

/** Serves one gdb connection: acknowledges until no-ack mode, answers every packet. */
function serve(socket: Socket): void {
  socket.setNoDelay(true);
  socket.on("error", () => {});
  const answer = answers();
  let pending = "";
  let noAck = false;
  socket.on("data", (data: Buffer) => {
    pending += data.toString("latin1");
    for (;;) {
      const start = pending.indexOf("$");
      const hash = start < 0 ? -1 : pending.indexOf("#", start);
      if (hash < 0 || pending.length < hash + 3) return;
      const packet = pending.slice(start + 1, hash);
      pending = pending.slice(hash + 3);
      const reply = frameText(answer(packet));
      socket.write(noAck ? reply : `+${reply}`, "latin1");
      if (packet === "QStartNoAckMode") noAck = true;
    }
  });
}

/** Starts the stub on a free 127.0.0.1 port. */
export async function startNullStub(): Promise<{ address: string; close: () => Promise<void> }> {
  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("null stub: no TCP address");
  return {
    address: `127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
