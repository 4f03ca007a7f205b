// Opening the PC's drive images: format from --drive format= or probed, read-only or write-locked
// like QEMU, all on one synchronous AioContext the machine polls. Any failure (missing or unreadable
// file, unknown format, an image locked by another process, clashing indexes) closes what was opened
// and becomes one ConfigError line; nothing is written to an image before the guest writes it.

import type { AioContext } from "../block/index.ts";
import type { TraceBus } from "../trace/bus.ts";
import { ConfigError } from "./config.ts";
import type { PcDrive } from "./pc.ts";
import type { DriveSpec } from "./run-config.ts";

/** Opened drives and how to close them. */
export interface OpenedDrives {
  drives: PcDrive[];
  aio: AioContext;
  /** The trace bus the block layer emits on (the machine must use it too). */
  trace: TraceBus;
  /** Drains, flushes and closes every image (idempotent). */
  close(): void;
}

/** Assigns QEMU's default indexes (first free slot) to drives without one; checks clashes. */
export function assignIndexes(drives: readonly DriveSpec[]): { spec: DriveSpec; index: number }[] {
  const used = new Set<number>();
  for (const d of drives) {
    if (d.index === null) continue;
    if (used.has(d.index)) throw new ConfigError(`two drives at index ${d.index}`);
    used.add(d.index);
  }
  return drives.map((spec) => {
    let index = spec.index;
    if (index === null) {
      index = [0, 1, 2, 3].find((i) => !used.has(i)) ?? -1;
      if (index < 0) throw new ConfigError("at most 4 IDE drives");
      used.add(index);
    }
    return { spec, index };
  });
}

/** Opens every drive; throws ConfigError (after closing the others) when one cannot be opened. */
export async function openPcDrives(specs: readonly DriveSpec[]): Promise<OpenedDrives> {
  const { AioContext, openImage } = await import("../block/index.ts");
  const { TraceBus } = await import("../trace/bus.ts");
  const trace = new TraceBus();
  const aio = new AioContext("sync", trace);
  const drives: PcDrive[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const d of drives) {
      try {
        d.backend?.closeSync();
      } catch {
        // closing is best effort: the error was already reported by the request that failed
      }
    }
  };
  try {
    for (const { spec, index } of assignIndexes(specs)) {
      if (spec.file === "") {
        drives.push({ index, media: spec.media, backend: null });
        continue;
      }
      try {
        const backend = openImage(spec.file, {
          ctx: aio,
          format: spec.format ?? undefined,
          readOnly: spec.readOnly,
          name: `ide${index >> 1}-${spec.media === "cdrom" ? "cd" : "hd"}${index & 1}`,
        });
        drives.push({ index, media: spec.media, backend });
      } catch (err) {
        throw new ConfigError(`cannot open drive '${spec.file}': ${(err as Error).message}`);
      }
    }
  } catch (err) {
    close();
    throw err;
  }
  return { drives, aio, trace, close };
}
