// Whole-machine snapshots on SeaBIOS booting the IDE guest (firmware/tests/ide-guest.bin: IDENTIFY,
// a PIO write, a bus-master DMA write, FLUSH CACHE) with the PIT, RTC, HPET, APIC timers, IDE and
// COM1 active: run N instructions, save, run M recording registers, a RAM hash, the serial and debug
// console output and the trace; load, run M again: everything identical, instruction counts
// included. Loading again and running a different budget shows a state is reusable.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { AioContext, type BlockBackend, openImage } from "../../../src/emu/block/index.ts";
import type { StopEvent } from "../../../src/emu/debug-target.ts";
import { createPcMachine, type PcMachine } from "../../../src/emu/machine/pc.ts";
import { qcow2With, ROOT, SEABIOS, tempDir } from "../../firmware/seabios-helpers.ts";
import { needPeers } from "../../helpers/peers.ts";

const HAVE = needPeers("seabios", "qemu-img", "qemu-io");
const GUEST = readFileSync(join(ROOT, "firmware/tests/ide-guest.bin"));
const TRACED = "ide_*,bmdma_*,dma_*,blk_*,qcow2_*,pic_*,apic_*,hpet_*,portio_*,serial_*,fw_cfg_*";

/** A PC booting SeaBIOS from `disk`, recording its serial output and trace. */
function boot(disk: string, cpus = 1) {
  const aio = new AioContext("sync");
  const backend: BlockBackend = openImage(disk, { ctx: aio, lock: false });
  const serial: number[] = [];
  const m = createPcMachine({
    bios: readFileSync(SEABIOS),
    memBytes: 32 * 1024 * 1024,
    debugcons: [{ port: 0x402, sink: null }],
    debugExit: { port: 0xf4, size: 1 },
    drives: [{ index: 0, media: "disk", backend }],
    aio,
    serials: [{ write: (b) => serial.push(b) }],
    cpus,
  });
  const trace: string[] = [];
  m.trace.subscribe(TRACED, (e) => trace.push(`${e.insn} ${e.name} ${JSON.stringify(e.fields, big)}`));
  return { m, backend, serial, trace };
}

/** JSON for bigint fields. */
function big(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}

type Booted = ReturnType<typeof boot>;

/** What a run shows: stop, position, registers of every CPU, a RAM hash, outputs from `from` on. */
function observe(b: Booted, ev: StopEvent, from: { serial: number; trace: number; log: number }) {
  const m = b.m;
  return {
    ev,
    ticks: m.cpus[0]!.virtualTicks(),
    instructions: m.cpus.map((c) => c.instructions),
    regs: m.cpus.map((_, i) => Buffer.from(m.readRegisters(i)).toString("hex")),
    ram: createHash("sha256").update(m.memory.buffer).digest("hex"),
    serial: b.serial.slice(from.serial),
    trace: b.trace.slice(from.trace),
    log: m.debugcons[0]!.text().slice(from.log),
  };
}

/** Where the outputs stand now. */
function marks(b: Booted) {
  return { serial: b.serial.length, trace: b.trace.length, log: b.m.debugcons[0]!.text().length };
}

/** Runs `budget` ticks in slices of `slice`, as a debugger's continue would. */
function runFor(m: PcMachine, budget: number, slice = budget): StopEvent {
  const end = m.cpus[0]!.virtualTicks() + budget;
  let ev: StopEvent = { kind: "budget" };
  while (m.cpus[0]!.virtualTicks() < end) {
    ev = m.run(Math.min(slice, end - m.cpus[0]!.virtualTicks()));
    if (ev.kind !== "budget") break;
  }
  return ev;
}

