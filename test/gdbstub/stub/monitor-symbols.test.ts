// The stub's monitor with the symbols given to `pcscope run --symbols` (src/gdbstub/stub/monitor-
// symbols.ts): the real gdb 13 against `pcscope run -S --gdb ... --symbols gdb-demo.nm` (a separate
// process, as a user runs it) asks `info symbol`, `sym` and dumps memory at symbol addresses; an
// in-process server given no listing says so.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RspClient } from "../../../src/gdbstub/index.ts";
import { needPeers } from "../../helpers/peers.ts";
import { DEMO_NM, DEMO_ROM, demoSymbols, startDemo } from "../demo.ts";
import { runGdb, startPcscopeGdb } from "../gdb-run.ts";

const SYM = demoSymbols();
/** The 64 KiB demo ROM sits at 0xf0000 below 1 MiB (the bare machine's alias of the ROM's top). */
const ROM_BASE = 0xf0000;

/** `0xNN 0xNN ...`: the ROM's bytes at physical `addr`, as xp/Nxb prints them. */
function romBytes(addr: number, count: number): string {
  const rom = readFileSync(DEMO_ROM);
  return [...rom.subarray(addr - ROM_BASE, addr - ROM_BASE + count)]
    .map((b) => `0x${b.toString(16).padStart(2, "0")}`)
    .join(" ");
}

describe.skipIf(!needPeers("gdb"))("the monitor's symbols", () => {
  it("resolves addresses and names from pcscope run --symbols, for gdb 13", async () => {
    const pcscope = await startPcscopeGdb(["--bios", DEMO_ROM, "--symbols", DEMO_NM]);
    const loop = SYM.count_loop!;
    const start = SYM.start!;
    const out = await runGdb(pcscope.address, [
      `monitor info symbol 0x${(loop + 2).toString(16)}`,
      "monitor info symbol count_loop+2",
      "monitor info symbol 0x10",
      "monitor sym count_loop",
      "monitor sym print",
      "monitor sym nosuch",
      "monitor xp/4xb start",
      "monitor x/4xb start+0x10",
      "monitor xp/4xb nosuch",
      "kill",
    ]);
    const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;
    expect(out).toContain(`${hex(loop + 2)} is count_loop+0x2 (T in ${DEMO_NM})\n`);
    expect(out.split(`${hex(loop + 2)} is count_loop+0x2`).length).toBe(3);
    expect(out).toContain("no symbol covers 0x00000010\n");
    expect(out).toContain(`${hex(loop)} T count_loop\n`);
    expect(out).toContain(
      `no symbol 'print'; symbols starting with it:\n${hex(SYM.print_loop!)} T print_loop\n`,
    );
    expect(out).toContain("no symbol 'nosuch'\n");
    expect(out).toContain(`${start.toString(16).padStart(16, "0")}: ${romBytes(start, 4)}\n`);
    expect(out).toContain(`${(start + 0x10).toString(16).padStart(16, "0")}: ${romBytes(start + 0x10, 4)}\n`);
    expect(out).toContain("xp: no symbol 'nosuch' (try 'monitor sym nosuch')\n");
    expect(await pcscope.exited).toBe(0);
  }, 60_000);

  it("says when no listing was given, and still takes hex addresses", async () => {
    const demo = await startDemo();
    const client = await RspClient.connect({ port: demo.server.port });
    try {
      expect(await client.monitor("info symbol 0xfe06b")).toBe(
        "info symbol: no --symbols listing was given\n",
      );
      expect(await client.monitor("sym start")).toBe("sym: no --symbols listing was given\n");
      expect(await client.monitor("x/1xb start")).toBe(
        "x: no symbol 'start': no --symbols listing was given\n",
      );
      expect(await client.monitor(`x/2xb ${SYM.start!.toString(16)}`)).toBe(
        `${SYM.start!.toString(16).padStart(16, "0")}: ${romBytes(SYM.start!, 2)}\n`,
      );
    } finally {
      client.close();
      await demo.close();
    }
  });

  it("refuses --symbols without a gdb server, in one line", async () => {
    const { runCliInProcess } = await import("../../helpers/cli.ts");
    const r = await runCliInProcess(["run", "--bios", DEMO_ROM, "--symbols", DEMO_NM]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "pcscope: --symbols is for the gdb server's monitor: give -s or --gdb tcp:HOST:PORT\n",
    );
  });
});
