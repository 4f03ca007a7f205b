// The block layer's public API: open an image (format probed from its magic), create one.
import { closeSync, readSync } from "node:fs";
import { openHostFile } from "../../shared/host-file.ts";
import type { TraceBus } from "../trace/bus.ts";
import { AioContext, type AioMode } from "./aio-context.ts";
import { BlockBackend } from "./backend.ts";
import { BlockError, EINVAL, errnoOf, strerrorOf } from "./errors.ts";
import { FileNode, hostOpenError } from "./file.ts";
import type { BlockNode } from "./node.ts";
import { type BackingChain, Qcow2Node } from "./qcow2/driver.ts";
import { QCOW2_MAGIC } from "./qcow2/header.ts";
import { RawNode } from "./raw.ts";

export { AioContext, type AioMode } from "./aio-context.ts";
export { type AioOptions, BlockAiocb, BlockBackend, type BlockCompletion, type IoVector } from "./backend.ts";
export { BlockError } from "./errors.ts";
export type { BlockNode, BlockStatus } from "./node.ts";
export { type CreateOptions, createImage } from "./qcow2/create.ts";
export { Qcow2Node } from "./qcow2/driver.ts";
export { RawNode } from "./raw.ts";

/** Image formats pcscope reads and writes. */
export type ImageFormat = "qcow2" | "raw";

/** Options of openImage(). */
export interface OpenOptions {
  /** Format; probed from the file's magic when absent. */
  format?: ImageFormat;
  /** Open read-only (QEMU's readonly=on). */
  readOnly?: boolean;
  /** Take QEMU's image locks (default true); false only for inspection (qemu-img's -U). */
  lock?: boolean;
  /** Scheduler to use; a new one (mode `mode`, bus `bus`) when absent. */
  ctx?: AioContext;
  mode?: AioMode;
  bus?: TraceBus;
  /** Backend name for traces. */
  name?: string;
}

/** "qcow2" when the file starts with the qcow2 magic, else "raw". Only regular files are opened. */
export function probeFormat(filename: string): ImageFormat {
  let fd: number;
  try {
    fd = openHostFile(filename).fd;
  } catch (err) {
    throw hostOpenError(filename, err);
  }
  try {
    const b = Buffer.alloc(4);
    const n = readSync(fd, b, 0, 4, 0);
    return n === 4 && b.readUInt32BE(0) === QCOW2_MAGIC ? "qcow2" : "raw";
  } catch (err) {
    throw new BlockError(errnoOf(err), `Could not open '${filename}': ${strerrorOf(err)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens one node of `format` (probed when null). Backing files open read-only with their own
 * read-only locks, as QEMU's do (none when `lock` is false).
 */
export function openNode(
  ctx: AioContext,
  filename: string,
  format: string | null,
  opts: { readOnly?: boolean; lock?: boolean; chain?: BackingChain } = {},
): BlockNode {
  const fmt = format ?? probeFormat(filename);
  if (fmt === "qcow2") {
    return Qcow2Node.open(ctx, filename, {
      ...opts,
      openBacking: (c, name, f, chain) => openNode(c, name, f, { readOnly: true, lock: opts.lock, chain }),
    });
  }
  if (fmt === "raw") return new RawNode(ctx, FileNode.open(ctx, filename, opts));
  throw new BlockError(EINVAL, `Could not open '${filename}': unknown format '${fmt}'`);
}

/** Opens an image as a BlockBackend. Throws a one-line BlockError when it cannot. */
export function openImage(filename: string, opts: OpenOptions = {}): BlockBackend {
  const ctx = opts.ctx ?? new AioContext(opts.mode ?? "sync", opts.bus);
  const node = openNode(ctx, filename, opts.format ?? null, { readOnly: opts.readOnly, lock: opts.lock });
  return new BlockBackend(node, opts.name);
}
