// Reverse execution over a guest's disk writes, with the real gdb 13 against `pcscope run -S --gdb`
// (history on, as it is by default under gdb) and the image checked by the real qemu-io.
// firmware/tests/ide-guest.bin, booted by pcscope's BIOS from a qcow2 image, writes LBA 100 by PIO
// (WRITE SECTORS, 0x30), LBA 200-207 by bus-master DMA (WRITE DMA, 0xca) and flushes (0xe7); both
// ranges start out holding 0x11. An I/O watch on the ATA command port finds the commands:
// - stopped at FLUSH CACHE, the host file still holds 0x11 (the writes wait in the overlay while
//   history may need the old bytes: the image receives only writes that are kept);
// - reverse-continue back before WRITE SECTORS and kill: the image holds 0x11 (the writes were
//   undone), and qemu-img check calls it clean;
// - a second session on that image goes forward, back before WRITE SECTORS, and forward again to
//   the guest's exit: the image holds 0xa5 at LBA 100 and 0x5a at LBA 200-207.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { pythonScript, runGdb, startPcscopeGdb } from "./gdb-run.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const GUEST = readFileSync(join(ROOT, "firmware", "tests", "ide-guest.bin"));
const ATA_CMD = 0x1f7;
const WRITE_SECTORS = 0x30;
const FLUSH_CACHE = 0xe7;
/** The guest's two writes: byte offsets and lengths in the image, and the pattern each writes. */
const PIO = { offset: 100 * 512, length: 512, pattern: 0xa5 };
const DMA = { offset: 200 * 512, length: 8 * 512, pattern: 0x5a };
const BEFORE = 0x11;

/** qemu-io (`-U -r` while pcscope holds the image) reading both ranges against `pio`/`dma` patterns. */
function qemuIoArgs(disk: string, pio: number, dma: number, shared: boolean): string[] {
  return [
    ...(shared ? ["-U", "-r"] : []),
    ...["-c", `read -P 0x${pio.toString(16)} ${PIO.offset} ${PIO.length}`],
    ...["-c", `read -P 0x${dma.toString(16)} ${DMA.offset} ${DMA.length}`],
    disk,
  ];
}

/** Reads both ranges with qemu-io; true when each holds its expected pattern. */
function imageHolds(disk: string, pio: number, dma: number): boolean {
  const r = spawnSync("qemu-io", qemuIoArgs(disk, pio, dma, false), { encoding: "utf8" });
  return r.status === 0 && !`${r.stdout}${r.stderr}`.includes("Pattern verification failed");
}

/** A 16 MiB qcow2 image booting the IDE guest, both written ranges holding BEFORE. */
function guestImage(): string {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-revdisk-"));
  const raw = join(dir, "guest.raw");
  const disk = join(dir, "guest.qcow2");
  const bytes = new Uint8Array(16 << 20);
  bytes.set(GUEST, 0);
  bytes.fill(BEFORE, PIO.offset, PIO.offset + PIO.length);
  bytes.fill(BEFORE, DMA.offset, DMA.offset + DMA.length);
  writeFileSync(raw, bytes);
  expect(spawnSync("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, disk]).status).toBe(0);
  return disk;
}

/** `pcscope run -S --gdb` on `disk` (history on, the default under gdb). */
function startPcscope(disk: string) {
  return startPcscopeGdb(["--hda", disk, "--debugcon", "null", "--debug-exit", "0xf4,1"]);
}

/** gdb Python: run (or run back) over I/O-watch hits until AL holds `command`; prints `@tag AL EIP`. */
const MOVES = `
import gdb
def al():
    return int(gdb.selected_frame().read_register("eax")) & 0xff
def move_to(verb, command, tag):
    for _ in range(64):
        gdb.execute(verb, to_string=True)
        if al() == command:
            break
    print("@%s %x %x" % (tag, al(), int(gdb.selected_frame().read_register("eip"))))
`;

describe.skipIf(!needPeers("gdb", "qemu-img", "qemu-io"))("reverse execution over a guest disk write", () => {
  it("keeps the writes out of the image while they can be undone, undoes them, and redoes them", async () => {
    const disk = guestImage();
    expect(imageHolds(disk, BEFORE, BEFORE)).toBe(true);

    // Session 1: forward to FLUSH CACHE, back before WRITE SECTORS, kill.
    const first = await startPcscope(disk);
    const held = qemuIoArgs(disk, BEFORE, BEFORE, true)
      .map((a) => (a.startsWith("read") ? `'${a}'` : a))
      .join(" ");
    const out1 = await runGdb(
      first.address,
      [
        `monitor iowatch add 0x${ATA_CMD.toString(16)} w`,
        pythonScript(`${MOVES}
move_to("continue", ${FLUSH_CACHE}, "forward")
`),
        `shell qemu-io ${held} && echo @held`,
        pythonScript(`${MOVES}
move_to("reverse-continue", ${WRITE_SECTORS}, "back")
`),
        "kill",
      ],
      120_000,
    );
    expect(out1).toMatch(/@forward e7 /);
    expect(out1).not.toContain("Pattern verification failed");
    expect(out1).toContain("@held");
    expect(out1).toMatch(/@back 30 /);
    expect(await first.exited).toBe(0);
    expect(imageHolds(disk, BEFORE, BEFORE)).toBe(true);
    expect(spawnSync("qemu-img", ["check", disk]).status).toBe(0);

    // Session 2 on the same image: forward, back before WRITE SECTORS, forward to the guest's exit.
    const second = await startPcscope(disk);
    const out2 = await runGdb(
      second.address,
      [
        `monitor iowatch add 0x${ATA_CMD.toString(16)} w`,
        pythonScript(`${MOVES}
move_to("continue", ${FLUSH_CACHE}, "forward")
move_to("reverse-continue", ${WRITE_SECTORS}, "back")
`),
        "monitor iowatch del all",
        "continue",
      ],
      120_000,
    );
    expect(out2).toMatch(/@forward e7 /);
    expect(out2).toMatch(/@back 30 /);
    expect(out2).toContain("exited with code 01"); // isa-debug-exit wrote 0: the guest saw both writes succeed
    expect(await second.exited).toBe(1);
    expect(imageHolds(disk, PIO.pattern, DMA.pattern)).toBe(true);
    expect(imageHolds(disk, BEFORE, BEFORE)).toBe(false);
    expect(spawnSync("qemu-img", ["check", disk]).status).toBe(0);
  }, 240_000);
});
