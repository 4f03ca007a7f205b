// Image locks QEMU understands, both ways: the Linux OFD byte-range locks QEMU 7.2's file-posix
// driver takes (raw_apply_lock_bytes / raw_check_lock_bytes). For every permission an open holds it
// takes a shared lock on byte RAW_LOCK_PERM_BASE + bit, and for every permission it does not share,
// one on RAW_LOCK_SHARED_BASE + bit. An open is refused when another open file description (another
// process, or another open in this one) holds a lock on the "unshared" byte of a permission it
// wants, or on the "held" byte of a permission it does not share. The locks live as long as the
// file descriptor: closing it (or the process dying) drops them, so nothing is ever stale.
import { constants } from "node:os";
import { BlockError, EACCES, EAGAIN } from "./errors.ts";
import { ofdGetLock, ofdSetLock } from "./ofd-lock.ts";

/** QEMU's permission bits (include/block/block-common.h, BLK_PERM_*). */
export const BLK_PERM_CONSISTENT_READ = 0x01;
export const BLK_PERM_WRITE = 0x02;
export const BLK_PERM_WRITE_UNCHANGED = 0x04;
export const BLK_PERM_RESIZE = 0x08;
export const BLK_PERM_ALL = 0x0f;

/** First lock byte of the permissions held, and of those not shared (file-posix.c). */
export const RAW_LOCK_PERM_BASE = 100;
export const RAW_LOCK_SHARED_BASE = 200;

/** QEMU's names of the permissions (bdrv_perm_names), by bit number. */
const PERM_NAMES = ["consistent read", "write", "write unchanged", "resize"];

/** What an open of an image file uses (`perm`) and lets others use (`shared`), as BLK_PERM_* masks. */
export interface ImagePerms {
  perm: number;
  shared: number;
}

/**
 * A read-only open: what QEMU takes for a read-only drive (ide-cd, readonly=on) and for a backing
 * file: consistent reads, letting nobody else write or resize (bytes 100, 201, 203).
 */
export const PERMS_READ_ONLY: ImagePerms = {
  perm: BLK_PERM_CONSISTENT_READ,
  shared: BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE_UNCHANGED,
};

/** A raw image as a read-write guest disk (QEMU's ide-hd on format=raw): bytes 100, 101, 201. */
export const PERMS_GUEST_DISK: ImagePerms = {
  perm: BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE,
  shared: BLK_PERM_ALL & ~BLK_PERM_WRITE,
};

/**
 * The file under a read-write qcow2 (the qcow2 driver grows it, so it also takes and refuses to
 * share "resize"): bytes 100, 101, 103, 201, 203, as QEMU's ide-hd on format=qcow2 holds.
 */
export const PERMS_GROWING_DISK: ImagePerms = {
  perm: BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE | BLK_PERM_RESIZE,
  shared: BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE_UNCHANGED,
};

/** Creating (overwriting) an image, as qemu-img create's raw_co_create: write and resize, sharing all but resize. */
export const PERMS_CREATE: ImagePerms = {
  perm: BLK_PERM_WRITE | BLK_PERM_RESIZE,
  shared: BLK_PERM_ALL & ~BLK_PERM_RESIZE,
};

/** The one-line reason for errno `e` ("EIO"...). */
function errnoName(e: number): string {
  const hit = Object.entries(constants.errno).find(([, v]) => v === e);
  return hit ? hit[0] : `errno ${e}`;
}

/** The bit numbers set in `mask`, lowest first. */
function bits(mask: number): number[] {
  return PERM_NAMES.map((_, i) => i).filter((i) => (mask & (1 << i)) !== 0);
}

/**
 * Takes QEMU's lock bytes for `perms` on the open file `fd` (named `filename` in errors) and checks
 * that no other open conflicts. The locks stay until `fd` is closed. Throws a one-line BlockError:
 * EAGAIN `Failed to get "write" lock. Is another process using the image [FILE]?` on a conflict,
 * the errno of the lock call on any other failure, ENOTSUP when the addon is not built. On a throw
 * the caller must close `fd` (which drops whatever was taken).
 */
export function lockImage(fd: number, filename: string, perms: ImagePerms): void {
  const hint = `Is another process using the image [${filename}]?`;
  // Step one: shared locks on the bytes of what we hold and what we refuse to share.
  const bytes = [
    ...bits(perms.perm).map((i) => RAW_LOCK_PERM_BASE + i),
    ...bits(~perms.shared & BLK_PERM_ALL).map((i) => RAW_LOCK_SHARED_BASE + i),
  ];
  for (const byte of bytes) {
    const r = ofdSetLock(fd, byte, 1, "read");
    if (r === -EAGAIN || r === -EACCES) throw new BlockError(EAGAIN, `Failed to lock byte ${byte}. ${hint}`);
    if (r < 0) throw new BlockError(-r, `Failed to lock byte ${byte}: ${errnoName(-r)}`);
  }
  // Step two: nobody else refuses to share what we want, nor holds what we refuse to share.
  const checks = [
    ...bits(perms.perm).map((i) => ({ byte: RAW_LOCK_SHARED_BASE + i, what: `"${PERM_NAMES[i]}"` })),
    ...bits(~perms.shared & BLK_PERM_ALL).map((i) => ({
      byte: RAW_LOCK_PERM_BASE + i,
      what: `shared "${PERM_NAMES[i]}"`,
    })),
  ];
  for (const { byte, what } of checks) {
    const r = ofdGetLock(fd, byte, 1, "write");
    if (r === null) continue;
    if (typeof r === "number" && r !== -EAGAIN && r !== -EACCES)
      throw new BlockError(-r, `Failed to get ${what} lock: ${errnoName(-r)}`);
    throw new BlockError(EAGAIN, `Failed to get ${what} lock. ${hint}`);
  }
}
