// The native OFD-lock addon (native/ofd-lock.c, built by `npm run build:native` into
// native/build/ofd_lock.node): Linux open file description byte-range locks, which Node's fs lacks.
// Loaded on first use; when it cannot load, every call throws one BlockError line saying how to
// build it.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BlockError, ENOTSUP } from "./errors.ts";

/** The addon's exports (see native/ofd-lock.c). */
interface OfdAddon {
  setLock(fd: number, start: number, len: number, type: number): number;
  getLock(fd: number, start: number, len: number, type: number): number;
  F_RDLCK: number;
  F_WRLCK: number;
  F_UNLCK: number;
}

/** Lock types: a shared (read) lock, an exclusive (write) lock, or none. */
export type OfdLockType = "read" | "write" | "unlock";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Where the built addon lives. */
export const OFD_ADDON_PATH = join(REPO_ROOT, "native", "build", "ofd_lock.node");

let addon: OfdAddon | null = null;
let loadError: string | null = null;

/** The loaded addon; throws a one-line BlockError (ENOTSUP) naming the file and the fix. */
function load(): OfdAddon {
  if (addon !== null) return addon;
  if (loadError === null) {
    try {
      addon = createRequire(import.meta.url)(OFD_ADDON_PATH) as OfdAddon;
      return addon;
    } catch (err) {
      const first = ((err as Error).message ?? String(err)).split("\n")[0];
      loadError = `cannot load the image-lock addon ${OFD_ADDON_PATH} (${first}): run 'npm run build:native' (needs gcc)`;
    }
  }
  throw new BlockError(ENOTSUP, loadError);
}

/** The kernel's number for `type`. */
function typeNumber(a: OfdAddon, type: OfdLockType): number {
  return type === "read" ? a.F_RDLCK : type === "write" ? a.F_WRLCK : a.F_UNLCK;
}

/**
 * Takes (or with "unlock" drops) an OFD lock on bytes [start, start+len) of the open file `fd`,
 * without waiting. Returns 0, or -errno (-EAGAIN or -EACCES when another open file description
 * holds a conflicting lock). Throws BlockError only when the addon is not built.
 */
export function ofdSetLock(fd: number, start: number, len: number, type: OfdLockType): number {
  const a = load();
  return a.setLock(fd, start, len, typeNumber(a, type));
}

/**
 * Asks whether another open file description holds a lock on [start, start+len) that conflicts
 * with taking `type` there: returns the conflicting lock's type, null when none, or -errno.
 * Throws BlockError only when the addon is not built.
 */
export function ofdGetLock(
  fd: number,
  start: number,
  len: number,
  type: Exclude<OfdLockType, "unlock">,
): OfdLockType | null | number {
  const a = load();
  const r = a.getLock(fd, start, len, typeNumber(a, type));
  if (r < 0) return r;
  return r === a.F_UNLCK ? null : r === a.F_WRLCK ? "write" : "read";
}
