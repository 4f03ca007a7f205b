// Framing primitives: checksums, RLE encode/decode, binary escaping and the incremental parser
// (split feeds, acks, interrupts, bad checksums, restarts, oversize).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checksum,
  escapeBinary,
  type FrameEvent,
  FrameParser,
  frame,
  frameText,
  rleDecode,
  rleEncode,
  unescapeBinary,
} from "../../../src/gdbstub/conn/framing.ts";

/** Parses `input` fed in pieces of `step` bytes. */
function parse(input: Buffer, step = input.length, max = 1 << 16): FrameEvent[] {
  const events: FrameEvent[] = [];
  const parser = new FrameParser((e) => events.push(e), max);
  for (let i = 0; i < input.length; i += Math.max(1, step))
    parser.feed(input.subarray(i, i + Math.max(1, step)));
  return events;
}

describe("framing", () => {
  it("frames with the modulo-256 checksum gdb documents", () => {
    expect(frame("OK").toString()).toBe("$OK#9a");
    expect(frame("").toString()).toBe("$#00");
    expect(checksum(Buffer.from("qSupported"))).toBe(0x37);
  });

  it("frames a text payload as the same bytes as a Buffer payload", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = Buffer.from(bytes).toString("latin1");
        expect(Buffer.from(frameText(text), "latin1").equals(frame(Buffer.from(bytes)))).toBe(true);
      }),
    );
  });

  it("RLE-encodes runs and decodes them back, never using # or $ as a count", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const hex = Buffer.from(Buffer.from(bytes).toString("hex"));
        const encoded = rleEncode(hex);
        for (let i = 0; i < encoded.length; i++) {
          if (encoded[i] === 0x2a) expect([0x23, 0x24]).not.toContain(encoded[i + 1]);
        }
        expect(rleDecode(encoded)?.equals(hex)).toBe(true);
      }),
    );
    expect(rleEncode(Buffer.from("0000000000")).toString()).toBe("0*&");
    expect(rleDecode(Buffer.from("*a"))).toBeNull();
  });

  it("escapes #, $, } and * and unescapes them back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const escaped = escapeBinary(bytes);
        for (const b of escaped) expect([0x23, 0x24, 0x2a]).not.toContain(b);
        expect([...(unescapeBinary(escaped) ?? [])]).toEqual([...bytes]);
      }),
    );
    expect(unescapeBinary(Buffer.from("a}"))).toBeNull();
  });

  it("parses packets, acks and interrupts however the bytes are split", () => {
    const input = Buffer.concat([
      Buffer.from("+x-"),
      frame("m0,4"),
      Buffer.from([3]),
      frame("0*&"),
      Buffer.from("$g#00"),
    ]);
    for (const step of [1, 2, 3, 7, input.length]) {
      const events = parse(input, step);
      expect(events.map((e) => (e.kind === "packet" ? `${e.payload.toString()}:${e.ok}` : e.kind))).toEqual([
        "ack",
        "nak",
        "m0,4:true",
        "interrupt",
        "0000000000:true",
        "g:false",
      ]);
    }
  });

  it("restarts on a $ inside a packet and reports oversize packets", () => {
    expect(parse(Buffer.from("$m0,4$qC#b4")).map((e) => e.kind === "packet" && e.payload.toString())).toEqual(
      ["qC"],
    );
    const events = parse(Buffer.concat([frame("x".repeat(100)), frame("?")]), 5, 64);
    expect(events[0]).toEqual({ kind: "oversize", length: 100 });
    expect(events[1]?.kind === "packet" && events[1].payload.toString()).toBe("?");
  });
});
