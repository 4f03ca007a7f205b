// Image creation (`pcscope img create`, QEMU's qcow2_co_create): a version 3 (compat 1.1) or
// version 2 (compat 0.10) qcow2 laid out as qemu-img 7.2 does (header, refcount table, refcount
// block, L1 table), or a sparse raw file.
import { closeSync, constants, ftruncateSync, openSync, rmSync, writeSync } from "node:fs";
import { BlockError, EFBIG, EINVAL, errnoOf } from "../errors.ts";
import { lockImage, PERMS_CREATE } from "../lock.ts";
import { encodeHeader } from "./header.ts";
import { setRefcount } from "./refcount.ts";

/** QEMU's largest L1 table in bytes (block/qcow2.h, QCOW_MAX_L1_SIZE): caps a qcow2's guest size. */
export const QCOW_MAX_L1_SIZE = 32 * 1024 * 1024;

/** What to create. */
export interface CreateOptions {
  format: "qcow2" | "raw";
  /** Guest size in bytes; for qcow2 with a backing file, defaults to the backing file's size. */
  size?: number;
  /** qcow2 cluster size in bytes (512 to 2 MiB, a power of two; default 64 KiB). */
  clusterSize?: number;
  /** "1.1" (version 3, default) or "0.10" (version 2). */
  compat?: "1.1" | "0.10";
  /** Refcount width as log2 of bits (0..6; default 4 = 16 bits; version 2 needs 4). */
  refcountOrder?: number;
  backingFile?: string;
  backingFormat?: "qcow2" | "raw";
  /** Opens the backing file to learn its size (index.ts passes its opener). */
  backingSize?: (filename: string, format: string | null) => number;
}

/** Writes `data` at `pos` of the open fd. */
function put(fd: number, data: Uint8Array, pos: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, pos + done);
}

/** Opens `filename` read-write without truncating it, creating it when missing; says which. */
function openForCreate(filename: string): { fd: number; created: boolean } {
  try {
    try {
      return {
        fd: openSync(filename, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644),
        created: true,
      };
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") throw err;
      return { fd: openSync(filename, constants.O_RDWR), created: false };
    }
  } catch (err) {
    throw new BlockError(errnoOf(err), `Could not create '${filename}': ${(err as Error).message}`);
  }
}

/**
 * Creates (or overwrites) `filename` as qemu-img create does: every option (size, geometry, the
 * qcow2 L1 limit) is checked before the file is touched; then the file is opened without
 * truncation and locked like qemu-img's raw_co_create (write + resize, sharing all but resize), so
 * an image QEMU or pcscope has open is refused and left untouched; only then is it emptied and
 * written. On any failure a file this call created is removed. Throws a one-line BlockError.
 */
export function createImage(filename: string, opts: CreateOptions): void {
  let size = opts.size;
  if (size === undefined && opts.backingFile !== undefined && opts.backingSize) {
    size = opts.backingSize(opts.backingFile, opts.backingFormat ?? null);
  }
  if (size === undefined || !Number.isSafeInteger(size) || size < 0 || size > 2 ** 52) {
    throw new BlockError(EINVAL, `invalid image size ${size ?? "(none)"}`);
  }
  if (opts.format === "raw" && opts.backingFile !== undefined) {
    throw new BlockError(EINVAL, "raw images cannot have a backing file");
  }
  if (opts.format === "qcow2" && l1Entries(size, qcow2Geometry(opts).cs) > QCOW_MAX_L1_SIZE / 8) {
    throw new BlockError(
      EFBIG,
      `${filename}: The image size is too large for file format 'qcow2' (try using a larger cluster size)`,
    );
  }
  const { fd, created } = openForCreate(filename);
  try {
    lockImage(fd, filename, PERMS_CREATE);
    ftruncateSync(fd, 0);
    if (opts.format === "raw") ftruncateSync(fd, size);
    else writeQcow2(fd, size, opts);
  } catch (err) {
    closeSync(fd);
    if (created) rmSync(filename, { force: true });
    throw createError(filename, opts.format, err);
  }
  closeSync(fd);
}

