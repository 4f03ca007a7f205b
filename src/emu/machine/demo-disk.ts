// The embedded default guest: pcscope's own BIOS (firmware/bios/out/bios.bin) and the demo disk, a
// qcow2 image in the user's cache directory ($XDG_CACHE_HOME/pcscope/demo.qcow2, else
// ~/.cache/pcscope/demo.qcow2) whose first sectors hold the demo guest (firmware/demo/out/demo.bin:
// boot sector + second stage). The image is made with the block layer, like `qemu-img create` +
// `qemu-io write`, and is refreshed when its demo sectors differ from the shipped ones.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// The block layer itself is loaded only when a demo disk is made or checked (`pcscope run --bios`
// alone reads just the paths below and starts faster without it).
import { BlockError, errnoOf } from "../block/errors.ts";

/** Guest size of a new demo disk: 16 MiB (QEMU guesses CHS 32/16/63 for it). */
export const DEMO_DISK_SIZE = 16 * 1024 * 1024;
/** File name of the demo disk inside the cache directory. */
export const DEMO_DISK_NAME = "demo.qcow2";
/** Byte offset of the boot sector's demo_reset_mode switch (see firmware/demo/boot.S). */
export const DEMO_RESET_MODE_OFFSET = 0x1b0;

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The embedded BIOS ROM (128 KiB), built from firmware/bios by firmware/build.sh. */
export function embeddedBiosPath(): string {
  return join(REPO_ROOT, "firmware", "bios", "out", "bios.bin");
}

/** The demo guest's raw sectors (LBA 0 onwards). */
export function demoSectorsPath(): string {
  return join(REPO_ROOT, "firmware", "demo", "out", "demo.bin");
}

/** pcscope's cache directory: $XDG_CACHE_HOME/pcscope when that is an absolute path, else ~/.cache/pcscope. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg?.startsWith("/") ? xdg : join(env.HOME || homedir(), ".cache");
  return join(base, "pcscope");
}

/** The demo sectors; a one-line BlockError when the file is missing. */
function readDemoSectors(): Buffer {
  try {
    return readFileSync(demoSectorsPath());
  } catch (err) {
    throw new BlockError(
      errnoOf(err),
      `demo guest ${demoSectorsPath()} unreadable (rebuild: bash firmware/build.sh): ${(err as Error).message}`,
    );
  }
}

/** Options of ensureDemoDisk(). */
export interface DemoDiskOptions {
  /** Directory to keep demo.qcow2 in (default: cacheDir()). */
  dir?: string;
}

/**
 * Creates a fresh demo disk at `path` (overwriting it): a 16 MiB qcow2 (version 3, 64 KiB clusters)
 * with the demo sectors at offset 0. Writes to a temporary file and renames it into place, so an
 * interrupted run never leaves a half-made image. Throws a one-line BlockError on failure.
 */
export async function createDemoDisk(path: string): Promise<void> {
  const demo = readDemoSectors();
  const { createImage, openImage } = await import("../block/index.ts");
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    createImage(tmp, { format: "qcow2", size: DEMO_DISK_SIZE });
    const blk = openImage(tmp, { format: "qcow2", name: "demo" });
    try {
      await blk.pwrite(0, demo);
    } finally {
      await blk.close();
    }
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Returns the path of the demo disk, creating it when missing and rewriting its demo sectors when
 * they differ from the shipped firmware/demo/out/demo.bin (an older pcscope made it, or the demo's
 * warm-reset switch was left set). The patterns the demo writes further out are left alone.
 * Every failure is a one-line BlockError (unwritable cache directory, locked or broken image).
 */
export async function ensureDemoDisk(opts: DemoDiskOptions = {}): Promise<string> {
  const dir = opts.dir ?? cacheDir();
  const path = join(dir, DEMO_DISK_NAME);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new BlockError(
      errnoOf(err),
      `cannot create the demo disk's directory ${dir}: ${(err as Error).message}`,
    );
  }
  if (!existsSync(path)) {
    await createDemoDisk(path);
    return path;
  }
  const demo = readDemoSectors();
  const { openImage } = await import("../block/index.ts");
  const blk = openImage(path, { name: "demo" });
  try {
    const current = new Uint8Array(demo.length);
    await blk.pread(0, current);
    if (!Buffer.from(current).equals(demo)) await blk.pwrite(0, demo);
  } finally {
    await blk.close();
  }
  return path;
}
