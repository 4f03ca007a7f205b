// Block-layer errors: every failure of a request is a BlockError carrying a POSIX errno, so the
// completion callback gets `-errno` exactly like QEMU's BlockCompletionFunc(opaque, ret).

/** errno values the block layer reports (Linux numbering, as QEMU returns them). */
export const EPERM = 1;
export const EIO = 5;
export const EBADF = 9;
export const EAGAIN = 11;
export const EACCES = 13;
export const EBUSY = 16;
export const EINVAL = 22;
export const EFBIG = 27;
export const ENOSPC = 28;
export const EROFS = 30;
export const ENOTSUP = 95;

/** A failed block request or open: `errno` is positive, `message` names the cause in one line. */
export class BlockError extends Error {
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
    this.name = "BlockError";
  }
}

/** Maps a Node fs error code (`EIO`, `ENOSPC`...) to its errno number; unknown codes become EIO. */
export function errnoOf(err: unknown): number {
  const code = (err as { code?: string } | null)?.code;
  switch (code) {
    case "EPERM":
      return EPERM;
    case "EBADF":
      return EBADF;
    case "EAGAIN":
      return EAGAIN;
    case "EACCES":
      return EACCES;
    case "EINVAL":
      return EINVAL;
    case "EFBIG":
      return EFBIG;
    case "ENOSPC":
      return ENOSPC;
    case "EROFS":
      return EROFS;
    default:
      return EIO;
  }
}