/** The one-line BlockError for a failure while creating `filename`, worded as qemu-img's. */
function createError(filename: string, format: string, err: unknown): BlockError {
  if (err instanceof BlockError) return new BlockError(err.errno, `${filename}: ${err.message}`);
  const errno = errnoOf(err);
  if (errno === EFBIG && format === "raw") {
    return new BlockError(EFBIG, `${filename}: The image size is too large for file format '${format}'`);
  }
  return new BlockError(errno, `Could not create '${filename}': ${(err as Error).message}`);
}

/** L1 entries a qcow2 of `size` bytes with `cs`-byte clusters needs (each maps cs * cs/8 bytes). */
function l1Entries(size: number, cs: number): number {
  return Math.ceil(size / (cs * (cs / 8)));
}

/** Validated cluster bits, version and refcount order of a qcow2 to create. */
function qcow2Geometry(opts: CreateOptions): {
  cs: number;
  clusterBits: number;
  version: 2 | 3;
  order: number;
} {
  const cs = opts.clusterSize ?? 65536;
  const clusterBits = Math.log2(cs);
  if (!Number.isInteger(clusterBits) || clusterBits < 9 || clusterBits > 21) {
    throw new BlockError(EINVAL, `cluster size must be a power of two between 512 and 2M, got ${cs}`);
  }
  const version = opts.compat === "0.10" ? 2 : 3;
  const order = opts.refcountOrder ?? 4;
  if (!Number.isInteger(order) || order < 0 || order > 6 || (version === 2 && order !== 4)) {
    throw new BlockError(EINVAL, `refcount width 2^${order} bits not possible here`);
  }
  return { cs, clusterBits, version, order };
}

/** Lays out a fresh qcow2 image of `size` bytes in `fd`. */
function writeQcow2(fd: number, size: number, opts: CreateOptions): void {
  const { cs, clusterBits, version, order } = qcow2Geometry(opts);
  const l1Size = l1Entries(size, cs);
  const l1Clusters = Math.max(1, Math.ceil((l1Size * 8) / cs));
  const perBlock = (cs * 8) / (1 << order);
  let blocks = 1;
  let rtClusters = 1;
  for (;;) {
    const total = 1 + rtClusters + blocks + l1Clusters;
    const needBlocks = Math.ceil(total / perBlock);
    const needRt = Math.ceil((needBlocks * 8) / cs);
    if (needBlocks === blocks && needRt === rtClusters) break;
    blocks = needBlocks;
    rtClusters = needRt;
  }
  const rtOffset = cs;
  const blockOffset = rtOffset + rtClusters * cs;
  const l1Offset = blockOffset + blocks * cs;
  const total = 1 + rtClusters + blocks + l1Clusters;
  const header = encodeHeader({
    version,
    clusterBits,
    size,
    l1Size,
    l1TableOffset: l1Offset,
    refcountTableOffset: rtOffset,
    refcountTableClusters: rtClusters,
    refcountOrder: order,
    backingFile: opts.backingFile,
    backingFormat: opts.backingFile !== undefined ? opts.backingFormat : undefined,
  });
  const rt = new Uint8Array(rtClusters * cs);
  const rtView = new DataView(rt.buffer);
  for (let i = 0; i < blocks; i++) rtView.setBigUint64(i * 8, BigInt(blockOffset + i * cs));
  const rb = new Uint8Array(blocks * cs);
  for (let c = 0; c < total; c++)
    setRefcount(rb.subarray(Math.floor(c / perBlock) * cs), c % perBlock, order, 1);
  put(fd, header, 0);
  put(fd, rt, rtOffset);
  put(fd, rb, blockOffset);
  ftruncateSync(fd, l1Offset + l1Clusters * cs);
}
