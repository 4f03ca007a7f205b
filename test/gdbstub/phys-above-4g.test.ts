// The stub's physical-memory mode (`monitor phys on`, QEMU's qqemu.PhyMemMode) above 4 GiB, with the
// stock gdb 13 and `pcscope run --mem 5G` (RAM from 4 to 6 GiB): gdb, told to send 64-bit addresses
// (`set remoteaddresssize 64`), writes dwords at 4 GiB and in RAM's last bytes; the monitor's own
// physical read (`xp`) finds them there, gdb reads them back, physical 0 is not an alias of 4 GiB, and
// an address past the 40-bit physical limit is refused. Before, m/M/X above 0xffffffff failed (E16).
import { afterEach, describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { type PcscopeGdb, runGdb, startPcscopeGdb } from "./gdb-run.ts";

describe.skipIf(!needPeers("gdb", "seabios"))("gdb's physical memory above 4 GiB", () => {
  let pc: PcscopeGdb | null = null;
  afterEach(async () => {
    await pc?.exited;
    pc = null;
  });

  it("writes and reads RAM above 4 GiB in physical mode, up to the 40-bit limit", async () => {
    pc = await startPcscopeGdb(["--machine", "pc", "--mem", "5G", "--bios", "/usr/share/seabios/bios.bin"]);
    const out = await runGdb(pc.address, [
      "monitor phys on",
      "set remoteaddresssize 64",
      "set {unsigned int}0x100000000 = 0x11223344",
      "set {unsigned int}0x17ffffffc = 0x55667788",
      "set {unsigned int}0x0 = 0xaabbccdd",
      "monitor xp/1xw 0x100000000",
      "monitor xp/1xw 0x17ffffffc",
      'printf "at4g=%08x\\n", {unsigned int}0x100000000',
      'printf "last=%08x\\n", {unsigned int}0x17ffffffc',
      'printf "at0=%08x\\n", {unsigned int}0x0',
      "x/2xw 0x17ffffff8",
      'printf "past=%08x\\n", {unsigned int}0x10000000000',
      "kill",
    ]);
    expect(out).toContain("0000000100000000: 0x11223344");
    expect(out).toContain("000000017ffffffc: 0x55667788");
    expect(out).toContain("at4g=11223344");
    expect(out).toContain("last=55667788");
    expect(out).toContain("at0=aabbccdd");
    expect(out).toMatch(/:\s+0x00000000\s+0x55667788\n/); // x shows the address cut to 32 bits
    // Refused by the stub (gdb names the address cut to the i386's 32 bits; at 0 it would read
    // aabbccdd). gdb's error goes to stderr, so it may come before or after the "past=" on stdout.
    expect(out, out).toContain("past=");
    expect(out, out).not.toMatch(/past=[0-9a-f]{8}/);
    expect(out, out).toContain("Cannot access memory at address 0x0\n");
  });
});
