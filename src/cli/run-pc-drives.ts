// Opening the PC's drive images for `pcscope run`: format from --drive format= or probed, read-only
// or write-locked like QEMU, all on one synchronous AioContext the machine polls. Any failure (missing
// or unreadable file, unknown format, an image locked by another process) closes what was opened and
// becomes one UserError line; nothing is written to an image before the guest writes it.

import type { AioContext } from "../emu/block/index.ts";
import type { PcDrive } from "../emu/machine/pc.ts";
import type { TraceBus } from "../emu/trace/bus.ts";
import { UserError } from "./errors.ts";
import { assignIndexes, type DriveSpec } from "./run-pc.ts";

/** Opened drives and how to close them. */
export interface OpenedDrives {
  drives: PcDrive[];
  aio: AioContext;
  /** The trace bus the block layer emits on (the machine must use it too). */
  trace: TraceBus;
  /** Drains, flushes and closes every image (idempotent). */
  close(): void;
}

/** Opens every drive; throws UserError (after closing the others) when one cannot be opened. */
export async function openPcDrives(specs: DriveSpec[]): Promise<OpenedDrives> {
  const { AioContext, openImage } = await import("../emu/block/index.ts");
  const { TraceBus } = await import("../emu/trace/bus.ts");
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
        throw new UserError(`cannot open drive '${spec.file}': ${(err as Error).message}`);
      }
    }
  } catch (err) {
    close();
    throw err;
  }
  return { drives, aio, trace, close };
}
