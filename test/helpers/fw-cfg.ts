// What the machine's fw_cfg device offers the firmware, read by a guest ROM
// (firmware/tests/fwcfg/dump.asm) under QEMU 7.2 and under pcscope with the same machine options,
// parsed for comparison: the legacy items, the file directory and every file's bytes.
//
// The machine options are QEMU's spelling (`-m 128 -smp 2 -numa node,...`), passed to
// qemu-system-i386 and to `pcscope run` alike (pcscope accepts QEMU's spellings). Both sides run
// `-M pc` with the ROM as -bios, no default devices, the debug console on 0xE9 and isa-debug-exit;
// options that make QEMU add files (-kernel, -boot menu=on...) must be given to both sides.
import { assembleTestRomFile, diffLogs, type RomRun, runRomPcscope, runRomQemu } from "./roms.ts";

/** One file of the fw_cfg directory. */
export interface FwCfgFile {
  name: string;
  /** The select key the directory gives it. */
  key: number;
  /** The size the directory gives it. */
  size: number;
  /** Its contents as read through the data port. */
  data: Uint8Array;
}

/** Everything the dump ROM printed, parsed. */
export interface FwCfgDump {
  /** Legacy items by key, with the lengths the ROM read (see dump.asm's legacy_table). */
  legacy: Map<number, Uint8Array>;
  /** The file directory in its order, with contents. */
  files: FwCfgFile[];
  /** The raw debug-console text, for diffLogs. */
  log: string;
}

/** Both sides' dumps for one set of machine options. */
export interface FwCfgComparison {
  qemu: FwCfgDump;
  ours: FwCfgDump;
}

let romPath: Promise<string> | null = null;

/** The assembled dump ROM (assembled once per test file). */
export function dumpRom(): Promise<string> {
  romPath ??= assembleTestRomFile("fwcfg/dump.asm");
  return romPath;
}

/** Parses the dump ROM's output; throws when it is truncated or malformed. */
export function parseFwCfgDump(log: string): FwCfgDump {
  const legacy = new Map<number, Uint8Array>();
  const files: FwCfgFile[] = [];
  const byKey = new Map<number, FwCfgFile>();
  const lines = log.split("\n");
  let i = 0;
  /** Reads `length` bytes of hex lines starting at line i. */
  const hexBytes = (length: number): Uint8Array => {
    const out = new Uint8Array(length);
    let at = 0;
    while (at < length) {
      const line = lines[i++];
      if (line === undefined || !/^([0-9a-f]{2})+$/.test(line))
        throw new Error(`fw_cfg dump: hex expected at line ${i}`);
      for (let c = 0; c < line.length; c += 2) out[at++] = Number.parseInt(line.slice(c, c + 2), 16);
    }
    if (at !== length) throw new Error(`fw_cfg dump: ${at} bytes where ${length} were announced`);
    return out;
  };
  let done = false;
  while (i < lines.length && !done) {
    const line = lines[i++]!;
    const legacyLine = /^legacy ([0-9a-f]{4}) ([0-9a-f]{8})$/.exec(line);
    const fileLine = /^file ([0-9a-f]{4}) ([0-9a-f]{8}) (.*)$/.exec(line);
    const dataLine = /^data ([0-9a-f]{4}) ([0-9a-f]{8})$/.exec(line);
    if (legacyLine !== null) {
      legacy.set(Number.parseInt(legacyLine[1]!, 16), hexBytes(Number.parseInt(legacyLine[2]!, 16)));
    } else if (fileLine !== null) {
      const key = Number.parseInt(fileLine[1]!, 16);
      const f = { name: fileLine[3]!, key, size: Number.parseInt(fileLine[2]!, 16), data: new Uint8Array() };
      files.push(f);
      byKey.set(key, f);
    } else if (dataLine !== null) {
      const f = byKey.get(Number.parseInt(dataLine[1]!, 16));
      if (f === undefined) throw new Error(`fw_cfg dump: data for unlisted key ${dataLine[1]}`);
      f.data = hexBytes(Number.parseInt(dataLine[2]!, 16));
    } else if (line === "done") done = true;
    else if (!/^files [0-9a-f]{8}$/.test(line) && line !== "")
      throw new Error(`fw_cfg dump: unexpected line ${i}: ${line}`);
  }
  if (!done) throw new Error("fw_cfg dump: the ROM did not finish (no 'done' line)");
  return { legacy, files, log };
}

