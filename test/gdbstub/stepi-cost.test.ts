// What one `stepi` costs the debugger on the wire. The thread id in a stop reply is spelled exactly
// like the ids of the thread list (else gdb would see a new thread at every stop), and the real
// gdb 13, read through its own `set debug remote 1` log, needs no more than the 7 requests any stub
// that lists threads costs it: the step (whose stop reply expedites what gdb reads next, so no
// `g`/`p`), the thread list in one qXfer, and the memory reads of its i386 frame sniffers.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { type Demo, startDemo, Wire } from "./demo.ts";
import { pythonScript, runGdb } from "./gdb-run.ts";

let demo: Demo;
beforeEach(async () => {
  demo = await startDemo();
});
afterEach(async () => {
  await demo.close();
});

/** The thread ids a connection sees in the stop reply, qfThreadInfo, qXfer:threads and qC. */
async function threadIds(features: string): Promise<Record<string, string>> {
  const wire = await Wire.open(demo.server.port);
  try {
    wire.autoAck = true;
    await wire.ask(`qSupported:${features}`);
    await wire.ask("qXfer:features:read:target.xml:0,ffb");
    const stop = await wire.ask("vCont;s");
    const list = await wire.ask("qfThreadInfo");
    const xml = await wire.ask("qXfer:threads:read::0,1000");
    const current = await wire.ask("qC");
    return {
      stop: /thread:([^;]+);/.exec(stop)?.[1] ?? stop,
      list: list.slice(1),
      xml: /<thread id="([^"]+)"/.exec(xml)?.[1] ?? xml,
      current: current.slice(2),
    };
  } finally {
    wire.close();
    // One debugger at a time: wait until the server saw this one go.
    while (demo.server.attached) await new Promise((r) => setTimeout(r, 5));
  }
}

describe("thread ids", () => {
  it("are spelled alike in the stop reply and the thread lists, with and without multiprocess", async () => {
    expect(await threadIds("multiprocess+;swbreak+;vContSupported+")).toEqual({
      stop: "p1.1",
      list: "p1.1",
      xml: "p1.1",
      current: "p1.1",
    });
    expect(await threadIds("swbreak+;vContSupported+")).toEqual({
      stop: "1",
      list: "1",
      xml: "1",
      current: "1",
    });
  });
});

describe.skipIf(!needPeers("gdb"))("a stepi on the wire", () => {
  it("costs gdb 13 at most 7 requests: vCont, one qXfer of the threads and memory reads", async () => {
    const out = await runGdb(demo.server.address, [
      pythonScript(`
import gdb, re
for i in range(3):
    gdb.execute("stepi", to_string=True)
gdb.execute("set debug remote 1")
for i in range(5):
    log = gdb.execute("stepi", to_string=True)
    print("@sent " + " ".join(re.findall(r"Sending packet: \\$([^#]*)#", log)))
gdb.execute("set debug remote 0")
`),
    ]);
    const steps = [...out.matchAll(/^@sent (.*)$/gm)].map((m) => m[1]!.split(" "));
    expect(steps).toHaveLength(5);
    for (const sent of steps) {
      const kinds = sent.map((p) => (p.startsWith("m") ? "m" : p.replace(/[:;].*$/, "")));
      expect(sent.length).toBeLessThanOrEqual(7);
      expect(kinds.filter((k) => k === "vCont")).toHaveLength(1);
      expect(kinds.filter((k) => k === "qXfer")).toHaveLength(1);
      expect(sent.find((p) => p.startsWith("qXfer"))).toMatch(/^qXfer:threads:read:/);
      // Everything else is a memory read: no g/p (the stop reply expedites eip, esp, ebp, eflags),
      // no qfThreadInfo/qsThreadInfo, no thread-alive `T` or `H` for a thread gdb thought new.
      expect(kinds.filter((k) => k !== "vCont" && k !== "qXfer").every((k) => k === "m")).toBe(true);
    }
  });
});
