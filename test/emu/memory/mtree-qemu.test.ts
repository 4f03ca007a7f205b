// `info mtree` and `info mtree -f` for the system memory, against QEMU 7.2's monitor (through QMP's
// human-monitor-command) on the same machine (-M pc, SeaBIOS's 128 KiB image as -bios, paused at
// reset): the root container line, and every flat-view range from 0xc0000 up but the local APIC's
// (pcscope maps the APIC page, QEMU its 1 MiB apic-msi region). Below 0xc0000 the models differ on
// purpose: pcscope decodes 0xa0000-0xbfffff as the SMRAM window's I/O, QEMU shows the RAM under it.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createPcMachine } from "../../../src/emu/machine/pc.ts";
import { needPeers } from "../../helpers/peers.ts";

const BIOS = "/usr/share/seabios/bios.bin";

/** QEMU's answers to HMP `commands`, in order, on `-M pc -m MEM` paused at reset. */
function qemuMonitor(mem: string, commands: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const args = ["-nodefaults", "-display", "none", "-M", "pc", "-m", mem, "-bios", BIOS, "-S"];
    const proc = spawn("qemu-system-i386", [...args, "-monitor", "none", "-qmp", "stdio"]);
    let out = "";
    proc.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    proc.on("error", reject);
    proc.on("exit", () => {
      const answers = out
        .split("\n")
        .filter((l) => l.trim().startsWith("{"))
        .map((l) => JSON.parse(l) as { return?: unknown })
        .filter((m) => typeof m.return === "string")
        .map((m) => m.return as string);
      resolve(answers);
    });
    const send = (execute: string, args?: object) =>
      proc.stdin.write(`${JSON.stringify(args ? { execute, arguments: args } : { execute })}\n`);
    send("qmp_capabilities");
    for (const c of commands) send("human-monitor-command", { "command-line": c });
    send("quit");
  });
}

/** The lines of `dump`'s block starting with `header`, up to the next blank line. */
function block(dump: string, header: string): string[] {
  const lines = dump.replace(/\r/g, "").split("\n");
  const at = lines.indexOf(header);
  if (at < 0) return [];
  const end = lines.indexOf("", at);
  return lines.slice(at, end < 0 ? undefined : end);
}

/** Flat-view range lines from 0xc0000 up, the APIC's left out. */
function flatFrom0xc0000(lines: string[]): string[] {
  return lines.filter(
    (l) => /^ {2}[0-9a-f]{16}-/.test(l) && l.slice(2, 18) >= "00000000000c0000" && !/apic/.test(l),
  );
}

describe.skipIf(!needPeers("qemu-system-i386"))("info mtree against QEMU 7.2", () => {
  for (const [mem, bytes] of [
    ["32", 32 * 2 ** 20],
    ["5G", 5 * 2 ** 30],
  ] as const) {
    it(`prints QEMU's root and flat-view lines with -m ${mem}`, async () => {
      const [tree, flat] = await qemuMonitor(mem, ["info mtree", "info mtree -f"]);
      const machine = createPcMachine({ bios: readFileSync(BIOS), memBytes: bytes });
      const ours = machine.memory.mtree();
      expect(block(ours, "address-space: memory")[1]).toBe(block(tree!, "address-space: memory")[1]);
      expect(block(ours, "address-space: memory")[1]).toBe(
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): system",
      );
      const qemuFlat = flatFrom0xc0000(block(flat!, ' AS "memory", root: system'));
      expect(qemuFlat.length).toBeGreaterThanOrEqual(5);
      expect(flatFrom0xc0000(machine.memory.mtree(true).split("\n"))).toEqual(qemuFlat);
    });
  }
});
