// gdb reads large ranges in `m` requests sized from PacketSize, a little over the stub's 64 KiB
// reply limit: the stub answers each with as much as it may (a short reply, as the RSP allows) and
// gdb asks for the rest, so `dump memory` of a megabyte works (it failed with E16 before).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { type Demo, startDemo, Wire } from "./demo.ts";
import { runGdb } from "./gdb-run.ts";

let demo: Demo;
beforeEach(async () => {
  demo = await startDemo();
});
afterEach(async () => {
  await demo.close();
});

describe("memory reads larger than one reply", () => {
  it("answers an m request over 64 KiB with the first 64 KiB", async () => {
    const wire = await Wire.open(demo.server.port);
    try {
      const reply = await wire.ask("m0,10100");
      expect(reply.length).toBe(0x10000 * 2);
    } finally {
      wire.close();
    }
  });

  it.skipIf(!needPeers("gdb"))("lets gdb dump a megabyte of RAM", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "pcscope-mread-")), "ram.bin");
    demo.machine.memory.writePhysical(0xabcde, new Uint8Array([0x5a, 0xa5]));
    const out = await runGdb(`127.0.0.1:${demo.server.port}`, [`dump binary memory ${file} 0 0x100000`]);
    const ram = readFileSync(file);
    expect(ram.length, out).toBe(0x100000);
    expect([...ram.subarray(0xabcde, 0xabce0)]).toEqual([0x5a, 0xa5]);
  });
});
