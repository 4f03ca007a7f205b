// The real gdb 13 with `monitor savevm a`, stepping on, `monitor loadvm a`: the registers and the
// memory gdb reads afterwards are those it read when the snapshot was taken, and stepping again goes
// the same way. `info snapshots`, `delvm`, and an unknown name's one-line QEMU error.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import { type Demo, demoSymbols, startDemo } from "../demo.ts";
import { runGdb } from "../gdb-run.ts";

const SYM = demoSymbols();
const hex = (n: number) => `0x${n.toString(16)}`;

describe.skipIf(!needPeers("gdb"))("savevm/loadvm through gdb's monitor", () => {
  let demo: Demo;
  beforeEach(async () => {
    demo = await startDemo();
  });
  afterEach(async () => {
    await demo.close();
  });

  it("goes back to the registers and memory saved, and steps the same way again", async () => {
    const look = ["info registers eip eax ecx eflags cs ds", `x/2wx ${hex(SYM.counter!)}`];
    const out = await runGdb(demo.server.address, [
      `break *${hex(SYM.count_loop!)}`,
      "continue",
      "stepi 7",
      "monitor savevm a",
      "echo @saved\\n",
      ...look,
      "stepi 40",
      "echo @moved\\n",
      ...look,
      "monitor info snapshots",
      "monitor loadvm a",
      "maint flush register-cache",
      "echo @loaded\\n",
      ...look,
      "stepi 40",
      "echo @again\\n",
      ...look,
      "monitor loadvm nope",
      "monitor delvm a",
      "monitor info snapshots",
    ]);
    const [, saved = "", moved = "", loaded = "", again = ""] = out.split(
      /@saved\n|@moved\n|@loaded\n|@again\n/,
    );
    // The register and memory lines of a section (monitor output may interleave on stderr).
    const seen = (part: string) =>
      part
        .split("\n")
        .filter((l) => /^(eip|eax|ecx|eflags|cs|ds)\s|^0x500:/.test(l))
        .join("\n");
    expect(seen(saved)).toMatch(/eip\s+0xfe06b[\s\S]*eax\s+0x1\s[\s\S]*0x500:\s+0x00000001/);
    expect(seen(moved)).toMatch(/eax\s+0x2\s[\s\S]*0x500:\s+0x00000002/);
    expect(seen(loaded)).toEqual(seen(saved));
    expect(seen(again)).toEqual(seen(moved));
    expect(out).toMatch(
      /List of snapshots present on all disks:\nID\s+TAG\s+VM SIZE\s+VM CLOCK\s+ICOUNT\n1\s+a\s+/,
    );
    expect(out).toContain("Error: Snapshot 'nope' does not exist in one or more devices");
    expect(out).toContain("snapshot 'a' deleted");
    expect(out).toContain("There is no snapshot available.");
  });
});
