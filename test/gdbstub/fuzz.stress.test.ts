// Fuzzing the stub on a real socket: random and mutated packets (bad checksums, truncations,
// garbage, escapes, RLE, resumes, interrupts, detach/kill that drop the connection), each followed
// by a sentinel query so a hang shows as a timeout. Afterwards `?` must still answer a proper stop
// reply. `npm run stress 100000` runs 100,000 packets; npm test runs 5,000.
import { describe, expect, it } from "vitest";
import { stressCount } from "../helpers/stress.ts";
import { startDemo, Wire } from "./demo.ts";

const COUNT = stressCount(5000);

/** Deterministic xorshift32 so a failure can be replayed from the seed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const hex = (s: string) => Buffer.from(s).toString("hex");
const CORPUS = [
  "?",
  "g",
  `G${"00".repeat(344)}`,
  "p8",
  "p32",
  "p99",
  "P0=12345678",
  "P8=5be00f00",
  "P20=00",
  "m500,10",
  "mfffffff0,10",
  "m0,10000",
  "M500,2:abcd",
  "X500,2:ab",
  "X500,3:}]}\x03a",
  "Z0,fe079,1",
  "z0,fe079,1",
  "Z1,fe07a,1",
  "Z2,500,2",
  "z2,500,2",
  "Z3,504,4",
  "Z4,500,2",
  "z4,500,2",
  "vCont?",
  "vCont;s:p1.1",
  "vCont;c",
  "vCont;t",
  "vCont;c:p1.-1",
  "s",
  "c",
  "S05",
  "C05",
  "Hgp1.1",
  "Hc-1",
  "Hg0",
  "T1",
  "Tp1.2",
  "qfThreadInfo",
  "qsThreadInfo",
  "qC",
  "qAttached:1",
  "qSupported:multiprocess+;swbreak+",
  "qXfer:features:read:target.xml:0,20",
  "qXfer:features:read:i386-core.xml:100,80",
  "qThreadExtraInfo,p1.1",
  `qRcmd,${hex("info cpus")}`,
  `qRcmd,${hex("iowatch add 0x402 w")}`,
  `qRcmd,${hex("xp/4xb 0")}`,
  `qRcmd,${hex("iowatch del all")}`,
  `qRcmd,${hex("info registers")}`,
  "qqemu.PhyMemMode",
  "Qqemu.PhyMemMode:1",
  "Qqemu.PhyMemMode:0",
  "vMustReplyEmpty",
  "qSymbol::",
  "D",
  "k",
  "vKill;1",
  "QStartNoAckMode",
  "qTStatus",
  "vFile:open:0",
];
const SPECIAL = [0x23, 0x24, 0x7d, 0x2a, 0x03, 0x2b, 0x2d, 0x3a, 0x2c, 0x3b, 0x00, 0xff];

/** One mutated or random payload. */
function payload(next: () => number): Buffer {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  let bytes = [...Buffer.from(pick(CORPUS), "latin1")];
  const mutations = Math.floor(next() * 4);
  for (let i = 0; i < mutations; i++) {
    const at = Math.floor(next() * (bytes.length + 1));
    const r = next();
    if (r < 0.25) bytes[at] = Math.floor(next() * 256);
    else if (r < 0.45) bytes.splice(at, 0, pick(SPECIAL));
    else if (r < 0.6) bytes.splice(at, 1 + Math.floor(next() * 4));
    else if (r < 0.7) bytes = bytes.slice(0, at);
    else if (r < 0.8) bytes.splice(at, 0, ...bytes.slice(0, 8));
    else if (r < 0.9) bytes.splice(at, 0, ...Buffer.from(Math.floor(next() * 0xffffffff).toString(16)));
    else bytes = Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256));
  }
  return Buffer.from(bytes);
}

/** Frames a payload, sometimes with a bad checksum, sometimes truncated or as bare garbage. */
function frame(body: Buffer, next: () => number): Buffer {
  let sum = 0;
  for (const b of body) sum = (sum + b) & 0xff;
  const r = next();
  if (r < 0.04) sum ^= 0x5a;
  const check = Buffer.from(`#${sum.toString(16).padStart(2, "0")}`);
  if (r > 0.97) return Buffer.concat([Buffer.from("$"), body]);
  if (r > 0.95) return body;
  return Buffer.concat([Buffer.from("$"), body, check]);
}

describe("gdb stub fuzz", () => {
  it(`survives ${COUNT} random and mutated packets and still answers ?`, async () => {
    const seed = Number(process.env.PCSCOPE_FUZZ_SEED ?? 0x6db5);
    const next = rng(seed);
    const demo = await startDemo();
    let wire = await Wire.open(demo.server.port);
    wire.autoAck = true;
    let reconnects = 0;
    try {
      for (let i = 0; i < COUNT; i++) {
        wire.write(frame(payload(next), next));
        // Interrupt whatever a fuzzed resume started (ignored when stopped), so slices stay short.
        wire.write(Buffer.from([3]));
        // The sentinel: the next `qfThreadInfo` answer proves the stub is alive and in sync.
        wire.packet("qfThreadInfo");
        try {
          await wire.expect(/\$mp?1(\.1)?#..|\$m1#../, 5000);
        } catch (err) {
          // A fuzzed D, k or vKill closes the connection: reconnect. Anything else is a hang.
          if (!wire.socket.destroyed && !/closed/.test(String(err))) {
            throw new Error(
              `no answer after packet ${i} (seed ${seed}): ${(err as Error).message} LOGS ${demo.logs.slice(-5).join(" | ")} UNREAD ${JSON.stringify(wire.unread)}`,
            );
          }
          await new Promise((r) => setTimeout(r, 60));
          wire = await Wire.open(demo.server.port);
          wire.autoAck = true;
          reconnects++;
        }
      }
      // Stop whatever runs, reconnect as a fresh debugger and ask why the target stopped.
      wire.write(Buffer.from([3]));
      await new Promise((r) => setTimeout(r, 100));
      wire.close();
      await new Promise((r) => setTimeout(r, 100));
      wire = await Wire.open(demo.server.port);
      wire.autoAck = true;
      wire.packet("qSupported:multiprocess+");
      await wire.expect(/\$PacketSize=20200;[^#]*#../);
      wire.packet("?");
      const stop = await wire.expect(
        /\$(T[0-9a-f]{2}thread:(p1\.1|1);[^#]*08:[0-9a-f]{8};04:[0-9a-f]{8};05:[0-9a-f]{8};09:[0-9a-f]{8};[^#]*)#/,
      );
      expect(stop[1]).toMatch(/^T0[0-9a-f]/);
      expect(demo.logs.filter((l) => l.includes("internal error"))).toEqual([]);
      console.log(`fuzz: ${COUNT} packets, seed ${seed}, ${reconnects} reconnects after fuzzed D/k/vKill`);
    } finally {
      wire.close();
      await demo.close();
    }
  });
});
