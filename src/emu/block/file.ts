// The `file` protocol driver (QEMU's file-posix): pread/pwrite/fdatasync on a host file, through
// node:fs synchronously or on Node's thread pool, as the AioContext decides. Reads past the end of
// the file return zeros. Every open takes QEMU's image locks for what it does (lock.ts).
import {
  closeSync,
  constants,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  read,
  readSync,
  write,
  writeSync,
} from "node:fs";
import { HostFileError, openHostFile } from "../../shared/host-file.ts";
import type { AioContext } from "./aio-context.ts";
import type { Co, HostOp } from "./coroutine.ts";
import { BlockError, EINVAL, errnoOf, strerrorOf } from "./errors.ts";
import { lockImage, PERMS_GROWING_DISK, PERMS_GUEST_DISK, PERMS_READ_ONLY } from "./lock.ts";
import { BlockNode, type BlockStatus } from "./node.ts";
import type { ReqCtx } from "./request.ts";

/**
 * The BlockError for an image that cannot be opened: its errno, and a line naming the file and why
 * (a FIFO, a device or a directory is refused: images are regular files; host block devices, QEMU's
 * host_device driver, are not supported).
 */
export function hostOpenError(filename: string, err: unknown): BlockError {
  if (!(err instanceof HostFileError))
    return new BlockError(errnoOf(err), `Could not open '${filename}': ${strerrorOf(err)}`);
  // An errno in strerror's words, as QEMU prints it; a refused file kind or size as the check says.
  const why = err.code === undefined ? err.reason : strerrorOf({ code: err.code, message: err.reason });
  return new BlockError(
    err.code === undefined ? EINVAL : errnoOf(err),
    `Could not open '${filename}': ${why}`,
  );
}

/** pread of `buf` at `pos`; short reads at end of file are zero-filled. */
class PreadOp implements HostOp {
  readonly kind = "pread";
  constructor(
    private readonly fd: number,
    private readonly buf: Uint8Array,
    private readonly pos: number,
  ) {}
  runSync(): number {
    try {
      let done = 0;
      while (done < this.buf.length) {
        const n = readSync(this.fd, this.buf, done, this.buf.length - done, this.pos + done);
        if (n === 0) break;
        done += n;
      }
      if (done < this.buf.length) this.buf.fill(0, done);
      return this.buf.length;
    } catch (err) {
      return -errnoOf(err);
    }
  }
  runAsync(finish: (result: number) => void): void {
    const step = (done: number): void => {
      if (done >= this.buf.length) {
        finish(this.buf.length);
        return;
      }
      read(this.fd, this.buf, done, this.buf.length - done, this.pos + done, (err, n) => {
        if (err) {
          finish(-errnoOf(err));
          return;
        }
        if (n === 0) {
          this.buf.fill(0, done);
          return finish(this.buf.length);
        }
        step(done + n);
      });
    };
    step(0);
  }
}

/** pwrite of `buf` at `pos`. */
class PwriteOp implements HostOp {
  readonly kind = "pwrite";
  constructor(
    private readonly fd: number,
    private readonly buf: Uint8Array,
    private readonly pos: number,
  ) {}
  runSync(): number {
    try {
      let done = 0;
      while (done < this.buf.length)
        done += writeSync(this.fd, this.buf, done, this.buf.length - done, this.pos + done);
      return done;
    } catch (err) {
      return -errnoOf(err);
    }
  }
  runAsync(finish: (result: number) => void): void {
    const step = (done: number): void => {
      if (done >= this.buf.length) {
        finish(done);
        return;
      }
      write(this.fd, this.buf, done, this.buf.length - done, this.pos + done, (err, n) => {
        if (err) {
          finish(-errnoOf(err));
          return;
        }
        step(done + n);
      });
    };
    step(0);
  }
}

/** fdatasync of the file. */
class FdatasyncOp implements HostOp {
  readonly kind = "fdatasync";
  constructor(private readonly fd: number) {}
  runSync(): number {
    try {
      fdatasyncSync(this.fd);
      return 0;
    } catch (err) {
      return -errnoOf(err);
    }
  }
  runAsync(finish: (result: number) => void): void {
    fdatasync(this.fd, (err) => finish(err ? -errnoOf(err) : 0));
  }
}

/** Options of a file open. */
export interface FileOpenOptions {
  /** Open read-only (QEMU's readonly=on). A read-write open of an unwritable file fails. */
  readOnly?: boolean;
  /** Take QEMU's image locks (default true); false is QEMU's locking=off, for inspection only. */
  lock?: boolean;
  /** The format above grows the file (qcow2): a read-write open also takes and unshares "resize". */
  resize?: boolean;
}