describe.skipIf(!HAVE)("machine snapshots on SeaBIOS and the IDE guest", () => {
  let disk: string;
  let total: number;
  const open: BlockBackend[] = [];
  beforeAll(() => {
    const dir = tempDir();
    disk = qcow2With(dir, "guest", GUEST);
    // The whole boot once, to place N and M: the guest's disk writes fall inside M.
    const b = boot(disk);
    const ev = runFor(b.m, 200_000_000, 10_000_000);
    expect(ev).toEqual({ kind: "exit", status: 1 });
    expect(b.m.debugcons[0]!.text()).toContain("DMA ok");
    total = b.m.cpus[0]!.virtualTicks();
    b.backend.abandon();
  }, 120_000);
  afterEach(() => {
    for (const b of open.splice(0)) b.abandon();
  });

  it("replays the same registers, RAM, outputs and trace from a loaded state, any number of times", () => {
    const b = boot(disk);
    open.push(b.backend);
    const n = total - 400_000;
    const m1 = 400_000 + 1000;
    expect(runFor(b.m, n, 7_000_000).kind).toBe("budget");
    const t0 = performance.now();
    const state = b.m.saveState();
    const saveMs = performance.now() - t0;
    expect(state.position).toBe(b.m.cpus[0]!.virtualTicks());
    expect(state.position).toBe(n);

    let at = marks(b);
    const first = observe(b, runFor(b.m, m1), at);
    expect(first.ev).toEqual({ kind: "exit", status: 1 });
    expect(first.log).toContain("DMA ok");
    expect(first.trace.some((l) => l.includes("ide_dma_cb"))).toBe(true);

    const t1 = performance.now();
    b.m.loadState(state);
    const loadMs = performance.now() - t1;
    expect(b.m.cpus[0]!.virtualTicks()).toBe(n);
    at = marks(b);
    const second = observe(b, runFor(b.m, m1, 50_000), at);
    expect(second).toEqual(first);

    // Reusable: load again and stop halfway (a different budget), then go on to the end.
    b.m.loadState(state);
    at = marks(b);
    const half = runFor(b.m, 200_000);
    expect(half.kind).toBe("budget");
    expect(b.m.cpus[0]!.virtualTicks()).toBe(n + 200_000);
    const rest = runFor(b.m, m1 - 200_000);
    const third = observe(b, rest, at);
    expect(third).toEqual(first);
    console.log(
      `snapshot of a SeaBIOS boot at ${n} ticks: save ${saveMs.toFixed(1)} ms, load ${loadMs.toFixed(1)} ms, ${state.bytes} bytes`,
    );
  }, 120_000);

  it("replays an SMP boot (-smp 3, the APs started by SeaBIOS) from a loaded state", () => {
    const b = boot(disk, 3);
    open.push(b.backend);
    // Early in the boot, while SeaBIOS starts and counts the APs.
    const n = 400_000;
    runFor(b.m, n, 1_000_000);
    const state = b.m.saveState();
    let at = marks(b);
    const first = observe(b, runFor(b.m, 1_500_000, 100_000), at);
    expect(first.log).toContain("Found 3 cpu(s)");
    b.m.loadState(state);
    at = marks(b);
    expect(observe(b, runFor(b.m, 1_500_000, 33_333), at)).toEqual(first);
  }, 120_000);

  it("shares unchanged pages: a second snapshot soon after owns little", () => {
    const b = boot(disk);
    open.push(b.backend);
    runFor(b.m, total - 400_000, 7_000_000);
    const a = b.m.saveState();
    runFor(b.m, 10_000);
    const c = b.m.saveState();
    console.log(`first snapshot ${a.bytes} bytes, the next 10,000 ticks later ${c.bytes} bytes`);
    expect(a.bytes).toBeGreaterThan(c.bytes * 4);
    expect(c.bytes).toBeLessThan(512 * 1024);
    b.m.releaseState(a);
    b.m.releaseState(c);
  }, 120_000);

  for (const format of ["qcow2", "raw"] as const) {
    it(`${format}: going back over the guest's disk writes restores the image qemu-io reads after exit`, () => {
      const dir = tempDir();
      const image = (name: string) => {
        const qcow = qcow2With(dir, name, GUEST);
        if (format === "qcow2") return qcow;
        const raw = join(dir, `${name}.img`);
        execFileSync("qemu-img", ["convert", "-f", "qcow2", "-O", "raw", qcow, raw]);
        return raw;
      };
      /** Whether qemu-io finds the guest's PIO (0xa5 at LBA 100) and DMA (0x5a at LBA 200) patterns. */
      const patterns = (path: string) =>
        [`read -P 0xa5 51200 512`, `read -P 0x5a 102400 4096`].map((c) => {
          const r = spawnSync("qemu-io", ["-f", format, "-r", "-c", c, path], { encoding: "utf8" });
          // qemu-io exits 1 when the pattern does not match, with the reason on stdout.
          expect(r.stdout, r.stderr).toContain("read ");
          return r.status === 0 && !r.stdout.includes("Pattern verification failed");
        });

      // Back to before the writes, then a clean exit: the image holds the old bytes.
      const back = image("back");
      let b = boot(back);
      runFor(b.m, total - 400_000, 7_000_000);
      const before = b.m.saveState();
      expect(runFor(b.m, 500_000)).toEqual({ kind: "exit", status: 1 });
      expect(b.m.debugcons[0]!.text()).toContain("DMA ok");
      b.m.loadState(before);
      b.backend.closeSync();
      expect(patterns(back)).toEqual([false, false]);

      // Forward again after the load, the snapshot deleted: the writes reach the image.
      const forward = image("forward");
      b = boot(forward);
      runFor(b.m, total - 400_000, 7_000_000);
      const s = b.m.saveState();
      runFor(b.m, 500_000);
      b.m.loadState(s);
      expect(runFor(b.m, 500_000)).toEqual({ kind: "exit", status: 1 });
      b.m.releaseState(s);
      b.backend.flushSync();
      expect(patterns(forward)).toEqual([true, true]);
      b.backend.closeSync();
      if (format === "qcow2") expect(spawnSync("qemu-img", ["check", forward]).status).toBe(0);
    }, 120_000);
  }
});
