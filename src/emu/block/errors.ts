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
export const ELOOP = 40;
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

/** strerror() texts for the codes a file open reports, as QEMU prints them. */
const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EROFS: "Read-only file system",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
  EMFILE: "Too many open files",
  ENFILE: "Too many open files in system",
  ETXTBSY: "Text file busy",
  EIO: "Input/output error",
};

/** The strerror() text of a Node fs error (QEMU's wording), else the error's own message. */
export function strerrorOf(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  return (code !== undefined ? STRERROR[code] : undefined) ?? (err as Error).message;
}
