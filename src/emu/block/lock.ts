// The image write lock. QEMU takes Linux OFD byte-range locks on the image (bytes 100+perm for the
// permissions it holds, 200+perm for those it refuses to share); Node cannot take OFD locks without
// native code. So pcscope (1) honours QEMU's lock by reading /proc/locks and refusing a read-write
// open while any process holds a lock on the image's inode at byte 101 (QEMU holds "write") or 201
// (QEMU refuses to share "write"), and (2) takes its own lock as a file created with O_EXCL under
// the temp directory, named by the image's device and inode and holding the owner's pid; a lock
// whose pid is dead is stale and taken over. QEMU does not see pcscope's lock (it only checks OFD
// locks), so pcscope-then-QEMU is not prevented; pcscope-vs-pcscope and QEMU-then-pcscope are.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlockError, EAGAIN } from "./errors.ts";

/** QEMU's lock bytes: 100 + BLK_PERM_WRITE (held) and 200 + BLK_PERM_WRITE (not shared). */
const QEMU_LOCK_WRITE_HELD = 101;
const QEMU_LOCK_WRITE_UNSHARED = 201;

/** The directory holding pcscope's lock files. */
function lockDir(): string {
  return join(tmpdir(), "pcscope-locks");
}

/** Splits Linux's dev_t into major and minor as the kernel encodes them. */
function devParts(dev: number): { major: number; minor: number } {
  const d = BigInt(dev);
  const major = Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
  const minor = Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
  return { major, minor };
}

/** Finds a QEMU-style write lock on (dev, ino) in /proc/locks; returns the holder's description. */
export function qemuWriteLockHolder(dev: number, ino: number): string | null {
  let text: string;
  try {
    text = readFileSync("/proc/locks", "utf8");
  } catch {
    return null;
  }
  const { major, minor } = devParts(dev);
  for (const line of text.split("\n")) {
    // "1: OFDLCK ADVISORY  READ  -1 00:2e:1234 100 100"
    const m = /^\d+:\s+(\S+)\s+\S+\s+\S+\s+(-?\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s+(\d+)\s+(\d+|EOF)/.exec(
      line,
    );
    if (!m) continue;
    if (
      Number.parseInt(m[3]!, 16) !== major ||
      Number.parseInt(m[4]!, 16) !== minor ||
      Number(m[5]) !== ino
    ) {
      continue;
    }
    const start = Number(m[6]);
    const end = m[7] === "EOF" ? Number.POSITIVE_INFINITY : Number(m[7]);
    for (const byte of [QEMU_LOCK_WRITE_HELD, QEMU_LOCK_WRITE_UNSHARED]) {
      if (start <= byte && byte <= end) return m[1] === "OFDLCK" ? "a QEMU process" : `pid ${m[2]}`;
    }
  }
  return null;
}

/** True when `pid` names a live process. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}

/** A held write lock on one image; release() it when the image is closed. */
export class ImageLock {
  private released = false;

  private constructor(private readonly path: string) {}

  /**
   * Takes the write lock for the open file `fd` (named `filename` in errors). Throws a BlockError
   * (EAGAIN) naming the holder when QEMU or another pcscope open holds it.
   */
  static acquire(fd: number, filename: string): ImageLock {
    const st = fstatSync(fd);
    const qemu = qemuWriteLockHolder(st.dev, st.ino);
    if (qemu !== null) {
      throw new BlockError(EAGAIN, `Failed to get "write" lock on ${filename}: held by ${qemu}`);
    }
    mkdirSync(lockDir(), { recursive: true });
    const path = join(lockDir(), `${st.dev}-${st.ino}.lock`);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const lfd = openSync(path, "wx", 0o644);
        writeSync(lfd, `${process.pid}\n`);
        closeSync(lfd);
        return new ImageLock(path);
      } catch (err) {
        if ((err as { code?: string }).code !== "EEXIST") throw err;
      }
      let pid = Number.NaN;
      try {
        pid = Number.parseInt(readFileSync(path, "utf8"), 10);
      } catch {
        continue; // removed meanwhile: retry
      }
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        const who = pid === process.pid ? "this process (already open read-write)" : `pcscope pid ${pid}`;
        throw new BlockError(EAGAIN, `Failed to get "write" lock on ${filename}: held by ${who}`);
      }
      try {
        unlinkSync(path); // stale: its owner died
      } catch {
        // another opener removed it first
      }
    }
    throw new BlockError(EAGAIN, `Failed to get "write" lock on ${filename}: lock file keeps changing`);
  }

  /** Drops the lock (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}
