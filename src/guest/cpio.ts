// The "newc" cpio format Linux unpacks as an initramfs (Documentation/driver-api/early-userspace/
// buffer-format.rst): for each entry a 110-byte ASCII header (magic 070701 and 13 eight-digit hex
// fields), the NUL-terminated name padded to 4 bytes, then the data padded to 4 bytes; the archive
// ends with an entry named TRAILER!!!.

/** File-type bits of a cpio mode, as in stat(2). */
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;

/** One archive member: a directory, a regular file (data), a symbolic link (target) or a device node (rdev). */
export interface CpioEntry {
  /** Path inside the archive, without a leading slash ("bin/busybox"). */
  readonly path: string;
  /** Type and permission bits (S_IFREG | 0o755). */
  readonly mode: number;
  /** A regular file's contents. */
  readonly data?: Uint8Array;
  /** A symbolic link's target. */
  readonly target?: string;
  /** A device node's major and minor numbers. */
  readonly rdev?: readonly [number, number];
}

const MAGIC = "070701";
const TRAILER = "TRAILER!!!";

/** Formats n as the 8 hex digits of a newc header field. */
function field(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

/** Zero bytes that pad `length` to a multiple of 4. */
function padding(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

/**
 * Returns the newc archive of `entries`, in order (a directory must precede what it holds). Every
 * member is owned by root, dated 0 (so the same input gives the same bytes), with its own inode.
 */
export function writeNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  const member = (ino: number, name: string, mode: number, body: Buffer, nlink: number, rdev = [0, 0]) => {
    const nameBytes = Buffer.from(`${name}\0`, "utf8");
    const header =
      MAGIC +
      field(ino) +
      field(mode) +
      field(0) + // uid
      field(0) + // gid
      field(nlink) +
      field(0) + // mtime
      field(body.length) +
      field(0) + // devmajor
      field(0) + // devminor
      field(rdev[0]!) + // rdevmajor
      field(rdev[1]!) + // rdevminor
      field(nameBytes.length) +
      field(0); // check
    push(Buffer.from(header, "ascii"));
    push(nameBytes);
    push(padding(offset));
    push(body);
    push(padding(offset));
  };
  entries.forEach((entry, i) => {
    const type = entry.mode & 0o170000;
    let body: Buffer;
    if (type === S_IFLNK) body = Buffer.from(entry.target ?? "", "utf8");
    else if (type === S_IFREG) body = Buffer.from(entry.data ?? new Uint8Array(0));
    else body = Buffer.alloc(0);
    member(
      i + 1,
      entry.path,
      entry.mode,
      body,
      type === S_IFDIR ? 2 : 1,
      entry.rdev ? [...entry.rdev] : [0, 0],
    );
  });
  member(0, TRAILER, 0, Buffer.alloc(0), 1);
  return Buffer.concat(parts);
}