/** Parses a finished run, or throws with what went wrong. */
function parseRun(who: string, run: RomRun): FwCfgDump {
  if (run.timedOut || run.status !== 1)
    throw new Error(`${who}: status ${run.status}${run.timedOut ? " (timed out)" : ""}: ${run.stderr}`);
  return parseFwCfgDump(run.log);
}

/** Runs the dump ROM under QEMU 7.2 with QEMU-spelled machine options (e.g. ["-m", "128", "-smp", "2"]). */
export async function dumpFwCfgQemu(machine: string[], timeoutMs = 30_000): Promise<FwCfgDump> {
  const rom = await dumpRom();
  // qemuArgs' own -m 32 comes first; a later -m wins.
  return parseRun("qemu", await runRomQemu(rom, timeoutMs, machine));
}

/** Runs the dump ROM under `pcscope run -M pc` with the same options. */
export async function dumpFwCfgPcscope(machine: string[], timeoutMs = 60_000): Promise<FwCfgDump> {
  const rom = await dumpRom();
  return parseRun("pcscope", await runRomPcscope(rom, timeoutMs, ["-M", "pc", ...machine]));
}

/**
 * Runs both sides with the same machine options through `limit` (see roms.ts makeLimiter), or at
 * once when none is given. pcscope's `--numa node,...,mem=SIZE` is given to QEMU as its memdev form
 * (qemuMachineArgs).
 */
export async function compareFwCfg(
  machine: string[],
  limit: <T>(task: () => Promise<T>) => Promise<T> = (t) => t(),
): Promise<FwCfgComparison> {
  const [qemu, ours] = await Promise.all([
    limit(() => dumpFwCfgQemu(qemuMachineArgs(machine))),
    limit(() => dumpFwCfgPcscope(machine)),
  ]);
  return { qemu, ours };
}

/**
 * QEMU 7.2's spelling of pcscope machine options: `--numa node,...,mem=SIZE` becomes
 * `-object memory-backend-ram,id=numaN,size=SIZE -numa node,...,memdev=numaN` (QEMU 7.2 refuses
 * mem= for current machine types); other arguments pass unchanged.
 */
export function qemuMachineArgs(args: string[]): string[] {
  const out: string[] = [];
  let backends = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if ((a === "--numa" || a === "-numa") && i + 1 < args.length) {
      const props = args[++i]!.split(",");
      const mem = props.find((p) => p.startsWith("mem="));
      if (mem === undefined) out.push("-numa", props.join(","));
      else {
        const id = `numa${backends++}`;
        out.push("-object", `memory-backend-ram,id=${id},size=${mem.slice(4)}`);
        out.push("-numa", props.map((p) => (p === mem ? `memdev=${id}` : p)).join(","));
      }
    } else out.push(a);
  }
  return out;
}

/** The named file of a dump, or undefined. */
export function fwCfgFile(dump: FwCfgDump, name: string): FwCfgFile | undefined {
  return dump.files.find((f) => f.name === name);
}

/** The directory as `KKKK SIZE NAME` lines (to compare listings with toEqual and readable diffs). */
export function fwCfgListing(dump: FwCfgDump): string[] {
  return dump.files.map((f) => `${f.key.toString(16).padStart(4, "0")} ${f.size} ${f.name}`);
}

/**
 * Where two versions of a file differ: null when identical, otherwise the sizes or the first
 * differing offset with 16 bytes of each side from there, and the number of differing bytes.
 */
export function diffFileBytes(
  expected: Uint8Array | undefined,
  actual: Uint8Array | undefined,
): string | null {
  if (expected === undefined || actual === undefined)
    return `${expected === undefined ? "qemu" : "pcscope"} has no such file`;
  const n = Math.max(expected.length, actual.length);
  let first = -1;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (expected[i] !== actual[i]) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (first < 0) return null;
  const hex = (b: Uint8Array) =>
    [...b.subarray(first, first + 16)].map((x) => x.toString(16).padStart(2, "0")).join(" ");
  return (
    `sizes ${expected.length} (qemu) and ${actual.length} (pcscope); ${count} bytes differ, first at 0x${first.toString(16)}:\n` +
    `  - qemu:    ${hex(expected)}\n  + pcscope: ${hex(actual)}`
  );
}

/** The first difference between the two sides' raw dumps (diffLogs), or null. */
export function diffDumpLogs(c: FwCfgComparison): string | null {
  return diffLogs(c.qemu.log, c.ours.log);
}