/** A host file as a block node. */
export class FileNode extends BlockNode {
  readonly format = "file";
  size: number;
  private closed = false;

  private constructor(
    ctx: AioContext,
    filename: string,
    readonly fd: number,
    readOnly: boolean,
  ) {
    super(ctx, filename, readOnly);
    this.growable = true;
    this.size = fstatSync(fd).size;
  }

  /**
   * Opens `filename` and takes its locks (read-only, guest disk or growing disk, as QEMU would);
   * throws BlockError with a one-line message when it cannot, having closed what it opened. A
   * read-write open of a file the user cannot write fails ("Permission denied"), as in QEMU: never
   * silently read-only.
   */
  static open(ctx: AioContext, filename: string, opts: FileOpenOptions = {}): FileNode {
    const readOnly = opts.readOnly ?? false;
    let fd: number;
    try {
      fd = openHostFile(filename, readOnly ? constants.O_RDONLY : constants.O_RDWR).fd;
    } catch (err) {
      throw hostOpenError(filename, err);
    }
    if (opts.lock !== false) {
      const perms = readOnly ? PERMS_READ_ONLY : opts.resize ? PERMS_GROWING_DISK : PERMS_GUEST_DISK;
      try {
        lockImage(fd, filename, perms);
      } catch (err) {
        closeSync(fd);
        if (err instanceof BlockError)
          throw new BlockError(err.errno, `Could not open '${filename}': ${err.message}`);
        throw err;
      }
    }
    return new FileNode(ctx, filename, fd, readOnly);
  }

  /** Reads synchronously outside any request (image open, check); zero-fills past EOF. */
  preadSync(buf: Uint8Array, pos: number): void {
    const r = new PreadOp(this.fd, buf, pos).runSync();
    if (r < 0) throw new BlockError(-r, `read error on ${this.filename} at ${pos}`);
  }

  /** Writes synchronously outside any request (image creation, header updates at open). */
  pwriteSync(buf: Uint8Array, pos: number): void {
    const r = new PwriteOp(this.fd, buf, pos).runSync();
    if (r < 0) throw new BlockError(-r, `write error on ${this.filename} at ${pos}`);
    if (pos + buf.length > this.size) this.size = pos + buf.length;
  }

  /** fdatasync outside any request. */
  syncSync(): void {
    const r = new FdatasyncOp(this.fd).runSync();
    if (r < 0) throw new BlockError(-r, `fdatasync failed on ${this.filename}`);
  }

  /** Sets the file length (image creation). */
  truncateSync(length: number): void {
    ftruncateSync(this.fd, length);
    this.size = length;
  }

  /** Current length of the host file. */
  fileLength(): number {
    return fstatSync(this.fd).size;
  }

  /** Bytes the file occupies on disk (qemu-img's "disk size"). */
  allocatedBytes(): number {
    return fstatSync(this.fd).blocks * 512;
  }

  blockStatus(offset: number, bytes: number): BlockStatus {
    return { length: bytes, present: true, zero: false, data: true, offset, depth: 0, file: this.filename };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd); // drops the image locks
  }

  protected *drvPreadv(r: ReqCtx, offset: number, bytes: number, buf: Uint8Array): Co<void> {
    const t = this.ctx.trace.file_pread;
    if (t.on) t.emit({ fd: this.fd, offset, bytes }, r);
    const result = yield new PreadOp(this.fd, buf.subarray(0, bytes), offset);
    if (result < 0) throw new BlockError(-result, `read error on ${this.filename} at ${offset}`);
  }

  protected *drvPwritev(r: ReqCtx, offset: number, bytes: number, buf: Uint8Array): Co<void> {
    const t = this.ctx.trace.file_pwrite;
    if (t.on) t.emit({ fd: this.fd, offset, bytes }, r);
    const result = yield new PwriteOp(this.fd, buf.subarray(0, bytes), offset);
    if (result < 0) throw new BlockError(-result, `write error on ${this.filename} at ${offset}`);
    if (offset + bytes > this.size) this.size = offset + bytes;
  }

  protected *drvFlush(r: ReqCtx): Co<void> {
    const t = this.ctx.trace.file_fdatasync;
    if (t.on) t.emit({ fd: this.fd }, r);
    const result = yield new FdatasyncOp(this.fd);
    if (result < 0) throw new BlockError(-result, `fdatasync failed on ${this.filename}`);
  }
}
