// Errors while handling one packet. A ProtocolError is non-fatal: the stub answers `Exx` and the
// session goes on (like the gdbstub crate's NonFatal/Errno split); only a closed socket ends it.

/** errno values gdb understands in `Exx` replies. */
export const ERRNO = {
  EPERM: 0x01,
  ENOENT: 0x02,
  EIO: 0x05,
  EFAULT: 0x0e,
  EINVAL: 0x16,
  ENOSPC: 0x1c,
} as const;

/** A malformed or unsatisfiable packet: answered with `E<errno>`. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly errno: number = ERRNO.EINVAL,
  ) {
    super(message);
    this.name = "ProtocolError";
  }

  /** The reply packet for this error. */
  reply(): string {
    return `E${this.errno.toString(16).padStart(2, "0")}`;
  }
}
