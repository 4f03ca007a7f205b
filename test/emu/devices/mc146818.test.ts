// The RTC's start date and determinism: firmware/tests/cmos/clock.asm idles until the clock's first
// update, counting its 1024 Hz periodic interrupts (so its instruction count follows where in its
// second the clock started), then prints the date and time. With the default base (DEFAULT_RTC_BASE) two runs at different host times print the same
// and retire the same instructions; --rtc base=utc reads the host's clock, as QEMU's -rtc does;
// QEMU given the -rtc that `pcscope diff` maps the options to reads the same date.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { qemuRtcArg } from "../../../src/diff/qemu-args.ts";
import { runCliInProcess } from "../../helpers/cli.ts";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, DEBUG_EXIT_PORT, DEBUGCON_PORT, runRomQemu } from "../../helpers/roms.ts";

/** What one run printed: the ROM's `rtc` line's registers and the instructions retired. */
interface ClockRun {
  /** BCD century, year, month, day (`CCYYMMDD`). */
  date: string;
  /** BCD hours, minutes, seconds (`HHMMSS`). */
  time: string;
  /** Periodic interrupts before the update. */
  periodic: number;
  instructions: number;
}

/** The `rtc` line of a debug-console log. */
function parseRtcLine(log: string): Omit<ClockRun, "instructions"> {
  const m = /^rtc eax=([0-9a-f]{8}) ebx=00([0-9a-f]{6}) .*esi=([0-9a-f]{8})/m.exec(log);
  expect(m, log).not.toBeNull();
  return { date: m![1]!, time: m![2]!, periodic: Number.parseInt(m![3]!, 16) };
}

/** Waits until the host clock is `phaseMs` into a second (so two runs start at different phases). */
async function atPhase(phaseMs: number): Promise<void> {
  const wait = (phaseMs - (Date.now() % 1000) + 1000) % 1000;
  await new Promise((resolve) => setTimeout(resolve, wait));
}

/** BCD `CCYYMMDD` and `HHMMSS` of `d` in UTC. */
function bcd(d: Date): { date: string; time: string } {
  const two = (n: number) => String(n).padStart(2, "0");
  return {
    date: `${two(Math.floor(d.getUTCFullYear() / 100))}${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`,
    time: `${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`,
  };
}

describe.skipIf(!needPeers("nasm"))("the RTC's start date", () => {
  let rom: string;
  let dir: string;
  beforeAll(async () => {
    rom = await assembleTestRomFile("cmos/clock.asm");
    dir = mkdtempSync(join(tmpdir(), "pcscope-rtc-"));
  }, 60_000);

  /** `pcscope run --machine pc` of the ROM with `extra` options, in this process. */
  async function runClock(extra: string[]): Promise<ClockRun> {
    const log = join(dir, "debugcon.log");
    writeFileSync(log, "");
    const r = await runCliInProcess([
      "run",
      "--machine",
      "pc",
      "--bios",
      rom,
      "--debugcon",
      `0x${DEBUGCON_PORT.toString(16)}=file:${log}`,
      "--debug-exit",
      `0x${DEBUG_EXIT_PORT.toString(16)}`,
      ...extra,
    ]);
    expect(r.crash).toBeNull();
    const insns = /: (\d+) instructions in /.exec(r.stderr);
    expect(insns, r.stderr).not.toBeNull();
    return { ...parseRtcLine(readFileSync(log, "latin1")), instructions: Number(insns![1]) };
  }

  it("is 2000-01-01 00:00:00 UTC by default: two runs at different host times are identical", async () => {
    await atPhase(100);
    const first = await runClock([]);
    await atPhase(600);
    const second = await runClock([]);
    expect(second).toEqual(first);
    // The first update comes one second past the base, after 1024 periodic interrupts.
    expect(first).toMatchObject({ date: "20000101", time: "000001", periodic: 1024 });
  }, 60_000);

  it("follows the host's clock with --rtc base=utc (QEMU's behaviour): runs differ", async () => {
    await atPhase(100);
    const before = new Date();
    const first = await runClock(["--rtc", "base=utc"]);
    await atPhase(600);
    const second = await runClock(["--rtc", "base=utc"]);
    const after = new Date();
    // The reading is the host's time at power-on plus under a second of virtual time.
    const seen = [first, second].map((r) => `${r.date}${r.time}`);
    const lo = bcd(new Date(before.getTime() - 1000));
    const hi = bcd(new Date(after.getTime() + 2000));
    for (const s of seen) {
      expect(s >= `${lo.date}${lo.time}`).toBe(true);
      expect(s <= `${hi.date}${hi.time}`).toBe(true);
    }
    // Started half a second apart in the host's second, the waits for the update differ.
    expect(second.periodic).not.toBe(first.periodic);
    expect(second.instructions).not.toBe(first.instructions);
  }, 60_000);

  it("starts from a given date with --rtc base=DATE", async () => {
    expect(await runClock(["--rtc", "base=2006-06-17T16:01:21"])).toMatchObject({
      date: "20060617",
      time: "160122",
    });
  }, 60_000);

  it("refuses a bad --rtc in one line (exit 2), and on the bare machine", async () => {
    const bad = await runCliInProcess(["run", "--bios", rom, "--rtc", "base=yesterday"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      "pcscope: --rtc base=yesterday: invalid datetime format (valid formats: '2006-06-17T16:01:21' or '2006-06-17')\n",
    );
    const bare = await runCliInProcess(["run", "--machine", "bare", "--bios", rom, "--rtc", "base=utc"]);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toBe("pcscope: --rtc needs the PC (--machine pc): the bare machine has no RTC\n");
  });

  it.skipIf(!needPeers("qemu-system-i386"))(
    "reads the same date as QEMU given the -rtc `pcscope diff` maps the options to",
    async () => {
      for (const [options, base] of [
        [[], null],
        [
          ["--rtc", "base=2006-06-17T16:01:21"],
          { kind: "date" as const, date: new Date("2006-06-17T16:01:21Z") },
        ],
      ] as const) {
        const [ours, qemu] = await Promise.all([
          runClock([...options]),
          runRomQemu(rom, 20_000, ["-rtc", qemuRtcArg(base)]),
        ]);
        const theirs = parseRtcLine(qemu.log);
        expect(theirs.date).toBe(ours.date);
        // QEMU's virtual clock starts with host time: allow its seconds to run a little ahead.
        expect(theirs.time.slice(0, 4)).toBe(ours.time.slice(0, 4));
      }
    },
    60_000,
  );
});
