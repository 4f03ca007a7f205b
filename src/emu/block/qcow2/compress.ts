// Compressed clusters (zlib compression type): raw deflate streams, as `qemu-img convert -c` writes
// them. A stream that does not inflate to exactly one cluster is an I/O error, never a crash.
import { constants, inflateRawSync } from "node:zlib";
import { BlockError, EIO } from "../errors.ts";

/** Inflates `src` into one cluster of `clusterSize` bytes; throws EIO when the data is bad. */
export function decompressCluster(src: Uint8Array, clusterSize: number): Uint8Array {
  let out: Buffer;
  try {
    out = inflateRawSync(src, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: clusterSize });
  } catch (err) {
    throw new BlockError(EIO, `compressed cluster is corrupt: ${(err as Error).message}`);
  }
  if (out.length !== clusterSize) {
    throw new BlockError(EIO, `compressed cluster inflates to ${out.length} bytes, not ${clusterSize}`);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
