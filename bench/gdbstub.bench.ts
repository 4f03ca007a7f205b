// gdb-driven `stepi` rate: the real gdb steps the gdb-demo ROM N times through pcscope's stub and
// through QEMU's (qemu-system-i386 -S -gdb), timed inside gdb with its Python API (gdb's own
// start-up excluded). Prints steps per second for both and the ratio (goal: pcscope >= 2x QEMU).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBareMachine } from "../src/emu/machine/board-bare.ts";
import { startGdbServer } from "../src/gdbstub/index.ts";
import { freePort, qemuPcArgs } from "../test/helpers/qemu.ts";
import { median, report } from "./lib/report.ts";

const ROM = join(dirname(fileURLToPath(import.meta.url)), "..", "firmware", "gdb-demo", "gdb-demo.bin");
const STEPS = 2000;
const RUNS = 3;

/** A gdb script that steps STEPS times and prints the rate. */
function script(): string {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-bench-"));
  const file = join(dir, "stepi.py");
  writeFileSync(
    file,
    `import gdb, time
gdb.execute("stepi", to_string=True)
t0 = time.perf_counter()
for i in range(${STEPS}):
    gdb.execute("stepi", to_string=True)
dt = time.perf_counter() - t0
print("@rate %f" % (${STEPS} / dt))
`,
  );
  return file;
}

/** Runs gdb against `address` with the script; resolves to steps per second. */
function gdbRate(address: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const gdb = spawn(
      "gdb",
      ["-nx", "-batch", "-ex", `target remote ${address}`, "-ex", `source ${file}`, "-ex", "kill"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    gdb.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    gdb.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    gdb.on("error", reject);
    gdb.on("close", () => {
      const m = /@rate ([0-9.]+)/.exec(out);
      if (m) resolve(Number(m[1]));
      else reject(new Error(`gdb printed no rate:\n${out}`));
    });
  });
}

/** One pcscope measurement on a fresh machine. */
async function pcscopeRate(file: string): Promise<number> {
  const machine = createBareMachine({ bios: readFileSync(ROM), debugcons: [{ port: 0x402, sink: null }] });
  const server = await startGdbServer(machine, { port: 0, startPaused: true });
  try {
    return await gdbRate(server.address, file);
  } finally {
    await server.close();
  }
}

/** One QEMU measurement; null when QEMU is not installed. */
async function qemuRate(file: string): Promise<number | null> {
  const port = await freePort();
  let qemu: ChildProcess;
  try {
    qemu = spawn("qemu-system-i386", ["-S", "-gdb", `tcp:127.0.0.1:${port}`, ...qemuPcArgs(ROM)], {
      stdio: "ignore",
    });
  } catch {
    return null;
  }
  const failed = new Promise<null>((resolve) => qemu.once("error", () => resolve(null)));
  await new Promise((r) => setTimeout(r, 300));
  try {
    return await Promise.race([gdbRate(`127.0.0.1:${port}`, file), failed]);
  } finally {
    qemu.kill();
  }
}

export default async function bench(): Promise<void> {
  const file = script();
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(await pcscopeRate(file));
    const q = await qemuRate(file);
    if (q !== null) peer.push(q);
  }
  report({
    name: `gdb stepi rate (${STEPS} steps, median of ${RUNS})`,
    unit: "steps/s",
    ours: median(ours),
    peer: peer.length > 0 ? median(peer) : null,
    peerName: "qemu-system-i386",
    higherIsBetter: true,
    note: peer.length > 0 ? undefined : "qemu-system-i386 not installed (apt-get install -y qemu-system-x86)",
  });
}
