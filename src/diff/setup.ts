// Starting both sides of a diff from run options: pcscope's machine as `pcscope run` builds it, and
// the reference (QEMU with the equivalent command line, or pcscope with other options). Every side
// runs on its own temporary copies of the writable disk images, so neither takes the other's image
// lock and the user's images stay as they were.
import { constants, copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ConfigError } from "../emu/machine/config.ts";
import type { DriveSpec, ResolvedRunConfig, RunOptions } from "../emu/machine/run-config.ts";
import { resolveRunConfig } from "../emu/machine/run-config.ts";
import { errnoText } from "../shared/host-file.ts";
import { type PcscopeOutput, PcscopeSide } from "./pcscope-side.ts";
import { qemuArgsFor } from "./qemu-args.ts";
import { QemuSide } from "./qemu-side.ts";
import type { DiffSide } from "./side.ts";

/** The reference a diff compares pcscope with. */
export type DiffReference =
  | { kind: "qemu"; binary: string }
  | { kind: "pcscope"; options: RunOptions; label: string };

/** Both sides, started, and what the report needs. */
export interface DiffSides {
  a: PcscopeSide;
  b: DiffSide;
  /** pcscope's resolved configuration (its firmware names the symbols to load). */
  config: ResolvedRunConfig;
  /** Closes both sides (QEMU is killed) and removes the image copies. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * `drives` with each writable image replaced by a copy in `dir` (a clone where the file system
 * can); a ConfigError naming the image when one cannot be copied.
 */
export function copyDrives(drives: readonly DriveSpec[], dir: string, tag: string): DriveSpec[] {
  return drives.map((drive, i) => {
    if (drive.readOnly || drive.file === "") return drive;
    const copy = join(dir, `${tag}-${i}-${basename(drive.file)}`);
    try {
      copyFileSync(drive.file, copy, constants.COPYFILE_FICLONE);
    } catch (err) {
      throw new ConfigError(`cannot copy disk image '${drive.file}' for the diff: ${errnoText(err)}`);
    }
    return { ...drive, file: copy };
  });
}

/** `config` whose debug consoles and serial port write nowhere (the reference's output). */
function silenced(config: ResolvedRunConfig): ResolvedRunConfig {
  const opts = config.options;
  return {
    ...config,
    options: {
      ...opts,
      trace: [],
      traceFile: null,
      log: [],
      pc: { ...opts.pc, serials: opts.pc.serials.map(() => ({ kind: "null" }) as const) },
    },
    debugcons: config.debugcons.map((con) => ({ ...con, target: { kind: "null" } })),
  };
}

/**
 * Starts pcscope's side from `options` (its output as `out` says) and the reference. Throws
 * ConfigError (bad options, an image that cannot be copied), QemuMappingError or QemuStartError,
 * with nothing left running and no copy left behind.
 */
export async function startSides(
  options: RunOptions,
  reference: DiffReference,
  out: PcscopeOutput,
): Promise<DiffSides> {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-diff-"));
  const opened: DiffSide[] = [];
  const close = async () => {
    for (const side of opened.splice(0)) await side.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const config = await resolveRunConfig(options, "stdout-for-default-firmware");
    // What QEMU cannot be given is refused before anything starts.
    if (reference.kind === "qemu") qemuArgsFor(config);
    const a = await PcscopeSide.create(
      "pcscope",
      { ...config, drives: copyDrives(config.drives, dir, "a") },
      out,
    );
    opened.push(a);
    let b: DiffSide;
    if (reference.kind === "qemu") {
      const args = qemuArgsFor({ ...config, drives: copyDrives(config.drives, dir, "b") });
      b = await QemuSide.start("qemu", reference.binary, args);
    } else {
      const other = await resolveRunConfig(reference.options, "stdout-for-default-firmware");
      const quiet = silenced({ ...other, drives: copyDrives(other.drives, dir, "b") });
      b = await PcscopeSide.create(reference.label, quiet, { ...out, stdout: null, log: null });
    }
    opened.push(b);
    return { a, b, config, close };
  } catch (err) {
    await close();
    throw err;
  }
}
