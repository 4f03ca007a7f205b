// Reading host files the user names (BIOS, kernel, disk images, symbol listings) safely: a file is
// opened without blocking (a FIFO with no writer would hang open(2)), measured with fstat on the
// opened descriptor (not the path, so nothing can be swapped in between), refused when it is not a
// regular file or is larger than the caller's limit, and then read for exactly its stated size.
// Dependency-free (node: built-ins only) so every layer, src/symbols and src/emu alike, can use it.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { getSystemErrorMap } from "node:util";

/**
 * A host file that cannot be used; `reason` is the text after the file's name, `code` the errno
 * code (`ENOENT`) when a system call failed, undefined when the file was refused.
 */
export class HostFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "HostFileError";
  }
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * A byte count for people: `512 MiB`, `3.2 GiB`, `100 bytes` (binary units, one decimal when not
 * whole; the exact count when one decimal would hide the difference, as 16 MiB + 1).
 */
export function formatBytes(bytes: number): string {
  const unit = (size: number, name: string) => {
    const value = bytes / size;
    if (Number.isInteger(value)) return `${value} ${name}`;
    const rounded = value.toFixed(1);
    return rounded.endsWith(".0") ? `${bytes} bytes` : `${rounded} ${name}`;
  };
  if (bytes >= GiB) return unit(GiB, "GiB");
  if (bytes >= MiB) return unit(MiB, "MiB");
  if (bytes >= KiB) return unit(KiB, "KiB");
  return `${bytes} bytes`;
}

/**
 * An errno error as a short phrase: `no such file` for ENOENT, `is a directory` for EISDIR, else
 * the system's wording and the code (`no space left on device (ENOSPC)`).
 */
export function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "ENOENT") return "no such file";
  if (e.code === "EISDIR") return "is a directory";
  const text = e.errno === undefined ? undefined : getSystemErrorMap().get(e.errno)?.[1];
  if (e.code === undefined) return String(e.message ?? err);
  return text === undefined ? e.code : `${text} (${e.code})`;
}

/** What a non-regular file is, for messages. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return "directory";
  if (st.isCharacterDevice()) return "character device";
  if (st.isBlockDevice()) return "block device";
  if (st.isFIFO()) return "FIFO";
  if (st.isSocket()) return "socket";
  return "special file";
}

/** An opened regular file and its size when opened. */
export interface OpenedHostFile {
  readonly fd: number;
  readonly size: number;
}

/**
 * Opens `path` with `flags` (fs.constants O_* bits, O_RDONLY by default) without blocking and
 * checks the opened descriptor: a regular file of at most `limit` bytes. Needs: nothing. Guarantees:
 * returns an open fd the caller must close, or throws HostFileError with nothing left open.
 */
export function openHostFile(path: string, flags = constants.O_RDONLY, limit = Infinity): OpenedHostFile {
  let fd: number;
  try {
    fd = openSync(path, flags | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw new HostFileError(path, errnoText(err), (err as NodeJS.ErrnoException).code);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new HostFileError(path, "is a directory");
    if (!st.isFile()) throw new HostFileError(path, `not a regular file (${kindOf(st)})`);
    if (st.size > limit)
      throw new HostFileError(path, `${formatBytes(st.size)}, larger than the ${formatBytes(limit)} limit`);
    return { fd, size: st.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * Reads all of the regular file `path` when it is at most `limit` bytes. Guarantees: exactly the
 * size fstat reported is read (a file that shrinks meanwhile is an error, growth is not read);
 * throws HostFileError naming the problem, never blocks on a FIFO or reads a device.
 */
export function readHostFile(path: string, limit: number): Buffer {
  const { fd, size } = openHostFile(path, constants.O_RDONLY, limit);
  try {
    const buf = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, buf, done, size - done, done);
      if (n === 0) throw new HostFileError(path, `shrank while being read (${done} of ${size} bytes)`);
      done += n;
    }
    return buf;
  } catch (err) {
    if (err instanceof HostFileError) throw err;
    throw new HostFileError(path, `read failed: ${errnoText(err)}`);
  } finally {
    closeSync(fd);
  }
}

/** Bytes read from a stream descriptor per readSync call. */
const STREAM_CHUNK = 64 * KiB;

/**
 * Reads descriptor `fd` (a pipe, a terminal or a file: standard input) to its end, refusing more
 * than `limit` bytes: throws HostFileError(`name`) once the limit is passed, so an endless source
 * such as /dev/zero costs at most `limit` bytes of memory.
 */
export function readStreamBounded(fd: number, name: string, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(STREAM_CHUNK);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, STREAM_CHUNK, null);
    } catch (err) {
      throw new HostFileError(name, `read failed: ${errnoText(err)}`);
    }
    if (n === 0) break;
    total += n;
    if (total > limit) throw new HostFileError(name, `more than the ${formatBytes(limit)} limit`);
    chunks.push(chunk.subarray(0, n));
  }
  return Buffer.concat(chunks, total);
}
