// gdb-driven `stepi` rate: the real gdb steps the gdb-demo ROM through pcscope's stub and through
// QEMU's (qemu-system-i386 -S -gdb), with the same script, timed inside gdb with its Python API
// (gdb's own start-up excluded). Prints steps per second for both, the ratio (goal: pcscope >= 2x
// QEMU), each run's ratio, and how many packets gdb sent per `stepi` to each stub (read from gdb's
// own `set debug remote 1` log): gdb 13 needs 7 requests per stepi from any stub that lists threads
// (vCont, qXfer:threads, four 1-byte reads at $pc by its i386 frame sniffers and one 64-byte
// code-cache line), and QEMU's 7.2 stub costs it 9 (no expedited registers: a `g`; the thread list
// in qfThreadInfo + qsThreadInfo).
//
// A third line measures gdb's ceiling: the same script against bench/lib/null-stub.ts, a stub that
// emulates nothing and answers at once; no stub can let gdb step faster on this host.
//
// Fairness: both stubs get the same script, the same warm-up steps before the clock starts (gdb's
// caches, and pcscope's JIT: a user's session is long-lived), and runs alternate pcscope/QEMU so
// that load from other processes on the machine hits both alike.
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBareMachine } from "../src/emu/machine/board-bare.ts";
import { startGdbServer } from "../src/gdbstub/index.ts";
import { type PausedQemu, startPausedQemu } from "../test/helpers/qemu.ts";
import { startNullStub } from "./lib/null-stub.ts";
import { median, report } from "./lib/report.ts";

const ROM = join(dirname(fileURLToPath(import.meta.url)), "..", "firmware", "gdb-demo", "gdb-demo.bin");
/** Timed steps per run; with the warm-up and counted steps this stays in the ROM's real-mode loop. */
const STEPS = 2000;
/** Untimed steps first. */
const WARMUP = 500;
/** Steps whose packets are counted (untimed, with gdb's wire log on). */
const COUNTED = 20;
const RUNS = 5;

/** What one gdb run measured. */
interface Measured {
  rate: number;
  packetsPerStep: number;
}

/** A gdb script that warms up, counts packets per step, then times STEPS steps. */
function script(): string {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-bench-"));
  const file = join(dir, "stepi.py");
  writeFileSync(
    file,
    `import gdb, re, time
for i in range(${WARMUP}):
    gdb.execute("stepi", to_string=True)
gdb.execute("set debug remote 1")
sent = 0
for i in range(${COUNTED}):
    sent += len(re.findall(r"Sending packet: ", gdb.execute("stepi", to_string=True)))
gdb.execute("set debug remote 0")
print("@packets %f" % (sent / ${COUNTED}))
t0 = time.perf_counter()
for i in range(${STEPS}):
    gdb.execute("stepi", to_string=True)
dt = time.perf_counter() - t0
print("@rate %f" % (${STEPS} / dt))
`,
  );
  return file;
}

/**
 * Runs gdb against `address` with the script; resolves to what it measured. gdb's output goes to a
 * file, read once gdb has exited: gdb prints a line per `stepi`, and a pipe to this process would
 * wake it during the measurement, and pcscope's stub runs in this process (QEMU's does not).
 */
function gdbRate(address: string, file: string): Promise<Measured> {
  const log = join(dirname(file), "gdb.out");
  const fd = openSync(log, "w");
  return new Promise((resolve, reject) => {
    const gdb = spawn(
      "gdb",
      ["-nx", "-batch", "-ex", `target remote ${address}`, "-ex", `source ${file}`, "-ex", "kill"],
      { stdio: ["ignore", fd, fd] },
    );
    closeSync(fd);
    gdb.on("error", reject);
    gdb.on("close", () => {
      const out = readFileSync(log, "latin1");
      const rate = /@rate ([0-9.]+)/.exec(out);
      const packets = /@packets ([0-9.]+)/.exec(out);
      if (rate && packets) resolve({ rate: Number(rate[1]), packetsPerStep: Number(packets[1]) });
      else reject(new Error(`gdb printed no rate:\n${out}`));
    });
  });
}

/** One pcscope measurement on a fresh machine. */
async function pcscopeRate(file: string): Promise<Measured> {
  const machine = createBareMachine({ bios: readFileSync(ROM), debugcons: [{ port: 0x402, sink: null }] });
  const server = await startGdbServer(machine, { port: 0, startPaused: true });
  try {
    return await gdbRate(server.address, file);
  } finally {
    await server.close();
  }
}

/** One measurement against a stub that emulates nothing: gdb's own ceiling on this host. */
async function nullStubRate(file: string): Promise<Measured> {
  const stub = await startNullStub();
  try {
    return await gdbRate(stub.address, file);
  } finally {
    await stub.close();
  }
}

/** One QEMU measurement (QEMU paused at reset, measured once its stub listens); null without QEMU. */
async function qemuRate(file: string): Promise<Measured | null> {
  let qemu: PausedQemu;
  try {
    qemu = await startPausedQemu({ bios: ROM });
  } catch {
    return null;
  }
  try {
    return await gdbRate(`127.0.0.1:${qemu.port}`, file);
  } finally {
    qemu.stop();
  }
}

export default async function bench(): Promise<void> {
  const file = script();
  const ours: Measured[] = [];
  const peer: Measured[] = [];
  const ceiling: Measured[] = [];
  const ratios: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const o = await pcscopeRate(file);
    ours.push(o);
    ceiling.push(await nullStubRate(file));
    const q = await qemuRate(file);
    if (q !== null) {
      peer.push(q);
      ratios.push((o.rate / q.rate).toFixed(2));
    }
  }
  const packets = (m: Measured[]) => median(m.map((x) => x.packetsPerStep)).toFixed(1);
  const top = median(ceiling.map((m) => m.rate));
  const versusQemu = peer.length > 0 ? ` = ${(top / median(peer.map((m) => m.rate))).toFixed(2)}x qemu` : "";
  report({
    name: `gdb stepi rate (${STEPS} steps after ${WARMUP}, median of ${RUNS})`,
    unit: "steps/s",
    ours: median(ours.map((m) => m.rate)),
    peer: peer.length > 0 ? median(peer.map((m) => m.rate)) : null,
    peerName: "qemu-system-i386",
    higherIsBetter: true,
    note:
      peer.length > 0
        ? `run ratios ${ratios.join(" ")}; gdb packets per stepi: pcscope ${packets(ours)}, qemu ${packets(peer)}`
        : `qemu-system-i386 not installed (apt-get install -y qemu-system-x86); gdb packets per stepi ${packets(ours)}`,
  });
  // gdb's own cost per step bounds every stub: the same script against a stub that emulates nothing.
  process.stdout.write(
    `gdb's ceiling on this host: a stub that emulates nothing answers ${top.toFixed(0)} steps/s${versusQemu} ` +
      `(${packets(ceiling)} gdb packets per stepi)\n`,
  );
}
